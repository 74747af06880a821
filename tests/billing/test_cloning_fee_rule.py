"""The cloning fee is described by one sentence, the same on every page that mentions it."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db

RULE = render_to_string("billing/_cloning_fee_rule.html").strip()


def test_the_rule_says_what_billing_does():
    assert "charged when the clone starts" in RULE and "refunded in full" in RULE


@pytest.mark.parametrize("url", [reverse("billing:usage"), reverse("billing:buy"), "/docs/api/"])
def test_every_page_states_the_same_rule(client, alice, url):
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert RULE in page
    assert "when the clone succeeds" not in page
