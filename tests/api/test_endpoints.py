"""The API's answers without a worker: validation, money, limits, idempotency, isolation."""

import threading

import pytest
from django.db import connection

from billing.selectors import balance_for
from synthesis.models import Job
from tests.api.conftest import KeyClient, fund
from tests.synthesis.conftest import FIVE_DOLLARS

pytestmark = pytest.mark.django_db

TTS = {"text": "Hello from the API.", "voice_id": "af_heart", "format": "wav"}


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from synthesis.tasks import run_job

    sent = []
    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: sent.append(a))
    return sent


def test_it_queues_an_async_job_and_describes_it(api, alice, staff, no_broker):
    fund(alice, staff)
    response = api.post("/v1/tts?async=true", TTS)
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["billable_characters"] == len(TTS["text"])
    assert job["audio_url"] is None and job["error"] is None
    assert no_broker == [(job["id"],)]
    assert balance_for(user=alice) == FIVE_DOLLARS - job["cost_micros"]
    fetched = api.get(f"/v1/jobs/{job['id']}")
    assert fetched.status_code == 200 and fetched.json()["id"] == job["id"]
    assert Job.objects.get().source == "api" and Job.objects.get().client_ref


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"voice_id": "af_heart"}, "text"),
        ({**TTS, "text": "   "}, "no text"),
        ({**TTS, "voice_id": "zz_nobody"}, "zz_nobody"),
        ({**TTS, "format": "exe"}, "format"),
        ({**TTS, "speed": 9}, "speed"),
        ({**TTS, "ssml": True, "text": "<speak><b>oops</speak>"}, "line 1"),
        (
            {
                **TTS,
                "ssml": True,
                "text": '<speak><prosody contour="(0%,+9Hz)">a</prosody></speak>',
            },
            "contour",
        ),
        (
            {**TTS, "ssml": True, "text": '<speak><prosody volume="+30dB">a</prosody></speak>'},
            "too loud",
        ),
        ({**TTS, "language": "xx"}, "xx"),
    ],
)
def test_it_refuses_invalid_requests_with_the_error_envelope(api, alice, staff, body, message):
    fund(alice, staff)
    response = api.post("/v1/tts", body)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] in {"invalid_request", "invalid_ssml", "unknown_voice"}
    assert message.lower() in error["message"].lower()
    assert not Job.objects.exists()
    assert balance_for(user=alice) == FIVE_DOLLARS


def test_it_answers_402_without_credit(api):
    response = api.post("/v1/tts", TTS)
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "insufficient_credits"
    assert not Job.objects.exists()


def test_it_answers_413_for_text_over_the_limit(api, alice, staff, settings):
    fund(alice, staff)
    settings.SYNTHESIS_MAX_CHARACTERS = 100
    response = api.post("/v1/tts", {**TTS, "text": "word " * 40})
    assert response.status_code == 413
    assert "limit is 100" in response.json()["error"]["message"]


def test_it_answers_413_for_an_oversized_body(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post("/v1/tts", {**TTS, "text": "x" * 5000})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_it_answers_429_with_retry_after_when_too_many_jobs_run(api, alice, staff, settings):
    fund(alice, staff)
    settings.SYNTHESIS_MAX_ACTIVE_JOBS = 1
    assert api.post("/v1/tts?async=true", TTS).status_code == 202
    response = api.post("/v1/tts?async=true", TTS)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "too_many_jobs"


def test_it_enforces_a_keys_monthly_character_limit(keyed, alice, staff):
    fund(alice, staff)
    limited = keyed(alice, limit=30)
    assert limited.post("/v1/tts?async=true", {**TTS, "text": "x" * 20}).status_code == 202
    response = limited.post("/v1/tts?async=true", {**TTS, "text": "y" * 20})
    assert response.status_code == 429
    assert "monthly limit" in response.json()["error"]["message"]
    assert response.json()["error"]["code"] == "rate_limited"
    # Retry-After points at the first second of next month (UTC).
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    next_month = (now.replace(day=1) + timedelta(days=32)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    wait = int(response["Retry-After"])
    assert abs(wait - (next_month - now).total_seconds()) < 60


def test_it_replays_a_retried_post_and_charges_once(api, alice, staff):
    fund(alice, staff)
    headers = {"Idempotency-Key": "retry-1"}
    first = api.post("/v1/tts?async=true", TTS, headers=headers)
    second = api.post("/v1/tts?async=true", TTS, headers=headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]
    assert second["Idempotent-Replayed"] == "true"
    assert Job.objects.count() == 1
    assert balance_for(user=alice) == FIVE_DOLLARS - first.json()["cost_micros"]


def test_it_refuses_a_reused_key_with_another_body(api, alice, staff):
    fund(alice, staff)
    headers = {"Idempotency-Key": "reuse"}
    assert api.post("/v1/tts?async=true", TTS, headers=headers).status_code == 202
    response = api.post("/v1/tts?async=true", {**TTS, "text": "Other."}, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Job.objects.count() == 1


def test_it_keeps_idempotency_keys_per_account(api, keyed, alice, bob, staff):
    fund(alice, staff)
    fund(bob, staff)
    headers = {"Idempotency-Key": "shared-name"}
    assert api.post("/v1/tts?async=true", TTS, headers=headers).status_code == 202
    assert keyed(bob).post("/v1/tts?async=true", TTS, headers=headers).status_code == 202
    assert Job.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_makes_one_job_from_50_concurrent_identical_requests(
    client, alice, staff, alice_key, no_broker
):
    fund(alice, staff)
    results, barrier = [], threading.Barrier(50)

    def call():
        try:
            barrier.wait()
            c = KeyClient(type(client)(), alice_key)
            response = c.post("/v1/tts?async=true", TTS, headers={"Idempotency-Key": "burst"})
            results.append((response.status_code, response.json().get("id")))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 50
    assert {status for status, _ in results} == {202}
    assert len({job_id for _, job_id in results}) == 1
    assert Job.objects.count() == 1
    job = Job.objects.get()
    assert balance_for(user=alice) == FIVE_DOLLARS - job.estimated_cost_micros
    assert len(no_broker) == 1


def test_it_reports_balance_and_usage(api, alice, staff):
    fund(alice, staff)
    balance = api.get("/v1/balance").json()
    assert balance["balance_micros"] == FIVE_DOLLARS
    assert balance["characters_remaining_standard"] == 167_000
    assert balance["characters_remaining_cloned"] == 83_500
    usage = api.get("/v1/usage?days=7").json()
    assert usage == {"days": [], "by_voice": [], "by_key": []}
    assert api.get("/v1/usage?days=0").status_code == 400


def test_usage_by_key_names_each_key(api, keyed, alice, staff, no_broker):
    fund(alice, staff)
    assert api.post("/v1/tts?async=true", TTS).status_code == 202
    other = keyed(alice)
    assert other.post("/v1/tts?async=true", {**TTS, "text": "Another one."}).status_code == 202
    Job.objects.update(status=Job.Status.DONE)
    by_key = api.get("/v1/usage").json()["by_key"]
    names = sorted((row["name"], row["characters"]) for row in by_key)
    assert names == [("alice app", len(TTS["text"])), ("k", len("Another one."))]
    assert all(len(row["key"]) == 36 for row in by_key)


def test_it_lists_and_filters_voices(api):
    voices = api.get("/v1/voices").json()["voices"]
    assert len([v for v in voices if v["type"] == "stock"]) == 54
    british = api.get("/v1/voices?type=stock&language=b&gender=male").json()["voices"]
    assert british and all(v["id"].startswith("bm_") for v in british)
    assert api.get("/v1/voices/bf_emma").json()["language"] == "b"
    assert api.get("/v1/voices/zz_nobody").status_code == 404
    assert api.get("/v1/voices?type=robots").status_code == 400


def test_it_maps_openai_requests(api, alice, staff, no_broker):
    fund(alice, staff)
    body = {"model": "gpt-4o-mini-tts", "input": "Hi there.", "voice": "nova",
            "response_format": "aac", "instructions": "Speak like a pirate."}  # fmt: skip
    response = api.post("/v1/audio/speech", body)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "audio/aac"
    job = Job.objects.get()
    # model and instructions are accepted and ignored: the text spoken is the input alone.
    assert (job.format, job.voice, job.text) == ("aac", "af_nova", "Hi there.")
    assert (
        api.post("/v1/audio/speech", {**body, "response_format": "opus", "speed": 9}).status_code
        == 400
    )
    schema = api.get("/v1/openapi.json").json()["components"]["schemas"]["SpeechIn"]
    assert "ignored" in schema["properties"]["model"]["description"]
    assert "ignored" in schema["properties"]["instructions"]["description"]


def test_it_serves_the_openapi_schema_and_docs(client):
    schema = client.get("/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    for path in ("/v1/tts", "/v1/audio/speech", "/v1/voices", "/v1/balance", "/v1/usage"):
        assert path in schema["paths"]
    docs = client.get("/v1/docs")
    assert docs.status_code == 200 and b"cdn." not in docs.content
    page = client.get("/docs/api/")
    assert page.status_code == 200 and b"with_streaming_response" in page.content


def test_with_timestamps_answers_202_with_the_job_when_it_takes_too_long(
    api, alice, staff, settings
):
    fund(alice, staff)
    settings.API_TIMESTAMPS_WAIT_SECONDS = 1
    response = api.post("/v1/tts/with-timestamps", TTS)
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued" and job["timestamps_url"] is None
    assert Job.objects.get().with_timestamps
