"""The consent recording must be its own take: a sample that is (part of) it is refused."""

import numpy as np
import pytest
import soundfile
import soxr

from tests.voices.conftest import (
    LJ_CONSENT,
    LJ_SAMPLES,
    STRANGER,
    analyse_pending,
    flac_bytes,
    upload_sample,
)
from voices.evidence.fingerprint import fingerprint, overlaps, shared_seconds
from voices.models import Sample

pytestmark = pytest.mark.django_db


def _read(path):
    return soundfile.read(path, dtype="float32")


def test_it_finds_a_trimmed_resampled_noisy_copy(speech):
    audio, sr = _read(speech(LJ_CONSENT))
    part = soxr.resample(audio[int(1.3 * sr) : int(5.1 * sr)], sr, 44_100)
    part = part + np.random.default_rng(0).normal(0, 0.005, len(part)).astype(np.float32)
    assert shared_seconds(fingerprint(part, 44_100), fingerprint(audio, sr)) > 3.0


def test_it_finds_a_copy_inside_a_longer_recording(speech):
    consent, sr = _read(speech(LJ_CONSENT))
    before, _ = _read(speech(LJ_SAMPLES[0]))
    after, _ = _read(speech(LJ_SAMPLES[1]))
    spliced = np.concatenate([before, consent[: 3 * sr], after])
    assert overlaps(fingerprint(consent, sr), fingerprint(spliced, sr))


@pytest.mark.parametrize("other", [LJ_SAMPLES[0], LJ_SAMPLES[1], STRANGER])
def test_other_takes_share_nothing_even_from_the_same_speaker(speech, other):
    consent, sr = _read(speech(LJ_CONSENT))
    audio, other_sr = _read(speech(other))
    assert shared_seconds(fingerprint(consent, sr), fingerprint(audio, other_sr)) == 0.0


def test_the_consent_recording_is_refused_as_a_sample(client, alice, draft, speech):
    client.force_login(alice)
    response = upload_sample(client, draft, "again.flac", speech(LJ_CONSENT).read_bytes())
    assert response.status_code == 400
    assert b"separate take" in response.content
    assert draft.samples.count() == 0


def test_a_re_encoded_cut_of_the_consent_is_refused(client, alice, draft, speech):
    audio, sr = _read(speech(LJ_CONSENT))
    cut = soxr.resample(audio[int(0.5 * sr) : int(7.5 * sr)], sr, 24_000)
    client.force_login(alice)
    response = upload_sample(client, draft, "cut.flac", flac_bytes(cut, 24_000))
    # Only the decoded audio shows the shared stretch: the analysis worker refuses it.
    assert response.status_code == 200
    (sample,) = analyse_pending()
    assert sample.status == Sample.Status.REJECTED and "separate take" in sample.error
    assert draft.samples.exclude(status=Sample.Status.REJECTED).count() == 0
    assert not sample.file


def test_another_take_of_the_same_speaker_is_accepted(client, alice, draft, speech):
    client.force_login(alice)
    response = upload_sample(client, draft, "take.flac", speech(LJ_SAMPLES[0]).read_bytes())
    assert response.status_code == 200, response.content.decode()[:500]
    (sample,) = analyse_pending()
    assert sample.status == Sample.Status.ANALYSED and draft.samples.count() == 1
