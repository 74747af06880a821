from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from billing.models import LedgerEntry
from billing.money import dollars_to_micros

# The ledger's kinds as customers name them: a reservation is how a job is charged.
CUSTOMER_KIND_LABELS = {
    LedgerEntry.Kind.RESERVATION: "Charges",
    LedgerEntry.Kind.SETTLEMENT: "Charge corrections",
    LedgerEntry.Kind.GRANT: "Free credit",
}


class LedgerFilterForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All kinds"),
            *(
                (value, CUSTOMER_KIND_LABELS.get(value, label))
                for value, label in LedgerEntry.Kind.choices
            ),
        ],
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return data

    def filters(self) -> dict[str, Any]:
        """The cleaned filters, or none at all when the form is invalid."""
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class TopupForm(forms.Form):
    dollars = forms.IntegerField(
        label="Amount (US dollars)",
        initial=10,
        help_text="Whole dollars. Credit never expires.",
    )

    def clean_dollars(self) -> int:
        dollars = self.cleaned_data["dollars"]
        low, high = settings.BILLING_TOPUP_MIN_DOLLARS, settings.BILLING_TOPUP_MAX_DOLLARS
        if not low <= dollars <= high:
            raise forms.ValidationError(f"Choose an amount between ${low} and ${high}.")
        return dollars


class CreditAdjustForm(forms.Form):
    email = forms.EmailField(label="Account e-mail")
    amount = forms.DecimalField(
        label="Amount (US dollars)",
        max_digits=14,
        decimal_places=6,
        help_text="Positive to grant credit, negative to take it back (never below zero).",
    )
    memo = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required: why the balance changes. The account owner sees it in the ledger.",
    )
    # Rendered once per form, so a double-submitted form applies the adjustment once.
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError("No account uses this e-mail address.")
        return user

    def clean_amount(self) -> int:
        amount: Decimal = self.cleaned_data["amount"]
        if amount == 0:
            raise forms.ValidationError("Enter a non-zero amount.")
        return dollars_to_micros(amount)

    def clean_memo(self) -> str:
        memo = self.cleaned_data["memo"].strip()
        if not memo:
            raise forms.ValidationError("A memo is required.")
        return memo
