import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT

PRODUCTION_ENV = {
    "SPEEKO_ENV": "production",
    "SECRET_KEY": "k3y-" + "x7Qz!pL9@vR2#" * 5,
    "ALLOWED_HOSTS": "speeko.example.com",
    "DATABASE_URL": "postgres://speeko:secret@db.internal:5432/speeko",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "SITE_URL": "https://speeko.example.com",
}


def _run(args, env):
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(REPO_ROOT),
        "DJANGO_SETTINGS_MODULE": "speeko_site.settings",
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _load_settings(env):
    return _run(["-c", "import django; django.setup()"], env)


def test_it_passes_the_deploy_checks_with_production_settings(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "SPEEKO_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_the_deploy_checks_on_the_embedded_default(tmp_path):
    # The embedded default is plain HTTP on localhost: the deploy checks must say so.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"SPEEKO_DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean"),
        ({"SPEEKO_ENV": "staging"}, "SPEEKO_ENV must be one of embedded, production"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be a URL starting with one of"),
        ({"REDIS_URL": "http://localhost:6379"}, "REDIS_URL must be a URL starting with one of"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "lots"}, "EMAIL_PORT must be a whole"),
        ({"EMAIL_HOST": "smtp.example.com", "EMAIL_PORT": "70000"}, "EMAIL_PORT must be at most"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS must list at least one value"),
        ({"SPEEKO_ENV": "production"}, "SECRET_KEY must be set"),
        (
            {**PRODUCTION_ENV, "DATABASE_URL": ""},
            "DATABASE_URL must be set",
        ),
        (
            {**PRODUCTION_ENV, "SITE_URL": ""},
            "SITE_URL must be set. Set it to the public address of the site",
        ),
        ({**PRODUCTION_ENV, "SITE_URL": "speeko.example.com"}, "SITE_URL must be a URL"),
    ],
)
def test_it_refuses_bad_environment_values_with_a_clear_message(tmp_path, env, message):
    result = _load_settings({"SPEEKO_DATA_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_it_generates_the_embedded_secret_once_and_keeps_it(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"SPEEKO_DATA_DIR": str(tmp_path)}
    first = _run(["-c", code], env)
    second = _run(["-c", code], env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_uses_sqlite_wal_and_the_filesystem_broker_by_default(tmp_path):
    code = (
        "import django; django.setup();"
        "from django.conf import settings; from django.db import connection;"
        "cur = connection.cursor(); cur.execute('PRAGMA journal_mode');"
        "print(cur.fetchone()[0], settings.CELERY_BROKER_URL, connection.vendor)"
    )
    result = _run(["-c", code], {"SPEEKO_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "filesystem://", "sqlite"]
