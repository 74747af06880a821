"""The professional tier runs on a real Celery worker and reports progress to a polling page."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from billing.selectors import balance_for
from tests.conftest import start_worker
from tests.voices.conftest import poll_clone_page
from voices.models import Sample, Voice
from voices.storage import file_save, sha256_hex

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# About 70 s of one speaker: enough for the professional tier (at least 60 s).
LJ_PRO = [f"ljspeech/LJ/LJ001-{n:04d}.flac" for n in (1, 3, 5, 7, 9, 10, 12, 14, 15)]


def _add_samples(voice, speech):
    for name in LJ_PRO:
        data = speech(name).read_bytes()
        Sample.objects.create(
            voice=voice, file=file_save(data=data, folder="samples", ext="flac"),
            content_type="audio/flac", size_bytes=len(data), sha256=sha256_hex(data),
            seconds=8, speech_seconds=7.8, analysis={"verdict": "ok", "advice": []},
        )  # fmt: skip


def test_it_clones_in_the_background_with_live_progress(
    client, alice, funded, make_voice, speech, tmp_path, settings
):
    # The worker process reads the test run's media folder, not this test's private one.
    settings.MEDIA_ROOT = Path(os.environ["SPEEKO_TEST_RUN_DIR"]) / "media"
    funded(alice)
    # Its consent recording reads other words (the consent checks have their own tests): staff
    # approved it, so the worker records the checks and clones.
    voice = make_voice(alice, status=Voice.Status.DRAFT, verification="approved")
    voice.samples.all().delete()
    _add_samples(voice, speech)
    worker = start_worker(tmp_path, extra_env={"VOICES_PROFESSIONAL_BUDGET_SECONDS": "6"})
    try:
        client.force_login(alice)
        url = reverse("voices:clone_tier", args=[voice.public_id])
        response = client.post(url, {"tier": "professional"})
        assert response.status_code == 302
        final, seen = poll_clone_page(client, voice, worker)
    finally:
        worker.stop()
    voice.refresh_from_db()
    assert voice.status == Voice.Status.READY, (voice.error, worker.log()[-3000:])
    assert voice.tier == Voice.Tier.PROFESSIONAL
    assert 200 in seen  # it was still running at least once while we polled
    assert "Use in playground" in final.content.decode()
    assert balance_for(user=alice) == 0  # $5 free tier paid the $5 professional fee


def test_a_failed_clone_refunds_its_fee(alice, funded, make_voice):
    from voices.services import voice_clone_fail
    from voices.services.cloning import _clone_begin

    funded(alice)
    voice = make_voice(alice, status=Voice.Status.DRAFT)
    before = balance_for(user=alice)
    _clone_begin(voice=voice, tier="instant")
    assert balance_for(user=alice) == before - 500_000
    voice_clone_fail(voice_id=voice.pk, message="The cloning job kept crashing; try again.")
    voice.refresh_from_db()
    assert voice.status == Voice.Status.FAILED
    assert balance_for(user=alice) == before
