import pytest

from synthesis.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.model]


def _sign_in(page, live_server, user, password):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def test_it_generates_plays_and_downloads_in_a_real_browser(
    live_server, page, funded_alice, password, celery_worker_process, tmp_path
):
    _sign_in(page, live_server, funded_alice, password)
    page.get_by_role("link", name="Playground").first.click()
    page.wait_for_url("**/synthesis/playground/")
    page.fill("textarea[name=text]", "Welcome to Speeko. This audio plays while it is made.")
    page.wait_for_selector("#estimate:has-text('billable')")
    page.keyboard.press("Control+Enter")

    audio = page.wait_for_selector("#player-audio")
    page.wait_for_function(
        "() => { const a = document.getElementById('player-audio');"
        " return a && a.duration > 0 && a.currentTime > 0; }",
        timeout=90_000,
    )
    assert audio.evaluate("a => a.error") is None
    page.wait_for_selector("#download", timeout=90_000)
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    job = Job.objects.get(owner=funded_alice)
    assert job.status == Job.Status.DONE
    assert target.read_bytes() == job.audio.open("rb").read()
    assert target.stat().st_size > 10_000
