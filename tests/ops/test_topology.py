"""The Procfile and compose.yaml describe one topology, and every queue has a worker.

There is no Docker engine here, so compose.yaml is checked as data: the same processes as the
Procfile, and every variable production settings require. The Procfile's web line is started for
real by the web-restart test and by the load and benchmark scripts.
"""

from __future__ import annotations

import re
import shlex

import yaml
from django.conf import settings

from tests.conftest import REPO_ROOT
from tests.support.stack import procfile

PROCESSES = {
    "web", "worker-synthesis", "worker-cloning", "worker-cloning-instant", "worker-maintenance",
    "beat",
}  # fmt: skip


def _compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())


def _queues(command: str) -> set[str]:
    args = shlex.split(command)
    return set(args[args.index("--queues") + 1].split(",")) if "--queues" in args else set()


def _required_production_variables() -> set[str]:
    source = (REPO_ROOT / "speeko_site" / "settings.py").read_text()
    return set(re.findall(r'env_\w+\(\s*"(\w+)"[^)]*required=PRODUCTION', source))


def test_it_names_every_process_in_the_procfile():
    assert set(procfile()) >= PROCESSES
    assert procfile()["web"].startswith("gunicorn ")
    assert "--worker-class gthread" in procfile()["web"]
    assert procfile()["beat"].startswith("celery -A speeko_site beat")


def test_it_gives_every_queue_a_worker():
    consumed = set().union(*(_queues(cmd) for cmd in procfile().values()))
    wanted = {settings.CELERY_TASK_DEFAULT_QUEUE, *settings.VOICES_CLONE_QUEUES.values()}
    wanted |= {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    wanted |= {
        entry["options"]["queue"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if "queue" in entry.get("options", {})
    }
    assert wanted <= consumed
    # Long cloning jobs never share a worker with someone's TTS, and an instant clone never
    # waits behind a professional one.
    clone_queues = settings.VOICES_CLONE_QUEUES
    assert _queues(procfile()["worker-cloning"]) == {clone_queues["professional"]}
    assert _queues(procfile()["worker-cloning-instant"]) == {clone_queues["instant"]}
    assert not _queues(procfile()["worker-synthesis"]) & set(clone_queues.values())


def test_it_describes_the_same_processes_in_compose():
    services = _compose()["services"]
    assert set(services) >= set(procfile())
    assert {"db", "redis"} <= set(services)
    for name in PROCESSES - {"web", "beat"}:
        command = services[name]["command"][-1]
        assert _queues(command) == _queues(procfile()[name]), name


def test_it_sets_every_variable_production_requires():
    required = _required_production_variables()
    assert required == {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "SITE_URL"}
    for name in PROCESSES:
        environment = _compose()["services"][name]["environment"]
        assert environment["SPEEKO_ENV"] == "production"
        assert required <= set(environment), name
        for variable in required:
            # Passed through with a "must be set" guard, never defaulted to empty.
            assert ":-}" not in str(environment[variable]), (name, variable)
        # Secrets come from the operator's environment, never from the file itself.
        assert environment["SECRET_KEY"].startswith("${")


def test_it_runs_redis_without_eviction():
    command = _compose()["services"]["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
