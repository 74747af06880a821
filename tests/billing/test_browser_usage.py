"""The usage page in a real browser: HTMX filters swap the ledger, the badge refreshes itself."""

import pytest

from billing.services import reservation_create, reservation_settle

from .factories import fund

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, user, password):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/dashboard/")


def test_it_filters_the_ledger_and_refreshes_the_badge(live_server, page, alice, password):
    fund(alice, 5_000_000)
    for n in range(3):
        reservation = reservation_create(
            user=alice, amount_micros=30_000, reference=f"job:{n}", idempotency_key=f"job:{n}"
        )
        reservation_settle(reservation=reservation, actual_micros=29_941, characters=1_000)
    _sign_in(page, live_server, alice, password)
    badge = page.locator("#balance-badge")
    assert badge.inner_text() == "$4.91"

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Usage", exact=True
    ).click()
    page.wait_for_url("**/billing/usage/")
    rows = page.locator("#ledger tbody tr")
    assert rows.count() == 7

    page.select_option("select[name=kind]", "settlement")
    page.wait_for_url("**/billing/usage/?kind=settlement**")
    page.wait_for_function("document.querySelectorAll('#ledger tbody tr').length === 3")
    assert page.locator("h1").inner_text() == "Usage"  # swapped the ledger, not the page

    # Another app settles a job and its response carries the "balance-changed" event.
    fund(alice, 1_000_000)
    page.evaluate("htmx.trigger(document.body, 'balance-changed')")
    page.wait_for_function("document.querySelector('#balance-badge').innerText === '$5.91'")
