"""SSML <mark> positions in the timestamps the API answers, as Polly and Azure report them."""

import numpy as np
import pytest

from synthesis import services
from synthesis.engine.timestamps import TimedStream, WordClock, _Span, clock_items
from synthesis.models import Job
from tests.api.conftest import fund

pytestmark = pytest.mark.django_db

MARKED = (
    '<speak><mark name="intro"/>Hello there.<mark name="pause"/><break time="1s"/>'
    '<mark name="goodbye"/>Bye now.<mark name="end"/></speak>'
)


class FakeEngine:
    """Words at fixed times: "Hello" 0.1-0.3 s, "there." 0.3-0.5 s, then a second of
    silence, "Bye" 1.5-1.7 s, "now." 1.7-1.9 s."""

    def stream_timed(self, text, **request):
        runs = [
            (("intro",), [("Hello there.", "həlˈO ðˈɛɹ.")], ("pause",)),
            (("goodbye",), [("Bye now.", "bˈI nˈW.")], ("end",)),
        ]
        chunks = [
            (np.zeros(12000, np.float32), [_Span(2400, 7200), _Span(7200, 12000)]),
            (np.zeros(33600, np.float32), [_Span(36000, 40800), _Span(40800, 45600)]),
        ]
        return TimedStream(iter(chunks), WordClock(clock_items(runs)))

    def stream(self, text, **request):
        return iter([chunk for chunk, _ in self.stream_timed(text)])


@pytest.fixture
def run_now(monkeypatch):
    """Jobs run as soon as they are queued, in this thread."""
    from synthesis.tasks import run_job

    monkeypatch.setattr(
        run_job, "delay_on_commit", lambda public_id: services.job_run(public_id=public_id)
    )


EXPECTED = [
    {"name": "intro", "time_seconds": 0.1},
    {"name": "pause", "time_seconds": 0.5},
    {"name": "goodbye", "time_seconds": 1.5},
    {"name": "end", "time_seconds": 1.9},
]


def test_with_timestamps_reports_each_mark_and_its_time(api, alice, staff, run_now, monkeypatch):
    monkeypatch.setattr(services, "_engine", FakeEngine)
    fund(alice, staff)
    body = {"text": MARKED, "ssml": True, "format": "wav"}
    response = api.post("/v1/tts/with-timestamps", body)
    assert response.status_code == 200, response.content[:500]
    answer = response.json()
    assert answer["marks"] == EXPECTED
    assert [w["word"] for w in answer["words"]] == ["Hello", "there.", "Bye", "now."]


def test_an_async_job_keeps_its_marks_and_text_without_marks_has_none(
    api, alice, staff, run_now, monkeypatch
):
    monkeypatch.setattr(services, "_engine", FakeEngine)
    fund(alice, staff)
    job = api.post("/v1/tts?async=true", {"text": MARKED, "ssml": True, "timestamps": True})
    assert job.status_code == 202, job.content[:500]
    timestamps = api.get(f"/v1/jobs/{job.json()['id']}/timestamps")
    assert timestamps.status_code == 200 and timestamps.json()["marks"] == EXPECTED
    schema = api.get("/v1/openapi.json").json()["components"]["schemas"]
    assert "marks" in schema["TimestampsOut"]["properties"]


@pytest.mark.model
def test_the_real_engine_reaches_each_mark_where_its_words_are(api, alice, staff):
    fund(alice, staff)
    text = (
        '<speak><mark name="a"/>The keeper climbed the stairs, <mark name="b"/>every '
        'evening.<mark name="c"/><break time="800ms"/>He never <mark name="d"/>missed a '
        'night.<mark name="e"/></speak>'
    )
    response = api.post(
        "/v1/tts?async=true", {"text": text, "ssml": True, "timestamps": True, "format": "wav"}
    )
    assert response.status_code == 202, response.content[:500]
    job = Job.objects.get()
    services.job_run(public_id=str(job.public_id))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error_message
    body = api.get(f"/v1/jobs/{job.public_id}/timestamps").json()
    words = {w["word"]: w for w in body["words"]}
    marks = {m["name"]: m["time_seconds"] for m in body["marks"]}
    assert list(marks) == ["a", "b", "c", "d", "e"]
    assert marks["a"] == words["The"]["start"]
    assert marks["b"] == words["every"]["start"]
    assert marks["c"] == words["evening."]["end"]
    assert marks["d"] == words["missed"]["start"]
    assert marks["e"] == words["night."]["end"] == pytest.approx(job.duration_seconds, abs=0.3)
    # The break lies between "c" and the next word.
    assert words["He"]["start"] - marks["c"] >= 0.75
