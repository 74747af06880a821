"""Files of the voices app: random names under MEDIA_ROOT, never a public URL.

Names are random so nothing about the user or the upload leaks into paths, and a file can only be
reached through a view that checks who is asking.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


def file_save(*, data: bytes, folder: str, ext: str) -> str:
    name = f"voices/{folder}/{secrets.token_urlsafe(18)}.{ext}"
    return default_storage.save(name, ContentFile(data))


def file_read(name: str) -> bytes:
    with default_storage.open(name, "rb") as f:
        return f.read()


def files_delete(names: Iterable[str]) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(name: str) -> str | None:
    """The digest of a stored file, or None when it no longer exists."""
    if not name or not default_storage.exists(name):
        return None
    return sha256_hex(file_read(name))
