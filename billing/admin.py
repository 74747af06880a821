"""Read-only views of accounts, the ledger and reservations, plus one way to change credit.

Nobody edits or deletes money records here. Staff with the "adjust credit" permission grant or
take back credit through the adjust view (also reachable as an action on accounts), which goes
through `credits_adjust` and so leaves a ledger entry with their memo.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode

from billing.exceptions import BillingError
from billing.forms import CreditAdjustForm
from billing.models import CreditAccount, LedgerEntry, Reservation
from billing.money import format_usd
from billing.services import credits_adjust


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "kind", "amount", "balance_after", "reference"]
    list_filter = ["kind", "created_at"]
    search_fields = ["account__user__email", "reference", "idempotency_key", "public_id"]
    list_select_related = ["account__user"]
    date_hierarchy = "created_at"

    @admin.display(description="Amount", ordering="amount_micros")
    def amount(self, entry: LedgerEntry) -> str:
        return format_usd(entry.amount_micros, signed=True)

    @admin.display(description="Balance after", ordering="balance_after_micros")
    def balance_after(self, entry: LedgerEntry) -> str:
        return format_usd(entry.balance_after_micros)


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "account", "status", "amount_micros", "charged_micros"]
    list_filter = ["status"]
    search_fields = ["account__user__email", "reference", "idempotency_key", "public_id"]
    list_select_related = ["account__user"]


@admin.register(CreditAccount)
class CreditAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "balance", "created_at"]
    search_fields = ["user__email", "user__public_id"]
    list_select_related = ["user"]
    actions = ["adjust_credit"]
    change_list_template = "admin/billing/creditaccount/change_list.html"

    @admin.display(description="Balance", ordering="balance_micros")
    def balance(self, account: CreditAccount) -> str:
        return format_usd(account.balance_micros)

    def get_urls(self) -> list:
        adjust = self.admin_site.admin_view(self.adjust_view)
        return [path("adjust/", adjust, name="billing_creditaccount_adjust"), *super().get_urls()]

    @admin.action(description="Grant or adjust credit…", permissions=["adjust"])
    def adjust_credit(self, request: HttpRequest, queryset: Any) -> HttpResponse | None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one account.", messages.WARNING)
            return None
        email = queryset.select_related("user").get().user.email
        return redirect(
            reverse("admin:billing_creditaccount_adjust") + "?" + urlencode({"email": email})
        )

    def has_adjust_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("billing.adjust_credit")

    def adjust_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_adjust_permission(request):
            raise PermissionDenied
        form = CreditAdjustForm(request.POST or None, initial={"email": request.GET.get("email")})
        if request.method == "POST" and form.is_valid():
            entry = self._adjust(request, form)
            if entry is not None:
                self.message_user(
                    request,
                    f"{format_usd(entry.amount_micros, signed=True)} for {entry.account.user}; "
                    f"balance now {format_usd(entry.balance_after_micros)}.",
                    messages.SUCCESS,
                )
                return redirect("admin:billing_ledgerentry_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Grant or adjust credit",
            "opts": self.model._meta,
            "form": form,
        }
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "admin/billing/adjust_credit.html", context, status=status)

    def _adjust(self, request: HttpRequest, form: CreditAdjustForm) -> LedgerEntry | None:
        try:
            return credits_adjust(
                user=form.cleaned_data["email"],
                amount_micros=form.cleaned_data["amount"],
                memo=form.cleaned_data["memo"],
                staff_user=request.user,
                idempotency_key=f"adjustment:{form.cleaned_data['token']}",
            )
        except BillingError as e:
            form.add_error(None, str(e))
            return None
