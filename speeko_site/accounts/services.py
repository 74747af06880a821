from __future__ import annotations

from django.db import transaction

from speeko_site.accounts.models import User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str) -> User:
    user.display_name = display_name.strip()
    user.save(update_fields=["display_name"])
    return user
