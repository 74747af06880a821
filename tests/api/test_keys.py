import hashlib
import subprocess
import sys

import pytest
from django.urls import reverse

from speeko_site.api.models import ApiKey
from tests.conftest import REPO_ROOT, subprocess_env

pytestmark = pytest.mark.django_db


def test_it_shows_a_new_key_once_and_stores_only_its_hash(client, alice):
    client.force_login(alice)
    response = client.post(reverse("api_keys"), {"name": "my app"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    key = ApiKey.objects.get(owner=alice)
    raw = body.split('id="new-key" class="secret">')[1].split("<")[0]
    assert raw.startswith("sk_live_") and raw.startswith(key.prefix)
    assert key.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiKey.objects.filter(pk=key.pk).values().first())
    # Never shown again.
    assert raw not in client.get(reverse("api_keys")).content.decode()


def test_it_requires_a_name_for_a_key(client, alice):
    client.force_login(alice)
    response = client.post(reverse("api_keys"), {"name": ""})
    assert response.status_code == 400
    assert b"Give the key a name" in response.content
    assert not ApiKey.objects.exists()


def test_it_revokes_a_key_and_the_api_refuses_it(client, alice, api):
    assert api.get("/v1/balance").status_code == 200
    key = ApiKey.objects.get(owner=alice)
    client.force_login(alice)
    assert client.post(reverse("api_key_revoke", args=[key.public_id])).status_code == 302
    response = api.get("/v1/balance")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_it_does_not_let_others_revoke_a_key(client, alice, bob, alice_key):
    key = ApiKey.objects.get(owner=alice)
    client.force_login(bob)
    assert client.post(reverse("api_key_revoke", args=[key.public_id])).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_it_never_accepts_a_key_in_the_url(client, alice_key):
    response = client.get(f"/v1/balance?api_key={alice_key}&key={alice_key}")
    assert response.status_code == 401


def test_it_refuses_missing_and_unknown_keys(client):
    assert client.get("/v1/balance").status_code == 401
    response = client.get("/v1/balance", headers={"Authorization": "Bearer sk_live_nope"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_it_records_when_a_key_was_last_used(api, alice):
    assert ApiKey.objects.get(owner=alice).last_used_at is None
    api.get("/v1/balance")
    assert ApiKey.objects.get(owner=alice).last_used_at is not None


@pytest.mark.django_db(transaction=True)
def test_it_creates_a_key_from_the_command_line_for_verified_users(alice, password):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(email="unverified@example.com", password=password)
    run = [sys.executable, "manage.py", "create_api_key"]
    kwargs = {"cwd": REPO_ROOT, "env": subprocess_env(), "capture_output": True, "text": True}
    ok = subprocess.run([*run, "alice@example.com"], **kwargs, timeout=120)  # noqa: S603
    assert ok.returncode == 0, ok.stderr
    raw = ok.stdout.strip()
    assert ApiKey.objects.get(owner=alice).digest == hashlib.sha256(raw.encode()).hexdigest()
    missing = subprocess.run([*run, "nobody@example.com"], **kwargs, timeout=120)  # noqa: S603
    assert missing.returncode != 0 and "No user" in missing.stderr
    unverified = subprocess.run([*run, "unverified@example.com"], **kwargs, timeout=120)  # noqa: S603
    assert unverified.returncode != 0 and "not verified" in unverified.stderr
