"""The samples page: each recording's verdict agrees with what the whole set allows."""

import pytest
from django.urls import reverse

from voices.models import Sample, Voice
from voices.storage import file_save, sha256_hex

pytestmark = pytest.mark.django_db


def _clip(voice, name: str, *, speech: float, snr: float = 30.0):
    """A sample as the upload analysis stores it: judged alone, a 9 s clip is "reject"."""
    data = name.encode() * 100
    return Sample.objects.create(
        voice=voice, file=file_save(data=data, folder="samples", ext="flac"),
        content_type="audio/flac", size_bytes=len(data), sha256=sha256_hex(data),
        seconds=speech + 0.5, speech_seconds=speech, original_name=name,
        analysis={"speech_seconds": speech, "total_seconds": speech + 0.5, "snr_db": snr,
                  "clipping_percent": 0.0, "loudness_lufs": -20.0, "consistency": None,
                  "verdict": "reject", "advice": [f"Only {speech:.0f} s of speech."]},
    )  # fmt: skip


@pytest.fixture
def draft(alice):
    return Voice.objects.create(
        owner=alice, name="Narrator", status=Voice.Status.DRAFT, tier=Voice.Tier.INSTANT
    )


def _page(client, voice):
    return client.get(reverse("voices:clone_samples", args=[voice.public_id])).content.decode()


def test_short_clips_that_add_up_are_good_like_the_summary_says(client, alice, draft):
    for name in ("LJ001-0001.flac", "LJ001-0002.flac", "LJ001-0003.flac"):
        _clip(draft, name, speech=9.0)
    client.force_login(alice)
    html = _page(client, draft)
    assert "<strong>27 s</strong>" in html and "Enough for an instant voice" in html
    assert html.count('data-verdict="ok"') == 3
    assert "Not usable" not in html and "Only 9 s" not in html
    assert 'id="to-tier"' in html and 'aria-disabled="true' not in html


def test_a_set_too_short_is_refused_everywhere_and_noise_stays_per_clip(client, alice, draft):
    _clip(draft, "short.flac", speech=9.0)
    client.force_login(alice)
    html = _page(client, draft)
    assert html.count('data-verdict="reject"') == 1
    assert "Instant cloning needs at least 10 s" in html and 'aria-disabled="true' in html

    _clip(draft, "noisy.flac", speech=9.0, snr=5.0)
    html = _page(client, draft)
    assert html.count('data-verdict="ok"') == 1 and html.count('data-verdict="reject"') == 1
    assert "The background is very noisy" in html
