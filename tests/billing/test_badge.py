import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import fund

pytestmark = pytest.mark.django_db


def test_it_renders_the_badge_with_one_indexed_query(alice, django_assert_num_queries):
    fund(alice, 4_999_999)
    request = RequestFactory().get("/")
    request.user = alice
    with django_assert_num_queries(1):
        html = render_to_string("partials/balance_badge.html", request=request)
    assert "$4.99" in html  # rounded down to the cent: never shows more than there is
    assert 'hx-get="/billing/balance/"' in html
    assert 'hx-trigger="balance-changed from:body"' in html


def test_it_puts_the_badge_in_the_navigation_once_per_page(client, alice):
    fund(alice, 2_500_000)
    client.force_login(alice)
    for url in (reverse("dashboard"), reverse("billing:usage")):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert 'id="balance-badge"' in response.content.decode()
        balance_queries = [q for q in queries if 'FROM "billing_creditaccount"' in q["sql"]]
        assert len(balance_queries) == 1, balance_queries


def test_it_serves_the_badge_fragment_for_refreshes(client, alice, bob):
    fund(alice, 1_000_000)
    client.force_login(alice)
    response = client.get(reverse("billing:balance_badge"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith('<a id="balance-badge"') or 'id="balance-badge"' in html
    assert "$1.00" in html and "<html" not in html

    client.force_login(bob)
    html = client.get(reverse("billing:balance_badge")).content.decode()
    assert "$0.00" in html and "badge-warn" in html


def test_it_tells_the_badge_when_a_balance_changed():
    import json

    from django.http import HttpResponse

    from billing.events import balance_changed

    response = balance_changed(HttpResponse())
    assert "balance-changed" in json.loads(response["HX-Trigger"])
