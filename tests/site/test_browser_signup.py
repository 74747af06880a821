import re

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_signs_up_in_a_real_browser_and_lands_on_the_dashboard(
    live_server, page, password, tmp_path
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Start with $5 free credit").click()
    page.fill("input[name=email]", "browser@example.com")
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "Verify Your Email Address" in page.content()

    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    page.goto(live_server.url + match.group(1))
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="Welcome").is_visible()
    assert page.get_by_text("Signed in as browser@example.com", exact=True).is_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
