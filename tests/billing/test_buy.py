"""The Buy credits page, against a local stand-in for Stripe's API (no outside network)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("billing:buy")


class FakeStripe(BaseHTTPRequestHandler):
    requests: list  # set per server
    status = 200

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.server.requests.append((self.path, parse_qs(body), self.headers.get("Authorization")))
        if self.server.status != 200:
            answer = {"error": {"type": "api_error", "message": "down for maintenance"}}
        else:
            answer = {
                "id": "cs_test_42",
                "object": "checkout.session",
                "url": "https://pay.test/cs_42",
            }
        data = json.dumps(answer).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_stripe(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStripe)
    server.requests = []
    server.status = 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_SECRET_KEY = "sk_test_123"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test"
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_it_explains_top_ups_when_stripe_is_not_configured(client, alice, settings):
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_WEBHOOK_SECRET = None
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Online card payments are not set up" in html
    assert "grant credit to your account from the admin" in html
    # Setting up payments is the operator's business, not the customer's.
    assert "STRIPE_SECRET_KEY" not in html
    assert 'name="dollars"' not in html
    assert client.post(URL, {"dollars": "10"}).status_code == 400


def test_it_sends_the_buyer_to_a_checkout_session(client, alice, fake_stripe):
    client.force_login(alice)
    assert 'name="dollars"' in client.get(URL).content.decode()

    response = client.post(URL, {"dollars": "25"})

    assert response.status_code == 302
    assert response["Location"] == "https://pay.test/cs_42"
    path, params, auth = fake_stripe.requests[0]
    assert path == "/v1/checkout/sessions"
    assert auth == "Bearer sk_test_123"
    assert params["mode"] == ["payment"]
    assert params["client_reference_id"] == [str(alice.public_id)]
    assert params["line_items[0][price_data][unit_amount]"] == ["2500"]
    assert params["line_items[0][price_data][currency]"] == ["usd"]


def test_it_refuses_bad_amounts_with_a_message(client, alice, fake_stripe):
    client.force_login(alice)
    for value in ("0", "4", "100000", "ten", ""):
        response = client.post(URL, {"dollars": value})
        assert response.status_code == 400
        assert 'class="error"' in response.content.decode()
    assert fake_stripe.requests == []


def test_it_says_so_when_stripe_is_down(client, alice, fake_stripe):
    fake_stripe.status = 500
    client.force_login(alice)
    response = client.post(URL, {"dollars": "10"})
    assert response.status_code == 503
    assert "nothing was charged" in response.content.decode()


def test_it_tells_staff_how_to_set_up_card_payments(client, staff, settings):
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_WEBHOOK_SECRET = None
    client.force_login(staff)
    html = client.get(URL).content.decode()
    assert "STRIPE_SECRET_KEY" in html and "checkout.session.completed" in html
