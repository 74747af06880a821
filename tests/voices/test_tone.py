"""A cloned voice speaks through the tone its clone measured on the recording."""

import pytest

from synthesis.services import _cloned_voice

pytestmark = pytest.mark.django_db


def test_a_cloned_voice_speaks_through_its_recording_s_tone(alice, make_voice):
    voice = make_voice(alice)
    # Cloned before tones existed: Kokoro's own tone.
    assert _cloned_voice(user=alice, voice=voice.public_id, use="", project="").tone == ()
    voice.stats = {**voice.stats, "tone": [[100.0, -2.0], [4000.0, 3.5]]}
    voice.save()
    spoken = _cloned_voice(user=alice, voice=voice.public_id, use="", project="")
    assert spoken.tone == ((100.0, -2.0), (4000.0, 3.5))
