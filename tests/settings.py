"""Test settings: the real settings, with a private broker folder, cache and media.

A developer may have `make run` going while the tests run; separate folders (and a separate Redis
database and cache prefix) keep the running worker from taking the tests' tasks.
"""

from speeko_site.settings import *  # noqa: F403
from speeko_site.settings import (
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    DATA_DIR,
    REDIS_URL,
)

TEST_RUN_DIR = DATA_DIR / "test-run"
BROKER_DIR = TEST_RUN_DIR / "broker"
MEDIA_ROOT = TEST_RUN_DIR / "media"
CELERY_BEAT_SCHEDULE_FILENAME = str(TEST_RUN_DIR / "celerybeat-schedule")

if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "speeko-test"}}
else:
    CACHES = {"default": {**CACHES["default"], "LOCATION": TEST_RUN_DIR / "cache"}}
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
    }

# Hashing cost is not what these tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
