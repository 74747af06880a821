"""POST /v1/tts/with-timestamps/stream over real HTTP and the real relay, with a scripted engine.

The job runs in this process (a thread stands in for the worker) so the engine can be held
between chunks: what the client has before the job ends, and what a client that hangs up
leaves behind, can then be checked.
"""

import base64
import json
import threading

import numpy as np
import pytest
import requests
from django.db import connection, transaction

from billing.selectors import balance_for
from synthesis import services
from synthesis.engine.timestamps import WordTime
from synthesis.models import Job
from tests.api.conftest import fund
from tests.conftest import wait_until
from tests.synthesis.conftest import FIVE_DOLLARS

TEXT = "One two three. Four five six."
CHUNK = 4800  # 0.2 s


class Scripted:
    """The scripted chunks, shaped like the engine's timed stream (a text with no marks)."""

    marks = ()

    def __init__(self, chunks):
        self._chunks = chunks

    def __iter__(self):
        return self._chunks


class ScriptedEngine:
    """Chunks of 0.2 s, one word each; after the first chunk it waits for ``go``."""

    def __init__(self, *, chunks: int = 6, fail_after: int | None = None) -> None:
        self.go = threading.Event()
        self.chunks, self.fail_after = chunks, fail_after
        self.made = 0

    def __call__(self):
        return self

    def stream(self, text, **request):
        return iter(())

    def stream_timed(self, text, **request):
        return Scripted(self._chunks(text))

    def _chunks(self, text):
        words = text.split()
        for i in range(self.chunks):
            if i == 1 and not self.go.wait(timeout=60):
                raise RuntimeError("the test never let the engine go on")
            if self.fail_after is not None and i >= self.fail_after:
                raise RuntimeError("the model broke")
            self.made += 1
            tone = np.sin(np.arange(CHUNK) * (0.05 + 0.01 * i)).astype(np.float32) * 0.3
            said = [WordTime(words[i], i * 0.2 + 0.02, i * 0.2 + 0.18)] if i < len(words) else []
            yield tone, said


@pytest.fixture
def engine(monkeypatch):
    scripted = ScriptedEngine()
    monkeypatch.setattr(services, "_engine", scripted)
    return scripted


@pytest.fixture
def worker_threads(monkeypatch):
    """Runs each job in a thread once its row is committed, as a worker would."""
    from synthesis.tasks import run_job

    threads = []

    def run(public_id):
        try:
            services.job_run(public_id=public_id)
        finally:
            connection.close()  # this thread's own; the test database is dropped after

    def start(public_id):
        thread = threading.Thread(target=run, args=(public_id,))
        threads.append(thread)
        transaction.on_commit(thread.start)

    monkeypatch.setattr(run_job, "delay_on_commit", start)
    yield threads
    for thread in threads:
        thread.join(timeout=30)


@pytest.fixture
def post(live_server, transactional_db, alice, staff, alice_key, worker_threads):
    fund(alice, staff)

    def send(path, body, **kwargs):
        return requests.post(
            f"{live_server.url}{path}", json=body, timeout=60,
            headers={"Authorization": f"Bearer {alice_key}"}, **kwargs,
        )  # fmt: skip

    return send


def _lines(response):
    return [json.loads(line) for line in _arriving(response)]


def _arriving(response):
    """Lines as soon as each is whole: iter_lines' default 512-byte reads wait for bytes
    that a line's end may not be followed by yet (this server does not chunk its answer)."""
    return (line for line in response.iter_lines(chunk_size=1) if line)


@pytest.mark.parametrize("fmt", ["wav", "mp3"])
def test_lines_arrive_while_the_job_runs_and_join_into_the_plain_answer(post, engine, alice, fmt):
    body = {"text": TEXT, "format": fmt}
    response = post("/v1/tts/with-timestamps/stream", body, stream=True)
    assert response.status_code == 200, response.content[:300]
    assert response.headers["Content-Type"] == "application/x-ndjson"
    job = Job.objects.get(public_id=response.headers["X-Request-Id"])
    lines = _arriving(response)
    first = json.loads(next(lines))
    # The engine is still held after its first chunk: this line came before the job ended.
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING
    assert first["words"] == [{"word": "One", "start": 0.02, "end": 0.18}]
    assert first["alignment"]["characters"] == list("One")
    engine.go.set()
    streamed = [first, *(json.loads(line) for line in lines)]
    assert all("error" not in line for line in streamed)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE

    plain = post("/v1/tts/with-timestamps", body).json()
    audio = b"".join(base64.b64decode(line["audio_base64"]) for line in streamed)
    assert audio == base64.b64decode(plain["audio_base64"])
    words = [w for line in streamed for w in line["words"]]
    assert words == plain["words"]
    characters = [c for line in streamed for c in line["alignment"]["characters"]]
    assert characters == plain["alignment"]["characters"]
    starts = [t for line in streamed for t in line["alignment"]["character_start_times_seconds"]]
    ends = [t for line in streamed for t in line["alignment"]["character_end_times_seconds"]]
    assert starts == plain["alignment"]["character_start_times_seconds"]
    assert starts == sorted(starts) and ends == sorted(ends)
    assert all(0 <= s <= e <= job.duration_seconds for s, e in zip(starts, ends, strict=True))
    # Billed like the answer in one piece: two jobs, each charged its estimate.
    assert balance_for(user=alice) == FIVE_DOLLARS - 2 * job.charged_micros > 0


def test_a_client_that_hangs_up_still_gets_a_finished_job_and_is_charged(post, engine, alice):
    """As on POST /v1/tts: hanging up just before the end must not be a way to free speech."""
    engine.chunks = 8
    response = post("/v1/tts/with-timestamps/stream", {"text": TEXT}, stream=True)
    job = Job.objects.get(public_id=response.headers["X-Request-Id"])
    assert next(_arriving(response))
    response.close()
    engine.go.set()
    wait_until(
        lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE,
        timeout=30, message="the job did not finish after its client left",
    )  # fmt: skip
    job.refresh_from_db()
    assert engine.made == 8
    assert balance_for(user=alice) == FIVE_DOLLARS - job.charged_micros < FIVE_DOLLARS


def test_a_job_that_fails_mid_stream_ends_with_an_error_line_and_a_refund(post, monkeypatch, alice):
    broken = ScriptedEngine(fail_after=2)
    monkeypatch.setattr(services, "_engine", broken)
    response = post("/v1/tts/with-timestamps/stream", {"text": TEXT}, stream=True)
    lines = _arriving(response)
    first = json.loads(next(lines))
    broken.go.set()
    rest = [json.loads(line) for line in lines]
    assert [w["word"] for line in [first, *rest] for w in line["words"]] == ["One", "two"]
    assert rest[-1]["error"]["code"] == "internal_error"
    assert "refunded" in rest[-1]["error"]["message"]
    assert Job.objects.get().status == Job.Status.FAILED
    assert balance_for(user=alice) == FIVE_DOLLARS


def test_bad_input_is_refused_before_any_line(post, engine):
    response = post("/v1/tts/with-timestamps/stream", {"text": "Hi", "format": "ogg"})
    assert response.status_code == 400
    assert "format" in response.json()["error"]["message"]
    assert not Job.objects.exists()


def test_a_stale_copy_of_a_job_a_worker_claimed_reads_the_worker_s_stream(alice):
    from synthesis.relay import AudioWriter, get_relay, words_stream_id
    from synthesis.selectors import job_audio_chunks, job_timed_chunks

    job = Job.objects.create(
        owner=alice, voice="af_heart", voice_kind=Job.VoiceKind.STOCK, text=TEXT, format="pcm",
        billable_characters=29, estimated_cost_micros=900, with_timestamps=True,
    )  # fmt: skip
    # A worker claims it (attempt 1) while the web process reads only its status, as
    # job_submit does, then relays everything.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempt=1)
    job.refresh_from_db(fields=["status"])
    assert job.attempt == 0
    relay = get_relay()
    writer = AudioWriter(
        relay.writer(str(job.public_id), 1), relay.writer(words_stream_id(str(job.public_id)), 1)
    )
    writer.write(b"abc")
    writer.words([["One", 0.0, 0.1]])
    writer.write(b"defg")
    writer.words([["two", 0.2, 0.3]])
    writer.write(b"h")
    writer.close()
    assert list(job_timed_chunks(job=job)) == [
        (b"abc", [["One", 0.0, 0.1]]), (b"defg", [["two", 0.2, 0.3]]), (b"h", []),
    ]  # fmt: skip
    job.attempt = 0
    assert b"".join(job_audio_chunks(job=job)) == b"abcdefgh"
