from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.services import reservations_reconcile


class Command(BaseCommand):
    help = (
        "Refund credit reservations held longer than the job time limit whose job is no longer "
        "running (e.g. after a worker crashed)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="SECONDS",
            help="Age after which a held reservation counts as abandoned "
            "(default: BILLING_RESERVATION_MAX_AGE_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options["older_than"]
        if seconds is not None and seconds < 0:
            raise CommandError("--older-than must be zero or more seconds.")
        older_than = timedelta(seconds=seconds) if seconds is not None else None
        refunded = reservations_reconcile(older_than=older_than)
        self.stdout.write(f"Refunded {refunded} abandoned reservation(s).")
