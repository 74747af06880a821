"""Schemathesis against our own OpenAPI schema: no 5xx, no response that breaks the schema.

The worker side is not what is fuzzed here: jobs are recorded but not sent to a broker, and a
streamed answer ends at once instead of waiting for a worker.
"""

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode, checks

# The schema cannot say which voice ids exist or that text must contain a word, so a
# "schema-valid" request may rightly be refused with 400: that one check is not ours to pass.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def auth_headers(transactional_db, monkeypatch, alice, staff, settings):
    from speeko_site.api.services import api_key_create
    from synthesis import selectors
    from synthesis.tasks import run_job
    from tests.api.conftest import fund

    monkeypatch.setattr(run_job, "delay_on_commit", lambda *a: None)
    monkeypatch.setattr(selectors, "job_audio_chunks", lambda *, job, **kw: iter([b""]))
    monkeypatch.setattr(selectors, "job_timed_chunks", lambda *, job, **kw: iter([(b"", [])]))
    # No worker runs here: /v1/tts/with-timestamps answers 202 with the job after a second,
    # and its stream ends with a "not finished" line after a second.
    settings.API_TIMESTAMPS_WAIT_SECONDS = 1
    fund(alice, staff)
    return {"Authorization": f"Bearer {api_key_create(user=alice, name='fuzz')[1]}"}


def _fuzz(operation, headers, mode, max_examples, checks):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    def run(case):
        sent = dict(headers)
        if case.method.upper() == "POST":
            # Every POST takes an Idempotency-Key; a fresh one per case, so each does the work.
            sent["Idempotency-Key"] = f"fuzz-{uuid.uuid4()}"
        case.call_and_validate(headers=sent, checks=checks)

    run()


def test_it_never_answers_5xx_or_off_schema(live_server, auth_headers):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    for operation in operations:
        _fuzz(operation, auth_headers, GenerationMode.POSITIVE, 20, CHECKS)
        # Input the schema forbids (wrong types, over-long strings, missing fields) is refused
        # with a 4xx; which one is not something the schema can say.
        _fuzz(operation, auth_headers, GenerationMode.NEGATIVE, 10, [checks.not_a_server_error])
