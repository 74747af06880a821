from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from speeko_site.api.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an existing, verified user and print it (shown only once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="Command line")
        parser.add_argument("--monthly-character-limit", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(email__iexact=opts["email"]).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {opts['email']}.")
        if not EmailAddress.objects.filter(user=user, verified=True).exists():
            raise CommandError(f"{user.email} has not verified an e-mail address yet.")
        limit = opts["monthly_character_limit"]
        if limit is not None and limit < 1:
            raise CommandError("--monthly-character-limit must be a positive number.")
        _, raw = api_key_create(user=user, name=opts["name"], monthly_character_limit=limit)
        self.stdout.write(raw)
