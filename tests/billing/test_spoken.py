"""The pricing page's rule: what is spoken is billed, pauses are bounded, audio is capped.

The same function gives the estimate, the reservation and the settlement, so each test follows
one request through all three.
"""

import pytest

from billing import spoken
from billing.models import Reservation
from billing.selectors import balance_for
from synthesis import services
from synthesis.models import Job
from synthesis.tasks import run_job
from tests.synthesis.conftest import FIVE_DOLLARS, fund

pytestmark = pytest.mark.django_db

LONG_PH = "həlˈoʊ wˈɜːld ðɪs ɪz ɐ vˈɛɹi lˈɔŋ pɹənˌʌnsiˈeɪʃən " * 2
PHONEME_SSML = f'<speak><phoneme alphabet="ipa" ph="{LONG_PH.strip()}">a</phoneme></speak>'
LETTERS = "abcdefghijklmnopqrstu"
BREAKS_SSML = "<speak>" + '<break time="10s"/>'.join(LETTERS) + "</speak>"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)


def test_a_phoneme_counts_as_the_longer_of_its_word_and_its_pronunciation():
    long = spoken.spoken_measure(PHONEME_SSML, ssml=True)
    assert long.characters >= 80
    short = spoken.spoken_measure(
        '<speak>Say <phoneme alphabet="ipa" ph="tə">tomato</phoneme>.</speak>', ssml=True
    )
    assert short.characters == len("Say tomato.")


def test_breaks_are_free_but_measured():
    measure = spoken.spoken_measure(BREAKS_SSML, ssml=True)
    assert measure.characters == 41  # the letters and the spaces between them
    assert measure.pause_seconds == pytest.approx(200.0)
    assert not measure.pauses_allowed
    a_few = spoken.spoken_measure('<speak>One. <break time="2s"/> Two.</speak>', ssml=True)
    assert a_few.pauses_allowed and a_few.pause_seconds == pytest.approx(2.0)


def test_the_api_refuses_pauses_past_the_allowance_and_reserves_nothing(api, alice, staff):
    fund(alice, staff)
    response = api.post("/v1/tts?async=true", {"text": BREAKS_SSML, "ssml": True})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_ssml"
    assert "at most 32.0 s" in response.json()["error"]["message"]
    assert not Job.objects.exists()
    assert balance_for(user=alice) == FIVE_DOLLARS


@pytest.mark.model
def test_a_phoneme_is_estimated_reserved_and_settled_at_its_spoken_length(api, alice, staff):
    fund(alice, staff)
    response = api.post("/v1/tts?async=true", {"text": PHONEME_SSML, "ssml": True})
    assert response.status_code == 202
    expected = spoken.spoken_measure(PHONEME_SSML, ssml=True).characters
    assert response.json()["billable_characters"] == expected >= 80
    job = Job.objects.get()
    assert job.reservation.characters == expected
    services.job_run(public_id=str(job.public_id))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_message
    assert job.reservation.status == Reservation.Status.SETTLED
    assert job.reservation.characters == expected
    assert job.charged_micros == job.estimated_cost_micros
    assert balance_for(user=alice) == FIVE_DOLLARS - job.charged_micros


@pytest.mark.model
def test_a_job_whose_audio_runs_past_its_cap_is_stopped_and_refunded(
    api, alice, staff, monkeypatch
):
    fund(alice, staff)
    monkeypatch.setattr(spoken, "AUDIO_FREE_SECONDS", 0.0)
    monkeypatch.setattr(spoken, "SECONDS_PER_CHARACTER", 0.001)
    response = api.post("/v1/tts?async=true", {"text": "Hello there, this is a test."})
    assert response.status_code == 202
    job = Job.objects.get()
    services.job_run(public_id=str(job.public_id))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_code == "audio_too_long"
    assert not job.has_audio
    assert job.reservation.status == Reservation.Status.RELEASED
    assert balance_for(user=alice) == FIVE_DOLLARS
