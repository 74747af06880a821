"""Test settings: the real settings, with a private database, broker folder, cache and media.

A developer may have `make run` going, or two test runs at once; a folder per test run (handed
to worker subprocesses through SPEEKO_TEST_RUN_DIR) keeps a running worker from taking another
run's tasks and two runs from sharing one SQLite test database.
"""

import os
from pathlib import Path

from speeko_site.settings import *  # noqa: F403
from speeko_site.settings import (
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    DATA_DIR,
    DATABASES,
    REDIS_URL,
)

TEST_RUN_DIR = Path(
    os.environ.setdefault("SPEEKO_TEST_RUN_DIR", str(DATA_DIR / f"test-run-{os.getpid()}"))
)
TEST_RUN_DIR.mkdir(parents=True, exist_ok=True)
BROKER_DIR = TEST_RUN_DIR / "broker"
MEDIA_ROOT = TEST_RUN_DIR / "media"
SYNTHESIS_SPOOL_DIR = TEST_RUN_DIR / "spool"
CELERY_BEAT_SCHEDULE_FILENAME = str(TEST_RUN_DIR / "celerybeat-schedule")
_RUN_ID = TEST_RUN_DIR.name.rsplit("-", 1)[-1]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": TEST_RUN_DIR / "test.sqlite3"}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_speeko_{_RUN_ID}"}

if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"speeko-test-{_RUN_ID}"}}
    # Queues live under a per-run prefix, so a worker of another run never takes our tasks.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "global_keyprefix": f"speeko-test-{_RUN_ID}:",
    }
else:
    CACHES = {"default": {**CACHES["default"], "LOCATION": TEST_RUN_DIR / "cache"}}
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }

# Several tests sign up the same address; the one-mail-per-three-minutes limit is tested by
# allauth, not here. (The cache itself is fresh: it lives under this run's folder or prefix.)
ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "confirm_email": None}  # noqa: F405

# A test's worker has jobs to run; 54 preview renders queued at its start would come first.
VOICES_PREVIEWS_AT_WORKER_START = False

# Hashing cost is not what these tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
