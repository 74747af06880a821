"""The playground's refusals, permissions and housekeeping (no worker, no model inference)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from billing.models import Reservation
from billing.selectors import balance_for
from synthesis import maintenance, services
from synthesis.models import Job
from tests.synthesis.conftest import FIVE_DOLLARS, SHORT_TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch):
    """Record what would be sent to the broker instead of sending it."""
    from synthesis.tasks import run_job

    sent = []
    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: sent.append(a))
    monkeypatch.setattr(run_job, "delay", lambda *a: sent.append(a))
    return sent


def _post(client, **overrides):
    data = {"text": SHORT_TEXT, "voice": "af_heart", "speed": "1.0", "format": "mp3"}
    data.update(overrides)
    return client.post(reverse("synthesis:playground"), data, HTTP_HX_REQUEST="true")


def _job_for(user, **overrides):
    fields = {
        "voice": "af_heart", "voice_kind": Job.VoiceKind.STOCK, "text": SHORT_TEXT,
        "format": "mp3", "billable_characters": 42, "estimated_cost_micros": 1260,
    }  # fmt: skip
    fields.update(overrides)
    return services._job_create(user=user, fields=fields)


def test_it_shows_the_playground_with_stock_voices(client, funded_alice):
    client.force_login(funded_alice)
    response = client.get(reverse("synthesis:playground"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="af_heart"' in body and 'value="bm_george"' in body
    assert "data-submit-shortcut" in body


def test_it_queues_a_job_and_reserves_its_cost(client, funded_alice, queued):
    client.force_login(funded_alice)
    response = _post(client)
    assert response.status_code == 200
    job = Job.objects.get(owner=funded_alice)
    assert queued == [(str(job.public_id),)]
    assert job.billable_characters == len(SHORT_TEXT)
    assert job.reservation.status == Reservation.Status.HELD
    assert balance_for(user=funded_alice) == FIVE_DOLLARS - job.estimated_cost_micros
    assert reverse("synthesis:job_listen", args=[job.public_id]) in response.content.decode()
    assert "balance-changed" in response["HX-Trigger"]


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"text": "   "}, 400, "Type some text to speak."),
        ({"voice": "zz_nobody"}, 400, "zz_nobody"),
        ({"blend": "af_bella(2)+"}, 400, "blend"),
        ({"voice": "vc_doesnotexist"}, 400, "no cloned voice"),
        ({"speed": "3"}, 400, "less than or equal to 2.0"),
        ({"format": "exe"}, 400, "Select a valid choice"),
        ({"ssml": "on", "text": "<speak>Hello <break time='1s'></speak>"}, 400, "line 1"),
    ],
)
def test_it_refuses_bad_requests_with_a_message_and_keeps_the_money(
    client, funded_alice, queued, overrides, status, message
):
    client.force_login(funded_alice)
    response = _post(client, **overrides)
    assert response.status_code == status
    assert message.lower() in response.content.decode().lower()
    assert not Job.objects.exists()
    assert queued == []
    assert balance_for(user=funded_alice) == FIVE_DOLLARS


def test_it_refuses_text_over_the_limit(client, funded_alice, queued, settings):
    settings.SYNTHESIS_MAX_CHARACTERS = 100
    client.force_login(funded_alice)
    response = _post(client, text="word " * 30)
    assert response.status_code == 400
    assert "the limit is 100" in response.content.decode()
    assert not Job.objects.exists()


def test_it_refuses_when_credits_run_out_and_links_to_usage(client, alice, queued):
    client.force_login(alice)
    response = _post(client)
    assert response.status_code == 402
    body = response.content.decode()
    assert "credit" in body.lower()
    assert reverse("billing:usage") in body
    assert not Job.objects.exists()


def test_it_limits_jobs_in_progress_per_account(client, funded_alice, queued, settings):
    settings.SYNTHESIS_MAX_ACTIVE_JOBS = 2
    client.force_login(funded_alice)
    assert _post(client).status_code == 200
    assert _post(client).status_code == 200
    response = _post(client)
    assert response.status_code == 429
    assert "jobs in progress" in response.content.decode()
    assert Job.objects.count() == 2


def test_it_estimates_billable_characters_and_cost(client, funded_alice):
    client.force_login(funded_alice)
    response = client.post(
        reverse("synthesis:estimate"),
        {"text": "<speak>Hi   <break time='1s'/> there</speak>", "voice": "af_heart", "ssml": "on"},
    )
    assert response.status_code == 200
    assert "8 billable" in response.content.decode()


def test_it_hides_other_users_jobs_and_audio(client, funded_alice, bob, queued):
    job = _job_for(funded_alice)
    client.force_login(bob)
    for name in ("job_status", "job_stream", "job_listen", "job_audio"):
        assert client.get(reverse(f"synthesis:{name}", args=[job.public_id])).status_code == 404
    for name in ("job_cancel", "job_delete"):
        assert client.post(reverse(f"synthesis:{name}", args=[job.public_id])).status_code == 404
    assert client.get(reverse("synthesis:job_status", args=["not-a-uuid"])).status_code == 404
    assert Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).exists()
    assert str(job.public_id) not in client.get(reverse("synthesis:history")).content.decode()


def test_it_cancels_a_queued_job_and_refunds_it(client, funded_alice, queued):
    job = _job_for(funded_alice)
    client.force_login(funded_alice)
    response = client.post(reverse("synthesis:job_cancel", args=[job.public_id]))
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert balance_for(user=funded_alice) == FIVE_DOLLARS
    # The worker that receives the message later does nothing.
    services.job_run(public_id=str(job.public_id))
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.attempt == 0


def test_it_stops_polling_once_the_job_is_finished(client, funded_alice, queued):
    job = _job_for(funded_alice)
    client.force_login(funded_alice)
    assert client.get(reverse("synthesis:job_status", args=[job.public_id])).status_code == 200
    services.job_cancel(job=job)
    response = client.get(reverse("synthesis:job_status", args=[job.public_id]))
    assert response.status_code == 286


def _finished_with_audio(user):
    job = _job_for(user)
    job.audio.save(f"{job.public_id}.mp3", ContentFile(b"ID3fake-audio"), save=False)
    job.status = Job.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    return job


def test_it_deletes_a_job_and_its_file(client, funded_alice, queued):
    job = _finished_with_audio(funded_alice)
    path = job.audio.path
    client.force_login(funded_alice)
    response = client.post(reverse("synthesis:job_delete", args=[job.public_id]))
    assert response.status_code == 302
    assert not Job.objects.filter(pk=job.pk).exists()
    import os

    assert not os.path.exists(path)


def test_it_serves_stored_audio_to_its_owner(client, funded_alice, queued):
    job = _finished_with_audio(funded_alice)
    client.force_login(funded_alice)
    response = client.get(reverse("synthesis:job_audio", args=[job.public_id]) + "?download=1")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ID3fake-audio"
    assert "attachment" in response["Content-Disposition"]


def test_it_deletes_audio_after_the_retention_period(funded_alice, queued, settings):
    import os

    settings.SYNTHESIS_RETENTION_DAYS = 7
    old = _finished_with_audio(funded_alice)
    fresh = _finished_with_audio(funded_alice)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    old_path, fresh_path = old.audio.path, fresh.audio.path
    assert maintenance.audio_expire() == 1
    old.refresh_from_db()
    assert not os.path.exists(old_path) and old.audio_deleted_at and not old.has_audio
    assert os.path.exists(fresh_path)


def test_it_fails_and_refunds_jobs_whose_worker_went_silent(funded_alice, queued, settings):
    settings.SYNTHESIS_STALE_SECONDS = 30
    job = _job_for(funded_alice)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempt=1, heartbeat_at=timezone.now() - timedelta(minutes=5)
    )
    assert maintenance.jobs_reconcile() == {"failed": 1, "requeued": 0}
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error_code == "worker_lost"
    assert balance_for(user=funded_alice) == FIVE_DOLLARS
    # Running it again, or a late worker, changes nothing.
    assert maintenance.jobs_reconcile() == {"failed": 0, "requeued": 0}
    services.job_run(public_id=str(job.public_id))
    assert balance_for(user=funded_alice) == FIVE_DOLLARS


def test_it_requeues_jobs_left_waiting(funded_alice, queued, settings):
    settings.SYNTHESIS_REQUEUE_AFTER_SECONDS = 60
    job = _job_for(funded_alice)
    queued.clear()
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert maintenance.jobs_reconcile() == {"failed": 0, "requeued": 1}
    assert queued == [(str(job.public_id),)]


def test_it_tells_billing_which_reservations_are_live(funded_alice, queued):
    job = _job_for(funded_alice)
    assert maintenance.reservation_is_active(f"synthesis:{job.public_id}") is True
    services.job_cancel(job=job)
    assert maintenance.reservation_is_active(f"synthesis:{job.public_id}") is False
    assert maintenance.reservation_is_active("voices:whatever") is None
    assert maintenance.reservation_is_active("synthesis:garbage") is None


def test_it_erases_audio_generated_with_an_erased_voice(funded_alice, bob, queued):
    from voices.signals import voice_erased

    mine = _finished_with_audio(funded_alice)
    Job.objects.filter(pk=mine.pk).update(voice="vc_gone", voice_kind=Job.VoiceKind.CLONED)
    other = _finished_with_audio(funded_alice)
    import os

    path = mine.audio.path
    voice_erased.send(sender=None, voice_public_id="vc_gone", user=funded_alice)
    assert not Job.objects.filter(pk=mine.pk).exists()
    assert not os.path.exists(path)
    assert Job.objects.filter(pk=other.pk).exists()


def test_it_reopens_a_job_for_someone_who_comes_back(client, funded_alice, bob, queued):
    job = _job_for(funded_alice, text="A long text to come back to.")
    client.force_login(funded_alice)
    response = client.get(reverse("synthesis:playground") + f"?job={job.public_id}")
    body = response.content.decode()
    assert reverse("synthesis:job_listen", args=[job.public_id]) in body
    assert reverse("synthesis:job_status", args=[job.public_id]) in body
    assert "A long text to come back to." in body
    client.force_login(bob)
    response = client.get(reverse("synthesis:playground") + f"?job={job.public_id}")
    assert response.status_code == 404


def test_it_shows_ssml_errors_with_line_and_column_while_typing(client, funded_alice):
    client.force_login(funded_alice)
    response = client.post(
        reverse("synthesis:estimate"),
        {"text": "<speak>\n  Hi <break time='soon'/>\n</speak>", "voice": "af_heart", "ssml": "on"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "SSML:" in body and "line 2" in body


def test_a_bad_blend_is_not_priced_and_is_refused_next_to_the_blend_field(
    client, funded_alice, queued
):
    client.force_login(funded_alice)
    estimate = client.post(
        reverse("synthesis:estimate"),
        {"text": SHORT_TEXT, "voice": "af_heart", "blend": "af_bella(2)+nope(1)"},
    ).content.decode()
    assert "There is no stock voice called “nope”." in estimate
    assert "billable" not in estimate and "¢" not in estimate

    response = _post(client, blend="af_bella(2)+nope(1)")
    body = response.content.decode()
    assert response.status_code == 400
    assert '<small class="error" id="blend-errors" role="alert">There is no stock voice' in body
    assert 'id="form-errors"' not in body
    assert not Job.objects.exists() and queued == []

    garbled = _post(client, blend="af_bella((2)").content.decode()
    assert "Write a blend as stock voice ids with weights" in garbled


def test_a_good_blend_wins_over_the_voice(client, funded_alice, queued):
    client.force_login(funded_alice)
    response = _post(client, voice="bm_george", blend="af_bella(2)+af_sky(1)")
    assert response.status_code == 200
    assert Job.objects.get().voice == "af_bella(2)+af_sky(1)"


def test_the_estimate_stays_after_generate_and_after_an_error(client, funded_alice, queued):
    client.force_login(funded_alice)
    done = _post(client).content.decode()
    assert f"{len(SHORT_TEXT)} characters · {len(SHORT_TEXT)} billable · about" in done
    refused = _post(client, speed="9").content.decode()
    assert f"{len(SHORT_TEXT)} characters · {len(SHORT_TEXT)} billable · about" in refused


def test_history_shows_what_is_said_not_the_markup(client, funded_alice, queued):
    _job_for(funded_alice, text="<speak>Hello <break time='1s'/> there.</speak>", ssml=True)
    client.force_login(funded_alice)
    body = client.get(reverse("synthesis:history")).content.decode()
    assert "Hello  there." in body and "&lt;speak&gt;" not in body and "<speak>" not in body
