"""An upload is stored "analysing" by the request and decoded and analysed by a worker.

The samples page polls while anything is analysing; continuing to a clone waits for the verdicts.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import voices.cloning.audio
from tests.voices.conftest import (
    LJ_SAMPLES,
    analyse_pending,
    broker_stand_in,
    media_files,
    upload_sample,
)
from voices.exceptions import CloneRefused
from voices.models import Sample
from voices.selectors import user_storage_bytes
from voices.services import voice_clone_start
from voices.services.analysis import sample_analyse, samples_reconcile
from voices.tasks import sample_analyse_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Analysis tasks sent to the broker, as (args, options)."""
    return broker_stand_in(monkeypatch, sample_analyse_task)


def _no_decoding(*args, **kwargs):
    raise AssertionError("the request decoded audio")


def test_the_upload_request_decodes_nothing_and_the_worker_fills_the_analysis(
    client, alice, draft, speech, sent, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    monkeypatch.setattr(voices.cloning.audio, "decode", _no_decoding)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_sample(client, draft, "take.flac", speech(LJ_SAMPLES[0]).read_bytes())
    monkeypatch.undo()
    assert response.status_code == 200, response.content.decode()[:500]
    html = response.content.decode()
    assert "Analysing…" in html and 'hx-trigger="every 2s"' in html
    assert 'aria-disabled="true' in html  # no continuing while it is analysed
    sample = Sample.objects.get(voice=draft)
    assert sample.status == Sample.Status.ANALYSING and sample.analysis == {}
    assert sample.seconds > 5  # from the header, without decoding
    assert sent == [((sample.pk,), {"queue": "cloning_instant"})]

    # The partial keeps polling (200) while the sample is analysed...
    url = reverse("voices:clone_samples", args=[draft.public_id])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    # ...the worker's task decodes and analyses it...
    decoded = []
    real_decode = voices.cloning.audio.decode
    monkeypatch.setattr(
        voices.cloning.audio, "decode", lambda *a, **k: decoded.append(1) or real_decode(*a, **k)
    )
    sample_analyse_task(sample.pk)
    assert decoded
    sample.refresh_from_db()
    assert sample.status == Sample.Status.ANALYSED
    assert 3 < sample.speech_seconds < 10 and sample.analysis["snr_db"] > 15
    # ...and the last poll shows the verdict and tells htmx to stop (286).
    final = client.get(url, HTTP_HX_REQUEST="true")
    assert final.status_code == 286
    assert "Analysing…" not in final.content.decode() and "every 2s" not in final.content.decode()
    assert 'data-verdict="' in final.content.decode() and "dB" in final.content.decode()


def test_the_analysis_is_idempotent(client, alice, draft, speech):
    client.force_login(alice)
    upload_sample(client, draft, "take.flac", speech(LJ_SAMPLES[0]).read_bytes())
    (first,) = analyse_pending()
    again = sample_analyse(sample_id=first.pk)
    assert again.status == Sample.Status.ANALYSED and again.analysis == first.analysis
    assert sample_analyse(sample_id=first.pk + 1000) is None  # removed meanwhile: nothing to do


def test_a_clone_waits_for_the_analysis_and_refuses_rejected_samples(
    client, alice, funded, draft, speech, media
):
    funded(alice)
    client.force_login(alice)
    for name in LJ_SAMPLES:
        upload_sample(client, draft, name.rsplit("/", 1)[-1], speech(name).read_bytes())
    with pytest.raises(CloneRefused, match="still being analysed"):
        voice_clone_start(voice=draft, tier="instant")
    tier = client.post(reverse("voices:clone_tier", args=[draft.public_id]), {"tier": "instant"})
    assert tier.status_code == 400 and "still being analysed" in tier.content.decode()

    analyse_pending()
    cut = speech(LJ_SAMPLES[0]).read_bytes()[:20_000]  # a whole header, a third of the audio
    upload_sample(client, draft, "cut.flac", cut)
    used = user_storage_bytes(user=alice)
    files = len(media_files(media))
    (rejected,) = analyse_pending()
    assert rejected.status == Sample.Status.REJECTED and "could not be decoded" in rejected.error
    assert len(media_files(media)) == files - 1
    assert user_storage_bytes(user=alice) == used - len(cut)
    page = client.get(reverse("voices:clone_samples", args=[draft.public_id])).content.decode()
    assert "could not be decoded" in page and 'aria-disabled="true' in page
    with pytest.raises(CloneRefused, match="cut.flac: The recording could not be decoded"):
        voice_clone_start(voice=draft, tier="instant")

    # Removing it clears the way: the two analysed takes hold enough speech together.
    client.post(reverse("voices:sample_delete", args=[rejected.public_id]))
    page = client.get(reverse("voices:clone_samples", args=[draft.public_id])).content.decode()
    assert 'aria-disabled="true' not in page
    assert voice_clone_start(voice=draft, tier="instant").status == "processing"


def test_lost_analyses_are_sent_again_then_given_up(
    client, alice, draft, speech, media, sent, settings
):  # fmt: skip
    client.force_login(alice)
    upload_sample(client, draft, "take.flac", speech(LJ_SAMPLES[0]).read_bytes())
    sample = Sample.objects.get(voice=draft)
    stored = media / sample.file
    assert stored.exists()
    assert samples_reconcile() == {"requeued": 0, "rejected": 0}  # just uploaded: wait

    later = timezone.now() + timedelta(seconds=settings.VOICES_ANALYSIS_REQUEUE_SECONDS + 1)
    assert samples_reconcile(now=later) == {"requeued": 1, "rejected": 0}
    assert sent == [((sample.pk,), {"queue": "cloning_instant"})]

    from django.test import TestCase

    much_later = timezone.now() + timedelta(seconds=settings.VOICES_ANALYSIS_MAX_SECONDS + 1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert samples_reconcile(now=much_later) == {"requeued": 0, "rejected": 1}
    sample.refresh_from_db()
    assert sample.status == Sample.Status.REJECTED and "upload it again" in sample.error
    assert not sample.file and not stored.exists()
