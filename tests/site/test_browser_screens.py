"""Every page at laptop (1,280 px) and phone (390 px) width: nothing wider than the window, no
control cut off. Set SPEEKO_SCREENSHOT_DIR to keep a full-page screenshot of each."""

import io
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.core.files.base import ContentFile

from synthesis.models import Job
from tests.support.playground import sign_in
from voices.models import Voice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTHS = (1280, 390)


def _done_job(user) -> Job:
    job = Job.objects.create(
        owner=user, voice="af_heart", voice_kind=Job.VoiceKind.STOCK, format="wav",
        text="<speak>Hello <break time='1s'/> from the history list.</speak>", ssml=True,
        billable_characters=30, estimated_cost_micros=900, charged_micros=900,
        status=Job.Status.DONE, duration_seconds=2.0, waveform=[0.5] * 40,
    )  # fmt: skip
    job.audio.save(f"{job.public_id}.wav", ContentFile(_wav()))
    return job


def _consent(staff, alice) -> None:
    from django.utils import timezone

    from voices.models import ConsentRecord
    from voices.storage import file_save, sha256_hex

    voice = Voice.objects.create(owner=alice, name="Narrator", status=Voice.Status.READY)
    data = b"consent evidence " * 64
    ConsentRecord.objects.create(
        voice=voice, voice_public_id=voice.public_id, user=alice, user_public_id=alice.public_id,
        relation=ConsentRecord.Relation.OTHER, speaker_name="Linda Johnson-Worthington",
        speaker_email="linda.johnson-worthington@example.org",
        statements=[{"key": "create", "text": "..."}], statement_version="test",
        uses=["personal"], signature="Alice Example", spoken_text="I consent...",
        spoken_code="123-456", recording_file=file_save(data=data, folder="consent", ext="flac"),
        recording_sha256=sha256_hex(data), recording_bytes=len(data), ip_address="127.0.0.1",
        user_agent="pytest", verification=ConsentRecord.Verification.VERIFIED,
        verified_at=timezone.now(),
    )  # fmt: skip


def _sample(voice) -> None:
    from voices.models import Sample
    from voices.storage import file_save, sha256_hex

    data = _wav()
    Sample.objects.create(
        voice=voice, file=file_save(data=data, folder="samples", ext="wav"),
        content_type="audio/wav", size_bytes=len(data), sha256=sha256_hex(data), seconds=2.0,
        speech_seconds=12.0, original_name="a-rather-long-recording-name-take-3.wav",
        analysis={"speech_seconds": 12.0, "total_seconds": 12.5, "snr_db": 31.0,
                  "clipping_percent": 0.0, "loudness_lufs": -21.0, "consistency": 0.93,
                  "verdict": "ok", "advice": []},
    )  # fmt: skip


def _wav() -> bytes:
    tone = 0.2 * np.sin(np.linspace(0, 2 * np.pi * 220 * 2.0, 48_000)).astype(np.float32)
    buffer = io.BytesIO()
    sf.write(buffer, tone, 24_000, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _visit(page, url: str, name: str, width: int) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    folder = os.environ.get("SPEEKO_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
    assert _overflow(page) <= 0, f"{name} is wider than the window at {width} px"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_fits_the_window(live_server, browser, staff, alice, password, width):
    from billing.services import grant_free_tier

    grant_free_tier(user=staff)
    _consent(staff, alice)
    job = _done_job(staff)
    draft = Voice.objects.create(owner=staff, name="Draft", status=Voice.Status.DRAFT)
    _sample(draft)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    base = live_server.url
    for name, path in (("landing", "/"), ("login", "/accounts/login/"),
                       ("signup", "/accounts/signup/")):  # fmt: skip
        _visit(page, base + path, name, width)
    sign_in(page, base, staff.email, password)
    ready = Voice.objects.create(
        owner=staff, name="Narrator", status=Voice.Status.READY, tier=Voice.Tier.INSTANT
    )
    entry = staff.credit_account.entries.first()
    pages = {
        "voice-detail": f"/voices/{ready.public_id}/",
        "clone-tier": f"/voices/clone/{draft.public_id}/tier/",
        "ledger-entry": f"/billing/ledger/{entry.public_id}/",
        "dashboard": "/dashboard/",
        "playground": f"/synthesis/playground/?job={job.public_id}",
        "ssml-guide": "/synthesis/ssml/",
        "voices": "/voices/",
        "my-voices": "/voices/mine/",
        "clone-consent": "/voices/clone/",
        "clone-samples": f"/voices/clone/{draft.public_id}/samples/",
        "usage": "/billing/usage/",
        "buy": "/billing/buy/",
        "api-keys": "/api-keys/",
        "api-docs": "/docs/api/",
        "account": "/account/",
        "staff-consents": "/voices/staff/consents/",
        "staff-audit": "/voices/staff/audit/",
    }
    for name, path in pages.items():
        _visit(page, base + path, name, width)
    # The recorders' Stop buttons stay hidden until a recording starts.
    for name in ("clone-consent", "clone-samples"):
        page.goto(base + pages[name])
        assert page.locator("[data-stop]").count() >= 1
        assert all(not b.is_visible() for b in page.locator("[data-stop]").all()), name
    # Sample players keep their play button at any width.
    _visit(page, base + pages["clone-samples"], "clone-samples", width)
    assert page.locator(".samples-table audio").bounding_box()["width"] >= 240
    if width >= 1280:
        # The staff table shows every column, State included, without scrolling sideways.
        _visit(page, base + "/voices/staff/consents/", "staff-consents", width)
        wrap = page.locator("#results")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert page.locator("td .badge").first.is_visible()
    context.close()


def test_the_usage_table_keeps_amount_and_balance_in_view_on_a_phone(
    live_server, browser, alice, password
):
    from billing.services import grant_free_tier

    grant_free_tier(user=alice)
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/billing/usage/")
    wrap = page.locator("#ledger .table-wrap").bounding_box()
    for header in ("Amount", "Balance"):
        box = page.locator("th", has_text=header).bounding_box()
        assert box and box["x"] + box["width"] <= wrap["x"] + wrap["width"], header
    context.close()
