"""Pitch and emphasis on a cloned voice, measured on the real engine's audio.

A clone's style is a mix of stock voices' rows, and the F0 it makes the model predict can
drop an octave on some frames (creak), which a stock voice rarely does: the controls must
still move the pitch and the time as asked, and emphasis must raise, lengthen and
strengthen the stressed words. The clone is made once per session by the cloning library's
instant tier from a recording in tests/data/speech.
"""

from pathlib import Path

import pytest

from benchmarks.bench_ssml import (
    SENTENCE,
    paired_shift,
    render_marked,
    semitones,
    stretch_stats,
    tagged,
)

pytestmark = pytest.mark.model

RECORDING = Path(__file__).parents[1] / "data/speech/librispeech_train_clean_100/1069"


@pytest.fixture(scope="module")
def clone():
    from dataclasses import replace

    from voices.cloning.clone import clone
    from voices.cloning.config import CONFIG

    # The instant tier's candidates are fixed, so the clone is the same however long it takes:
    # its wall-clock safety net is off, as a busy test machine must not fail the test.
    unlimited = replace(CONFIG, instant_time_limit=float("inf"))
    return clone([str(RECORDING / "1069-133699-0000.flac")], config=unlimited).style


@pytest.fixture(scope="module")
def plain(engine, clone):
    return render_marked(engine, *tagged(SENTENCE, "<prosody>", "</prosody>"), voice=clone)


@pytest.mark.parametrize("step", [-6, -3, 3, 6])
def test_a_pitch_request_lands_within_a_semitone_on_a_clone(engine, clone, plain, step):
    document = tagged(SENTENCE, f'<prosody pitch="{step:+d}st">', "</prosody>")
    audio, mask = render_marked(engine, *document, voice=clone)
    assert paired_shift(audio, mask, *plain) == pytest.approx(step, abs=1.0)


@pytest.mark.parametrize(
    ("level", "pitch", "energy", "longer"),
    # Half of the pitch each level asks for (1.5 and 2.5 semitones), most of its loudness and
    # time. The pitch movement's width is not checked on a clone: one whose own intonation is
    # already wide (the clone here spans 11 semitones, a stock voice 7-9) reads a stressed
    # word with a flatter contour, which the wider range only makes up for.
    [("moderate", 0.75, 1.2, 1.04), ("strong", 1.25, 3.0, 1.08)],
)
def test_emphasis_on_a_clone_is_higher_louder_and_longer(
    engine, clone, plain, level, pitch, energy, longer
):
    before = stretch_stats(*plain)
    document = tagged(SENTENCE, f'<emphasis level="{level}">', "</emphasis>")
    after = stretch_stats(*render_marked(engine, *document, voice=clone))
    assert semitones(after.f0_hz, before.f0_hz) > pitch
    assert after.rms_db - before.rms_db > energy
    assert after.seconds / before.seconds > longer


@pytest.mark.parametrize("slower", [0.8, 0.926])
def test_a_slower_rate_lengthens_a_clones_stretch_as_asked(engine, clone, plain, slower):
    # A clone that speaks fast gives its tokens about three frames each: the longer time must
    # still add up over the stretch rather than vanish in each token's rounding.
    document = tagged(SENTENCE, f'<prosody rate="{slower * 100:g}%">', "</prosody>")
    after = stretch_stats(*render_marked(engine, *document, voice=clone))
    assert after.seconds / stretch_stats(*plain).seconds == pytest.approx(1 / slower, abs=0.02)
