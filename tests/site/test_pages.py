import pytest
from django.test import TestCase
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_shows_the_landing_page_to_visitors(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 200
    assert b"Start with $5 free credit" in response.content
    assert b"htmx-2.0.11.min.js" in response.content


def test_it_sends_signed_in_users_from_landing_to_dashboard(client, alice):
    client.force_login(alice)
    response = client.get(reverse("landing"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_it_requires_login_for_the_dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_renders_the_navigation_and_csrf_header(client, alice):
    client.force_login(alice)
    response = client.get(reverse("dashboard"))
    body = response.content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert 'aria-current="page">Dashboard' in body
    assert 'href="/account/"' in body


def test_it_updates_the_profile_through_htmx(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("account"), {"display_name": "  Alice A.  "}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<form")
    assert "Saved" in body
    assert "<html" not in body
    alice.refresh_from_db()
    assert alice.display_name == "Alice A."


def test_it_rejects_an_overlong_display_name(client, alice):
    client.force_login(alice)
    response = client.post(reverse("account"), {"display_name": "x" * 500})
    assert response.status_code == 200
    assert b"at most 120 characters" in response.content
    alice.refresh_from_db()
    assert alice.display_name == ""


def test_it_serves_static_files(client):
    response = client.get("/static/css/speeko.css")
    assert response.status_code == 200


def test_it_lets_staff_into_the_admin_but_not_others(client, alice, staff):
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_it_deletes_an_account_with_its_audio_after_the_password(client, alice, password):
    import os

    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from synthesis.models import Job

    job = Job.objects.create(
        owner=alice, voice="af_heart", voice_kind="stock", text="Hi.", billable_characters=3,
        estimated_cost_micros=90, status=Job.Status.DONE,
    )  # fmt: skip
    job.audio.save("gone.mp3", ContentFile(b"audio"))
    path = job.audio.path
    client.force_login(alice)
    response = client.post(reverse("account_delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert b"That is not your password." in response.content
    assert get_user_model().objects.filter(pk=alice.pk).exists()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("account_delete"), {"password": password})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not os.path.exists(path)
    assert client.get(reverse("dashboard")).status_code == 302
