from __future__ import annotations

from django.db import transaction

from speeko_site.accounts.models import User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str) -> User:
    user.display_name = display_name.strip()
    user.save(update_fields=["display_name"])
    return user


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete an account and everything personal in it.

    Receivers do the erasure per app: voices (samples, consent evidence, styles) and synthesis
    (generated audio); billing keeps the ledger, unlinked from the person, as bookkeeping.
    """
    user.delete()
