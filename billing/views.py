from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from billing import payments
from billing.charts import usage_charts
from billing.forms import LedgerFilterForm, TopupForm
from billing.money import decimal_usd, format_usd
from billing.pricing import (
    characters_for_micros,
    cloning_fee_micros,
    dollars_per_thousand_characters,
)
from billing.selectors import balance_for, ledger_entry_get_for_user, ledger_for, usage_by_day
from speeko_site.core.csv_export import csv_lines, csv_text


def _wants_partial(request: HttpRequest) -> bool:
    # A history-restore request needs the whole page, not the fragment it once swapped in.
    return bool(request.htmx) and not request.htmx.history_restore_request


def _ledger_context(request: HttpRequest, form: LedgerFilterForm) -> dict:
    entries = ledger_for(user=request.user, hide_mechanics=True, **form.filters())
    paginator = Paginator(entries, settings.BILLING_LEDGER_PAGE_SIZE)
    return {"form": form, "page_obj": paginator.get_page(request.GET.get("page"))}


def _summary_context(request: HttpRequest) -> dict:
    balance = request._billing_balance = balance_for(user=request.user)
    return {
        "balance": balance,
        "characters_standard": characters_for_micros(balance, cloned=False),
        "characters_cloned": characters_for_micros(balance, cloned=True),
        "price_standard": dollars_per_thousand_characters(cloned=False),
        "price_cloned": dollars_per_thousand_characters(cloned=True),
        "cloned_multiplier": settings.BILLING_CLONED_MULTIPLIER,
        "charts": usage_charts(usage_by_day(user=request.user, days=30)),
    }


@require_GET
@login_required
@vary_on_headers("HX-Request")
def usage(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None)
    context = _ledger_context(request, form)
    status = 400 if form.is_bound and not form.is_valid() else 200
    if _wants_partial(request):
        return render(request, "billing/usage.html#ledger", context, status=status)
    context.update(_summary_context(request))
    return render(request, "billing/usage.html", context, status=status)


@require_GET
@login_required
def ledger_csv(request: HttpRequest) -> HttpResponse:
    form = LedgerFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("Invalid filters: " + form.errors.as_text())
    entries = ledger_for(user=request.user, **form.filters())
    response = StreamingHttpResponse(_csv_lines(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="speeko-ledger.csv"'
    return response


def _csv_lines(entries) -> Iterator[str]:
    return csv_lines(CSV_HEADER, (_csv_row(entry) for entry in entries.iterator(chunk_size=500)))


CSV_HEADER = [
    "id", "created_at", "kind", "amount_usd", "balance_after_usd", "amount_micros",
    "balance_after_micros", "characters", "reference", "memo",
]  # fmt: skip


def _csv_row(entry) -> list:
    return [
        entry.public_id, entry.created_at.isoformat(), entry.kind,
        decimal_usd(entry.amount_micros), decimal_usd(entry.balance_after_micros),
        entry.amount_micros, entry.balance_after_micros, entry.characters,
        csv_text(entry.reference), csv_text(entry.memo),
    ]  # fmt: skip


@require_GET
@login_required
def ledger_entry(request: HttpRequest, public_id: str) -> HttpResponse:
    entry = ledger_entry_get_for_user(user=request.user, public_id=public_id)
    return render(request, "billing/ledger_entry.html", {"entry": entry})


@require_GET
@login_required
def balance_badge(request: HttpRequest) -> HttpResponse:
    return render(request, "partials/balance_badge.html")


@login_required
def buy(request: HttpRequest) -> HttpResponse:
    form = TopupForm(request.POST or None)
    if request.method != "POST":
        return _buy_page(request, form)
    if not payments.checkout_enabled():
        return _buy_page(request, form, status=400)
    if not form.is_valid():
        return _buy_page(request, form, status=400)
    try:
        url = payments.checkout_session_create(
            user=request.user,
            dollars=form.cleaned_data["dollars"],
            success_url=_absolute(reverse("billing:usage") + "?topup=success"),
            cancel_url=_absolute(reverse("billing:buy")),
        )
    except payments.PaymentUnavailable as e:
        form.add_error(None, str(e))
        return _buy_page(request, form, status=503)
    return redirect(url)


def _buy_page(request: HttpRequest, form: TopupForm, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "enabled": payments.checkout_enabled(),
        "price_standard": dollars_per_thousand_characters(cloned=False),
        "price_cloned": dollars_per_thousand_characters(cloned=True),
        "fee_instant": format_usd(cloning_fee_micros("instant")),
        "fee_professional": format_usd(cloning_fee_micros("professional")),
    }
    return render(request, "billing/buy.html", context, status=status)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@csrf_exempt  # Stripe cannot send our CSRF token; the signature check stands in for it.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise Http404("Stripe is not configured on this instance.")
    signature = request.headers.get("Stripe-Signature")
    try:
        payments.stripe_event_handle(payload=request.body, signature=signature)
    except payments.WebhookRejected as e:
        return HttpResponseBadRequest(str(e))
    return HttpResponse("ok")
