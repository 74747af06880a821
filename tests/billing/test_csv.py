import csv
import io

import pytest
from django.urls import reverse

from billing.services import credits_adjust

from .factories import fund

pytestmark = pytest.mark.django_db
URL = reverse("billing:ledger_csv")


def _rows(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_it_exports_the_ledger_as_csv(client, alice, staff):
    fund(alice, 1_234_567)
    credits_adjust(user=alice, amount_micros=-567, memo='=HYPERLINK("x")', staff_user=staff)
    client.force_login(alice)

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _rows(response)
    assert [row["kind"] for row in rows] == ["adjustment", "topup"]
    assert rows[0]["amount_usd"] == "-0.000567"
    assert rows[0]["balance_after_usd"] == "1.234000"
    assert rows[0]["amount_micros"] == "-567"
    assert rows[0]["memo"].startswith("'=")  # not a live formula in a spreadsheet
    assert rows[1]["amount_usd"] == "1.234567"


def test_it_applies_the_filters_and_rejects_bad_ones(client, alice, staff):
    fund(alice, 1_000)
    credits_adjust(user=alice, amount_micros=5, memo="bonus", staff_user=staff)
    client.force_login(alice)
    rows = _rows(client.get(URL, {"kind": "topup"}))
    assert [row["kind"] for row in rows] == ["topup"]
    response = client.get(URL, {"date_from": "not a date"})
    assert response.status_code == 400
    assert b"Enter a valid date" in response.content
