from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import LedgerEntry
from billing.services import reservation_create, reservation_settle

from .factories import fund

pytestmark = pytest.mark.django_db
URL = reverse("billing:usage")


def _spend(user, *, characters: int, micros: int, key: str):
    reservation = reservation_create(
        user=user, amount_micros=micros, reference=f"job:{key}", idempotency_key=key
    )
    return reservation_settle(reservation=reservation, actual_micros=micros, characters=characters)


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_it_shows_balance_characters_chart_and_ledger(client, alice):
    fund(alice, 5_000_000)
    _spend(alice, characters=1_000, micros=29_941, key="job-a")
    client.force_login(alice)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    # As people read money: cents, the same figure as the badge, never six decimals.
    assert 'data-testid="balance">$4.97 of credit' in html
    assert 'id="balance-badge"' in html and ">$4.97</a>" in html
    assert "4.970059" not in html
    assert "−2.99¢" in html  # the charge
    # 4,970,059 micros at 167,000 chars per $5 (rounded down: 166,000 would cost 4,970,060),
    # and at the 2x cloned rate.
    assert "<strong>165,999</strong>" in html
    assert "<strong>82,999</strong>" in html
    assert "How characters are counted" in html
    assert "a run of spaces, tabs or new lines counts as a single character" in html
    assert html.count("<svg") >= 2 and "<rect" in html
    assert "Characters per day" in html and "Dollars per day" in html
    assert "total 1,000" in html  # characters in the last 30 days
    assert "job:job-a" in html
    assert 'href="/billing/usage/"' in html  # the navigation's Usage link appears


def test_it_returns_only_the_ledger_partial_to_htmx(client, alice):
    fund(alice, 1_000_000)
    client.force_login(alice)
    response = client.get(URL, {"kind": "topup"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<svg" not in html
    assert "<table>" in html
    assert "Top-up" in html
    assert "HX-Request" in response["Vary"]


def test_it_filters_the_ledger_by_kind_and_date(client, alice):
    fund(alice, 1_000_000)
    _spend(alice, characters=10, micros=300, key="job-b")
    client.force_login(alice)

    html = client.get(URL, {"kind": "reservation"}, headers={"HX-Request": "true"}).content.decode()
    assert "Charge</span>" in html and "Top-up</span>" not in html

    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    html = client.get(URL, {"date_from": tomorrow}, headers={"HX-Request": "true"}).content.decode()
    assert "No ledger entries match these filters" in html


def test_it_answers_bad_filters_with_a_400_and_a_message(client, alice):
    client.force_login(alice)
    response = client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert response.status_code == 400
    assert "The start date must be on or before the end date." in response.content.decode()
    response = client.get(URL, {"kind": "bogus", "date_from": "yesterday"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_it_paginates_the_ledger(client, alice, settings):
    settings.BILLING_LEDGER_PAGE_SIZE = 3
    for _ in range(7):
        fund(alice, 10)
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Page 1 of 3" in html
    html = client.get(URL, {"page": "3"}, headers={"HX-Request": "true"}).content.decode()
    assert "Page 3 of 3" in html
    assert client.get(URL, {"page": "zzz"}).status_code == 200


def test_it_never_shows_another_accounts_ledger(client, alice, bob, charlie):
    fund(alice, 1_000_000)
    alice_entry = LedgerEntry.objects.get(account__user=alice)
    client.force_login(bob)

    html = client.get(URL).content.decode()
    assert "$0.00" in html
    assert alice_entry.reference not in html
    assert "No ledger entries" in html

    detail = reverse("billing:ledger_entry", args=[alice_entry.public_id])
    assert client.get(detail).status_code == 404
    csv_body = b"".join(client.get(reverse("billing:ledger_csv")).streaming_content).decode()
    assert alice_entry.reference not in csv_body

    client.force_login(alice)
    response = client.get(detail)
    assert response.status_code == 200
    assert alice_entry.reference in response.content.decode()


def test_it_shows_a_job_as_one_charge_without_the_reservation_mechanics(client, alice):
    fund(alice, 1_000_000)
    _spend(alice, characters=10, micros=300, key="job-c")
    exact = reservation_create(
        user=alice, amount_micros=900, reference="synthesis:job-d", idempotency_key="job-d"
    )
    reservation_settle(reservation=exact, actual_micros=600, characters=20)
    client.force_login(alice)

    html = client.get(URL, headers={"HX-Request": "true"}).content.decode()

    # Settlements that moved no money are bookkeeping: not shown. One that gave money back is.
    assert LedgerEntry.objects.filter(kind="settlement", amount_micros=0).count() == 1
    assert html.count("Charge corrected</span>") == 1 and "+0.03¢" in html
    assert "Speech</span>" in html and "Reservation" not in html
    assert ">Settlement<" not in html
