import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from billing.models import CreditAccount, LedgerEntry
from billing.selectors import balance_for

from .factories import fund

pytestmark = pytest.mark.django_db
ADJUST = reverse("admin:billing_creditaccount_adjust")


def _adjust(client, user, amount, memo="conference speaker", token=None):
    data = {"email": user.email, "amount": amount, "memo": memo, "token": token or uuid.uuid4()}
    return client.post(ADJUST, data)


def test_it_shows_the_ledger_read_only(client, staff, alice):
    entry = fund(alice, 1_000_000)
    client.force_login(staff)
    changelist = client.get(reverse("admin:billing_ledgerentry_changelist"))
    assert changelist.status_code == 200
    assert "+$1.00" in changelist.content.decode()

    detail = client.get(reverse("admin:billing_ledgerentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()  # view only

    assert client.get(reverse("admin:billing_ledgerentry_add")).status_code == 403
    delete_url = reverse("admin:billing_ledgerentry_delete", args=[entry.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:billing_ledgerentry_change", args=[entry.pk])
    assert client.post(change_url, {"memo": "x"}).status_code == 403
    client.post(
        reverse("admin:billing_ledgerentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert "delete_selected" not in changelist.content.decode()  # the bulk action is not offered
    entry.refresh_from_db()
    assert entry.memo == "" and LedgerEntry.objects.count() == 1
    assert client.get(reverse("admin:billing_creditaccount_add")).status_code == 403


def test_it_lets_staff_grant_and_take_back_credit_with_a_memo(client, staff, alice):
    client.force_login(staff)
    form = client.get(ADJUST + f"?email={alice.email}")
    assert form.status_code == 200
    assert alice.email in form.content.decode()

    response = _adjust(client, alice, "12.50")
    assert response.status_code == 302
    assert balance_for(user=alice) == 12_500_000
    entry = LedgerEntry.objects.get(account__user=alice)
    assert (entry.kind, entry.memo, entry.created_by) == ("adjustment", "conference speaker", staff)

    assert _adjust(client, alice, "-2.5", memo="correction").status_code == 302
    assert balance_for(user=alice) == 10_000_000


def test_it_applies_a_resubmitted_form_once(client, staff, alice):
    client.force_login(staff)
    token = uuid.uuid4()
    _adjust(client, alice, "5", token=token)
    _adjust(client, alice, "5", token=token)
    assert balance_for(user=alice) == 5_000_000


@pytest.mark.parametrize(
    ("amount", "memo", "message"),
    [
        ("5", "   ", "This field is required."),
        ("0", "memo", "Enter a non-zero amount."),
        ("abc", "memo", "Enter a number."),
        ("0.0000001", "memo", "Ensure that there are no more than 6 decimal places."),
        ("-1", "memo", "Not enough credit"),
    ],
)
def test_it_answers_bad_adjustments_with_a_form_error(client, staff, alice, amount, memo, message):
    client.force_login(staff)
    response = _adjust(client, alice, amount, memo=memo)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert balance_for(user=alice) == 0


def test_it_rejects_an_unknown_account(client, staff):
    client.force_login(staff)
    response = client.post(
        ADJUST, {"email": "nobody@example.com", "amount": "1", "memo": "m", "token": uuid.uuid4()}
    )
    assert response.status_code == 400
    assert "No account uses this e-mail address." in response.content.decode()


def test_it_keeps_adjustments_to_staff_with_the_permission(client, alice, bob):
    client.force_login(alice)
    assert client.get(ADJUST).status_code == 302  # not staff: sent to the admin login
    assert _adjust(client, bob, "5").status_code == 302
    assert balance_for(user=bob) == 0

    alice.is_staff = True
    alice.save()
    assert client.get(ADJUST).status_code == 403
    alice.user_permissions.add(Permission.objects.get(codename="adjust_credit"))
    assert client.get(ADJUST).status_code == 200


def test_it_offers_the_adjustment_as_an_account_action(client, staff, alice):
    fund(alice, 1)
    account = CreditAccount.objects.get(user=alice)
    client.force_login(staff)
    response = client.post(
        reverse("admin:billing_creditaccount_changelist"),
        {"action": "adjust_credit", "_selected_action": [account.pk]},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(ADJUST)
    assert "alice%40example.com" in response["Location"]


def test_it_lists_and_searches_every_billing_model(client, staff, alice, bob):
    from billing.services import reservation_create

    fund(alice, 1_000)
    reservation_create(user=alice, amount_micros=10, reference="job:x", idempotency_key="job:x")
    fund(bob, 5)
    bob.delete()  # an erased user's account and ledger stay listed
    client.force_login(staff)
    for name in ("ledgerentry", "reservation", "creditaccount"):
        url = reverse(f"admin:billing_{name}_changelist")
        assert client.get(url).status_code == 200
        response = client.get(url, {"q": "alice"})
        assert response.status_code == 200
        assert "alice@example.com" in response.content.decode()
        assert client.get(url, {"q": "not-a-uuid-%"}).status_code == 200
