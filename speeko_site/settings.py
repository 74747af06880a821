"""Speeko settings, read from the environment.

Two shapes share this file:
- embedded (the default, nothing set): SQLite in WAL mode, a file-system Celery broker, a file
  cache and media under the data folder, so one command runs the whole product on one machine;
- production (SPEEKO_ENV=production): DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and
  SITE_URL are required and HTTPS hardening is on.
DATABASE_URL and REDIS_URL may also be set in embedded mode (CI does this to test against the real
PostgreSQL and Redis) without switching on the production hardening.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dj_database_url

from speeko_site.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_str,
    env_url,
    persistent_secret,
)

BASE_DIR = Path(__file__).resolve().parent.parent
SPEEKO_ENV = env_choice("SPEEKO_ENV", ["embedded", "production"], default="embedded")
PRODUCTION = SPEEKO_ENV == "production"
DATA_DIR = Path(env_str("SPEEKO_DATA_DIR", str(BASE_DIR / ".data"))).resolve()

SECRET_KEY = env_str("SECRET_KEY", required=PRODUCTION) or persistent_secret(
    DATA_DIR / "secret_key"
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"], required=PRODUCTION
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address people reach the site at: links in e-mails (a speaker's revocation link) and
# payment return URLs are built from it, outside any request that could tell.
SITE_URL = env_url(
    "SITE_URL", ["http", "https"], required=PRODUCTION, default="http://localhost:8000",
    hint="Set it to the public address of the site, e.g. https://speeko.example.com; links in "
    "e-mails and payment return URLs are built from it.",
)  # fmt: skip

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "speeko_site.accounts",
    "speeko_site.core",
    "speeko_site.api",
    "ninja",
    "billing",
    "voices",
    "synthesis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "speeko_site.core.inputs.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "speeko_site.urls"
WSGI_APPLICATION = "speeko_site.wsgi.application"
ASGI_APPLICATION = "speeko_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "speeko_site.core.context_processors.site",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", ["postgres", "postgresql", "sqlite"], required=PRODUCTION)
_SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
    # one failing with "database is locked" when it upgrades a read lock mid-transaction.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000",
}
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        _db["OPTIONS"] = {**_SQLITE_OPTIONS, **_db.get("OPTIONS", {})}
        _db["CONN_MAX_AGE"] = 0
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "speeko.sqlite3",
        "OPTIONS": _SQLITE_OPTIONS,
        # A file, not :memory:, so worker processes started by tests see the test database.
        "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", ["redis", "rediss", "unix"], required=PRODUCTION)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "speeko"),
        }
    }
else:
    CACHES = {
        "default": {
            # Shared by the web and worker processes, unlike the local-memory cache, so login
            # rate limits hold across gunicorn workers.
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
        }
    }

BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Must outlast the longest task, or Redis hands a running job to a second worker.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 3600, minimum=600),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # An idle worker lists the queue folder this often; a job waits half of it on average
        # before its worker sees it (Redis hands messages over at once).
        "polling_interval": 0.02,
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60, minimum=10)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=15)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# How often one task may be delivered before it is given up as poison (see speeko_site.celery).
SPEEKO_MAX_DELIVERIES = env_int("SPEEKO_MAX_DELIVERIES", 3, minimum=1, maximum=20)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "landing"
ACCOUNT_ADAPTER = "speeko_site.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Speeko] "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Speeko <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
# Media holds voices and consent evidence: it is never served as a public URL, only through
# permission-checked views.
MEDIA_URL = "/media-not-public/"
_S3_BUCKET = env_str("S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if _S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL"),
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "region_name": env_str("S3_REGION"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
# In the embedded default static files are served from the source folders, so nothing has to be
# collected before the first start.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
_HTTPS = env_bool("SPEEKO_HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = _HTTPS
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION and not SECURE_HSTS_PRELOAD:
    # Preload is a one-way commitment an operator must opt into; don't nag about it.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Billing (billing app) ----------------------------------------------------------
# Amounts are integer micro-dollars (1 USD = 1,000,000). Prices are stated as "a pack": what
# BILLING_PACK_MICROS buys in characters, so the advertised "$5 buys 167,000 characters" is exact
# instead of a rounded per-character rate.
BILLING_PACK_MICROS = env_int("BILLING_PACK_MICROS", 5_000_000, minimum=1)
BILLING_PACK_CHARACTERS = env_int("BILLING_PACK_CHARACTERS", 167_000, minimum=1)
BILLING_CLONED_MULTIPLIER = env_float("BILLING_CLONED_MULTIPLIER", 2.0, minimum=1.5, maximum=3.0)
BILLING_CLONING_FEE_MICROS = {
    "instant": env_int("BILLING_INSTANT_CLONE_FEE_MICROS", 500_000, minimum=0),
    "professional": env_int("BILLING_PROFESSIONAL_CLONE_FEE_MICROS", 5_000_000, minimum=0),
}
BILLING_FREE_TIER_MICROS = env_int("BILLING_FREE_TIER_MICROS", 5_000_000, minimum=0)
# Key of the digests that remember which e-mail addresses had the free tier (kept after erasure).
# Set it explicitly in production: rotating SECRET_KEY would otherwise let every address claim the
# free tier again.
BILLING_GRANT_KEY = (
    env_str("BILLING_GRANT_KEY")
    or hashlib.sha256(f"speeko.billing.grant:{SECRET_KEY}".encode()).hexdigest()
)
# A reservation still held this long after it was made belongs to a job that can no longer
# finish (the hard time limit has passed), unless a checker below says the job is still queued
# or running.
BILLING_RESERVATION_MAX_AGE_SECONDS = env_int(
    "BILLING_RESERVATION_MAX_AGE_SECONDS", CELERY_TASK_TIME_LIMIT + 600, minimum=60
)
# Dotted paths to callables `(reference: str) -> bool | None`: True when the job behind the
# reference is still queued or running, None when the reference is not theirs. Apps append here.
BILLING_RESERVATION_ACTIVE_CHECKERS: list[str] = []
BILLING_LEDGER_PAGE_SIZE = 25
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_url("STRIPE_API_BASE", ["https", "http"])  # tests point this at 127.0.0.1
STRIPE_CURRENCY = env_choice("STRIPE_CURRENCY", ["usd"], default="usd")
BILLING_TOPUP_MIN_DOLLARS = env_int("BILLING_TOPUP_MIN_DOLLARS", 5, minimum=1)
BILLING_TOPUP_MAX_DOLLARS = env_int("BILLING_TOPUP_MAX_DOLLARS", 500, minimum=1)
# Other apps add their periodic tasks with CELERY_BEAT_SCHEDULE["name"] = {...}.
CELERY_BEAT_SCHEDULE = {
    "billing-reconcile-reservations": {
        "task": "billing.reservations_reconcile",
        "schedule": 600.0,
        "options": {"queue": "maintenance"},
    },
}
# end billing

# --- Voices and cloning (voices app) ------------------------------------------------
# Uploads are hostile input: every limit below is checked on the decoded content, not on headers.
# A worker that starts queues the stock voice previews that are not rendered yet (once per
# install: they are kept in media), so the first play of any preview is instant.
VOICES_PREVIEWS_AT_WORKER_START = env_bool("VOICES_PREVIEWS_AT_WORKER_START", True)
VOICES_MAX_FILE_BYTES = env_int("VOICES_MAX_FILE_BYTES", 25 * 1024 * 1024, minimum=1024)
VOICES_MAX_VOICE_BYTES = env_int("VOICES_MAX_VOICE_BYTES", 150 * 1024 * 1024, minimum=1024)
VOICES_USER_QUOTA_BYTES = env_int("VOICES_USER_QUOTA_BYTES", 500 * 1024 * 1024, minimum=1024)
VOICES_MAX_DOCUMENT_BYTES = env_int("VOICES_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024, minimum=1024)
# Cosine similarity (CAM++ encoder) above which the consent recording and the samples are taken
# to be the same speaker; same-speaker pairs average ~0.88 and strangers ~0.36 on our test set.
VOICES_CONSENT_MATCH_THRESHOLD = float(env_str("VOICES_CONSENT_MATCH_THRESHOLD", "0.6"))
# Compute budget of a professional clone (seconds); unset means the cloning library's default.
VOICES_PROFESSIONAL_BUDGET_SECONDS = env_int("VOICES_PROFESSIONAL_BUDGET_SECONDS", 0, minimum=0)
# The Celery queue of each cloning tier. Each has its own worker (Procfile, `manage.py serve`):
# an instant clone (under three minutes) never waits behind a professional one (up to ten), and
# neither ever holds up speech.
VOICES_CLONE_QUEUES = {"instant": "cloning_instant", "professional": "cloning"}
# A clone still "processing" this long after it started can no longer finish (its message was lost,
# or its worker died for good): voices.clones_reconcile fails it and refunds the fee. Long enough
# for a busy queue, as SYNTHESIS_QUEUED_MAX_SECONDS is for speech.
VOICES_CLONE_MAX_SECONDS = env_int(
    "VOICES_CLONE_MAX_SECONDS", 6 * 3600, minimum=CELERY_TASK_TIME_LIMIT
)
CELERY_BEAT_SCHEDULE["voices-reconcile-clones"] = {
    "task": "voices.clones_reconcile",
    "schedule": 600.0,
    "options": {"queue": "maintenance"},
}
# Uploaded samples are decoded and analysed on a worker, not in the web request. The instant
# cloning worker takes them: it has the analysis models loaded, and the person is waiting.
VOICES_ANALYSIS_QUEUE = env_str("VOICES_ANALYSIS_QUEUE", "cloning_instant")
# A sample still "analysing" this long after upload has its task sent again (a lost message; a
# duplicate is harmless); after VOICES_ANALYSIS_MAX_SECONDS it is rejected ("upload it again").
VOICES_ANALYSIS_REQUEUE_SECONDS = env_int("VOICES_ANALYSIS_REQUEUE_SECONDS", 300, minimum=10)
VOICES_ANALYSIS_MAX_SECONDS = env_int(
    "VOICES_ANALYSIS_MAX_SECONDS", 3600, minimum=CELERY_TASK_TIME_LIMIT
)
CELERY_BEAT_SCHEDULE["voices-reconcile-samples"] = {
    "task": "voices.samples_reconcile",
    "schedule": 60.0,
    "options": {"queue": "maintenance"},
}
# A signed checkpoint of the consent audit chain's head, each day, in the media storage and the
# log: with it, cutting the newest entries from the database shows.
CELERY_BEAT_SCHEDULE["voices-audit-checkpoint"] = {
    "task": "voices.audit_checkpoint",
    "schedule": 24 * 3600.0,
    "options": {"queue": "maintenance"},
}
# Key of the consent audit hash chain. Set it explicitly in production: rotating SECRET_KEY would
# otherwise make every existing entry fail verification.
VOICES_AUDIT_KEY = (
    env_str("VOICES_AUDIT_KEY")
    or hashlib.sha256(f"speeko.voices.audit:{SECRET_KEY}".encode()).hexdigest()
)
# end voices

# --- Synthesis (synthesis app) ------------------------------------------------------
SYNTHESIS_MAX_CHARACTERS = env_int("SYNTHESIS_MAX_CHARACTERS", 100_000, minimum=100)
SYNTHESIS_RETENTION_DAYS = env_int("SYNTHESIS_RETENTION_DAYS", 30, minimum=1)
SYNTHESIS_SPOOL_DIR = DATA_DIR / "spool"
# A running job whose worker has not written a heartbeat for this long is taken as dead: its
# reservation is refunded and the job failed (workers beat every few seconds).
SYNTHESIS_STALE_SECONDS = env_int("SYNTHESIS_STALE_SECONDS", 120, minimum=2)
# A queued job older than this is sent to the broker again (duplicate deliveries are harmless).
SYNTHESIS_REQUEUE_AFTER_SECONDS = env_int("SYNTHESIS_REQUEUE_AFTER_SECONDS", 600, minimum=10)
SYNTHESIS_MAX_ACTIVE_JOBS = env_int("SYNTHESIS_MAX_ACTIVE_JOBS", 4, minimum=1)
# How long POST /v1/tts/with-timestamps waits for its job before answering 202 with the job.
API_TIMESTAMPS_WAIT_SECONDS = env_int("API_TIMESTAMPS_WAIT_SECONDS", 300, minimum=1, maximum=3600)
BILLING_RESERVATION_ACTIVE_CHECKERS.append("synthesis.maintenance.reservation_is_active")
CELERY_BEAT_SCHEDULE["synthesis-reconcile-jobs"] = {
    "task": "synthesis.jobs_reconcile",
    "schedule": 60.0,
    "options": {"queue": "maintenance"},
}
CELERY_BEAT_SCHEDULE["synthesis-expire-audio"] = {
    "task": "synthesis.audio_expire",
    "schedule": 3600.0,
    "options": {"queue": "maintenance"},
}
CELERY_TASK_ROUTES = {"synthesis.run_job": {"queue": "synthesis"}}
# end synthesis

# --- Operations (health checks, logs, production topology) -------------------------------
# Plain text for a person at a terminal (the embedded default); one JSON object per line for a
# log collector in production.
LOG_FORMAT = env_choice("LOG_FORMAT", ["plain", "json"], default="plain")
# /healthz?deep=1 waits this long for a worker to complete a canary task before answering 503.
HEALTHZ_CANARY_TIMEOUT_SECONDS = env_float(
    "HEALTHZ_CANARY_TIMEOUT_SECONDS", 10.0, minimum=0.5, maximum=60.0
)
# The deep check is unauthenticated and queues a task: answers are reused for this long so a
# flood of probes cannot flood the queue.
HEALTHZ_DEEP_CACHE_SECONDS = env_int("HEALTHZ_DEEP_CACHE_SECONDS", 5, minimum=0, maximum=300)
# Load balancers probe over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if REDIS_URL and env_str("CELERY_BROKER_KEY_PREFIX"):
    # Lets several deployments (or a benchmark next to a live site) share one Redis safely.
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env_str("CELERY_BROKER_KEY_PREFIX")
# The reconciler (synthesis.jobs_reconcile, every minute on the maintenance queue) fails and
# refunds a job still queued after this long, so no credit stays reserved forever.
SYNTHESIS_QUEUED_MAX_SECONDS = env_int(
    "SYNTHESIS_QUEUED_MAX_SECONDS", 6 * 3600, minimum=SYNTHESIS_REQUEUE_AFTER_SECONDS
)
# end operations

# --- Misc -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"job_id": {"()": "speeko_site.core.logging.JobIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "speeko_site.core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["job_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
