"""Structured logs: one JSON object per line, carrying the synthesis job id when there is one.

`LOG_FORMAT=json` selects `JsonFormatter` (see LOGGING in settings); plain text stays the default
for the embedded mode, where a person reads the terminal. The job id travels in a context
variable rather than in every logger call, so engine, billing and Celery lines logged while a job
runs are tagged too, and a worker's next task starts with a clean slate.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TypeVar

_job_id: ContextVar[str | None] = ContextVar("speeko_job_id", default=None)

F = TypeVar("F", bound=Callable[..., Any])


def current_job_id() -> str | None:
    return _job_id.get()


@contextmanager
def job_log_context(job_id: Any) -> Iterator[None]:
    """Tag every log line written inside the block with `job_id`."""
    token = _job_id.set(str(job_id))
    try:
        yield
    finally:
        _job_id.reset(token)


def logs_job_id(func: F) -> F:
    """Decorator for services taking a keyword-only `public_id` of a job."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with job_log_context(kwargs["public_id"]):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class JobIdFilter(logging.Filter):
    """Copies the current job id onto the record (an explicit `extra={"job_id": ...}` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "job_id", None) is None:
            record.job_id = _job_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, job_id (when known) and the traceback (when any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        job_id = getattr(record, "job_id", None)
        if job_id:
            entry["job_id"] = job_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        # default=str: a log line must never fail because an argument is not serialisable.
        return json.dumps(entry, ensure_ascii=False, default=str)
