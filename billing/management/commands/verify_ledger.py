from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from billing.selectors import ledger_discrepancies


class Command(BaseCommand):
    help = "Check that every account's balance equals the sum of its ledger entries."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_discrepancies()
        if problems:
            raise CommandError("Ledger and balances disagree:\n" + "\n".join(problems))
        self.stdout.write("Every balance matches its ledger.")
