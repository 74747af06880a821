"""/healthz: database and broker fast, a worker round trip with ?deep=1, 503 naming the failure."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from speeko_site.celery import app
from speeko_site.core.models import Canary

HOST = {"HTTP_HOST": "localhost"}


@pytest.fixture(autouse=True)
def _broker_folders():
    # The file-system broker's folders exist once anything has started a worker (serve does).
    for folder in ("queue", "control"):
        (settings.BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)


def _get(client, path="/healthz"):
    response = client.get(path, **HOST)
    return response, response.json()


def test_it_answers_ok_with_the_database_and_broker_checks(db, client):
    response, body = _get(client)
    assert response.status_code == 200
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {"database", "broker"}
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_answers_503_naming_the_broker_without_leaking_its_address(db, client, monkeypatch):
    monkeypatch.setattr(app.conf, "broker_url", "redis://:hunter2-secret@127.0.0.1:1/0")
    response, body = _get(client, "/healthz?deep=1")
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["failed"] == ["broker", "worker"]
    text = response.content.decode()
    assert "hunter2" not in text and "127.0.0.1" not in text


@override_settings(HEALTHZ_CANARY_TIMEOUT_SECONDS=1.0, HEALTHZ_DEEP_CACHE_SECONDS=0)
def test_it_answers_503_when_no_worker_completes_the_canary(transactional_db, client):
    response, body = _get(client, "/healthz?deep=1")
    assert response.status_code == 503
    assert body["failed"] == ["worker"]
    assert "1 s" in body["checks"]["worker"]["error"]


@pytest.mark.worker
@override_settings(HEALTHZ_DEEP_CACHE_SECONDS=0)
def test_it_round_trips_a_canary_through_a_real_worker(client, celery_worker_process):
    response, body = _get(client, "/healthz?deep=1")
    assert response.status_code == 200, body
    assert body["checks"]["worker"]["ok"] and body["checks"]["worker"]["worker"]
    assert not Canary.objects.exists()  # it cleans up after itself


@override_settings(HEALTHZ_CANARY_TIMEOUT_SECONDS=0.5, HEALTHZ_DEEP_CACHE_SECONDS=30)
def test_it_reuses_a_recent_deep_answer_so_probes_cannot_flood_the_queue(transactional_db, client):
    from django.core.cache import cache

    cache.delete("healthz:deep")
    _get(client, "/healthz?deep=1")
    response, body = _get(client, "/healthz?deep=1")
    assert body.get("cached") is True
    assert Canary.objects.count() == 1
    cache.delete("healthz:deep")


@override_settings(SECURE_SSL_REDIRECT=True)
def test_it_is_reachable_over_plain_http_behind_an_https_redirect(db, client):
    assert client.get("/healthz", **HOST).status_code == 200
    assert client.get("/", **HOST).status_code == 301


def test_it_needs_no_login_and_refuses_writes(db, client):
    assert client.post("/healthz", **HOST).status_code == 405
