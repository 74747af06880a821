"""The cloning flow in a real browser (headless Chromium), with uploaded files and a real worker."""

import os
import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import start_worker
from tests.voices.conftest import flac_bytes
from voices.models import ConsentRecord, Voice
from voices.prompts import GUIDED_PROMPTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def _rendered(path: Path, spoken, text: str) -> str:
    path.write_bytes(flac_bytes(*spoken(text)))
    return str(path)


def test_it_clones_a_voice_in_the_browser(
    page, live_server, alice, funded, spoken, settings, tmp_path
):
    # The worker process reads the test run's media folder, not this test's private one.
    settings.MEDIA_ROOT = Path(os.environ["SPEEKO_TEST_RUN_DIR"]) / "media"
    funded(alice)
    _signed_in(page, live_server, alice)
    page.goto(f"{live_server.url}/voices/")
    page.get_by_role("link", name="Clone a voice").first.click()

    page.get_by_label("Name for the new voice").fill("Linda")
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("The speaker's full name").fill("Linda Johnson")
    statement = page.locator("#consent-statement")
    assert "I, Linda Johnson, consent" in statement.inner_text()  # kept in step by recorder.js
    for box in page.locator("input[name^=statement_]").all():
        box.check()
    page.get_by_label("Personal, non-commercial use").check()
    # A stock voice reads the statement shown, code included, and then the samples.
    said = re.sub(r"\s+", " ", statement.inner_text()).strip().strip('“”"')
    assert re.search(r"My consent code is \d{3}-\d{3}\.", said), said
    page.locator("#id_recording").set_input_files(
        _rendered(tmp_path / "consent.flac", spoken, said)
    )
    page.get_by_label("Signature: type your full name").fill("Linda Johnson")
    page.get_by_role("button", name="Record consent and continue").click()

    page.wait_for_url("**/samples/")
    takes = [
        _rendered(tmp_path / f"take{n}.flac", spoken, prompt)
        for n, prompt in enumerate(GUIDED_PROMPTS[:3])
    ]
    # Only the instant queue: it takes the samples' analyses and the instant clone.
    worker = start_worker(tmp_path, queues="cloning_instant")
    try:
        page.locator("#id_file").set_input_files(takes)
        page.get_by_role("button", name="Upload and analyse").click()
        page.locator("#samples tbody tr").nth(2).wait_for(timeout=120_000)  # htmx swapped it
        assert "3 recordings" in page.locator("#samples").inner_text()
        # The table polls until the worker has analysed every take.
        page.locator("#samples [data-verdict=analysing]").first.wait_for(
            state="detached", timeout=300_000
        )
        assert page.locator("#to-tier").get_attribute("aria-disabled") is None

        page.locator("#to-tier").click()
        page.wait_for_url("**/tier/")
        page.locator("input[name=tier][value=instant]").check()
        page.get_by_role("button", name="Clone the voice").click()
        # The request returns at once; the page follows the worker's progress.
        page.wait_for_url("**/voices/vc_*/")
        page.locator("#voice-status progress").wait_for()
        play = page.get_by_role("link", name="Use in playground")
        play.wait_for(timeout=600_000)  # swapped in by the polling once the clone is done
    finally:
        worker.stop()
    assert play.is_visible()

    voice = Voice.objects.get(owner=alice)
    assert voice.status == Voice.Status.READY
    assert voice.consent.verification == ConsentRecord.Verification.VERIFIED
    assert voice.consent.code_heard and voice.consent.name_heard, voice.consent.transcript
    assert play.get_attribute("href") == f"/synthesis/playground/?voice={voice.public_id}"
    assert voice.consent.user_agent.startswith("Mozilla/")
