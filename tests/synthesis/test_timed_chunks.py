"""Word times when the model file has no durations: the playground still gets its audio."""

import numpy as np
import pytest

from synthesis import services
from synthesis.engine.errors import TimestampsUnavailable
from synthesis.models import Job


class NoDurations:
    def stream_timed(self, text, **request):
        raise TimestampsUnavailable("this model file has no durations output")

    def stream(self, text, **request):
        return iter([np.ones(10, np.float32)])


@pytest.fixture(autouse=True)
def engine(monkeypatch):
    monkeypatch.setattr(services, "_engine", NoDurations)


def test_the_playground_gets_audio_without_times():
    job = Job(text="Hi.", with_timestamps=True, source="web")
    timed = services._timed_chunks(job, {})
    chunks = list(timed)
    assert len(chunks) == 1 and chunks[0][1] == ()
    assert list(timed.marks) == []


def test_an_api_request_for_times_fails_with_the_reason():
    job = Job(text="Hi.", with_timestamps=True, source="api")
    with pytest.raises(TimestampsUnavailable, match="no durations"):
        services._timed_chunks(job, {})
