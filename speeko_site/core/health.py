"""`/healthz`: is this deployment able to serve, and (with `?deep=1`) to get work done?

Plain `/healthz` is for load balancers and process supervisors: it checks the database and the
broker connection and answers within a couple of seconds. `/healthz?deep=1` also sends a canary
task through the broker and waits for a worker to write it back to the database, which proves the
whole loop (web -> broker -> worker -> database) that every synthesis job depends on.

The endpoint needs no authentication, so it says which check failed and never why in detail:
exception messages can carry host names or URLs, and they go to the log instead.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from speeko_site.celery import app
from speeko_site.core.models import Canary
from speeko_site.core.services import canary_send

logger = logging.getLogger(__name__)

Check = Callable[[], dict[str, Any]]
_DEEP_CACHE_KEY = "healthz:deep"
_BROKER_TIMEOUT_SECONDS = 2.0


class CheckFailed(Exception):
    """A check that ran but found the service unusable; the message is safe to show."""


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _redis_eviction_policy() -> str | None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=_BROKER_TIMEOUT_SECONDS,
        socket_timeout=_BROKER_TIMEOUT_SECONDS,
    )
    try:
        return client.info("memory").get("maxmemory_policy")
    finally:
        client.close()


def _check_broker_folders(options: dict[str, Any]) -> None:
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = options.get(key)
        if folder and not os.access(folder, os.W_OK | os.X_OK):
            raise CheckFailed("The broker folder is missing or not writable.")


def check_broker() -> dict[str, Any]:
    with app.connection_for_write(connect_timeout=_BROKER_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=_BROKER_TIMEOUT_SECONDS)
        detail: dict[str, Any] = {"transport": conn.transport_cls}
        if conn.transport_cls == "filesystem":
            # Connecting to the file-system transport checks nothing: its "server" is a folder.
            _check_broker_folders(conn.transport_options)
    if settings.REDIS_URL:
        policy = _redis_eviction_policy()
        detail["maxmemory_policy"] = policy
        if policy != "noeviction":
            # Evicted queue entries or audio chunks are silently lost work: see the README.
            detail["warning"] = "Redis should run with maxmemory-policy noeviction."
    return detail


def check_worker() -> dict[str, Any]:
    """Round trip a canary through the broker and a worker; fails after the configured wait."""
    timeout = settings.HEALTHZ_CANARY_TIMEOUT_SECONDS
    canary = canary_send()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = Canary.objects.filter(pk=canary.pk, completed_at__isnull=False).first()
        if done is not None:
            # Keep the table small: this canary and any old ones have served their purpose.
            Canary.objects.filter(pk=canary.pk).delete()
            Canary.objects.filter(created_at__lt=timezone.now() - timedelta(hours=1)).delete()
            return {"worker": done.worker}
        time.sleep(0.1)
    raise CheckFailed(f"No worker completed the canary within {timeout:g} s.")


def _run(name: str, check: Check) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = {"ok": True, **check()}
    except CheckFailed as e:
        result = {"ok": False, "error": str(e)}
    except Exception as e:
        logger.warning("health check %s failed", name, exc_info=True)
        result = {"ok": False, "error": type(e).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def health_report(*, deep: bool) -> dict[str, Any]:
    checks = {"database": _run("database", check_database)}
    checks["broker"] = _run("broker", check_broker)
    if deep:
        if checks["database"]["ok"] and checks["broker"]["ok"]:
            checks["worker"] = _run("worker", check_worker)
        else:
            checks["worker"] = {"ok": False, "error": "Skipped: the database or broker is down."}
    failed = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "fail" if failed else "ok", "failed": failed, "checks": checks}


def _cached_deep_report() -> dict[str, Any] | None:
    if not settings.HEALTHZ_DEEP_CACHE_SECONDS:
        return None
    try:
        return cache.get(_DEEP_CACHE_KEY)
    except Exception:
        # The cache may be the very Redis that is down; the checks below will say so.
        return None


def _remember_deep_report(report: dict[str, Any]) -> None:
    if not settings.HEALTHZ_DEEP_CACHE_SECONDS:
        return
    try:
        cache.set(_DEEP_CACHE_KEY, report, settings.HEALTHZ_DEEP_CACHE_SECONDS)
    except Exception:
        logger.debug("could not cache the deep health report", exc_info=True)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    deep = request.GET.get("deep", "") in {"1", "true", "yes"}
    report = _cached_deep_report() if deep else None
    if report is not None:
        report = {**report, "cached": True}
    else:
        report = health_report(deep=deep)
        if deep:
            _remember_deep_report(report)
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
