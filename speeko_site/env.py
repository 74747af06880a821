"""Typed readers for environment variables.

Each reader fails loudly with ImproperlyConfigured naming the variable and the value it got, so a
typo in a deployment stops the process at start-up instead of running with a silent default.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(
    name: str, default: str | None = None, *, required: bool = False, hint: str = ""
) -> str | None:
    """The variable's value; `hint` (what it is for) is added to the error when it is missing."""
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"{name} must be set.{' ' + hint if hint else ''}")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (true/false, 1/0, yes/no); got {value!r}."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from e
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be a number; got {value!r}.") from e
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}; got {number}.")
    return number


def env_list(name: str, default: Iterable[str] = (), *, required: bool = False) -> list[str]:
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"{name} must be set (a comma-separated list).")
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} must list at least one value; got {value!r}.")
    return items


def env_choice(name: str, choices: Iterable[str], default: str) -> str:
    allowed = list(choices)
    value = _raw(name)
    if value is None:
        return default
    if value not in allowed:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    return value


def env_url(
    name: str,
    schemes: Iterable[str],
    *,
    required: bool = False,
    default: str | None = None,
    hint: str = "",
) -> str | None:
    value = env_str(name, default, required=required, hint=hint)
    if value is None:
        return None
    allowed = set(schemes)
    parts = urlsplit(value)
    if parts.scheme not in allowed:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {', '.join(sorted(allowed))}; "
            f"got scheme {parts.scheme or '(none)'!r}."
        )
    if parts.scheme not in {"sqlite"} and not parts.hostname and not parts.path:
        raise ImproperlyConfigured(f"{name} has no host: {value!r}.")
    return value


def persistent_secret(path: Path) -> str:
    """Return the secret stored at `path`, creating it on first use.

    The embedded default must not ship a committed key, yet sessions must survive restarts, so the
    key is generated once and kept beside the data it protects.
    """
    if path.exists():
        secret = path.read_text().strip()
        if len(secret) >= 50:
            return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(64)
    # Create with 0600 so other local users cannot read the key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    return secret
