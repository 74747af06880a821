"""The playground in a real browser, with a real worker and the real model."""

import pytest

from synthesis.models import Job
from tests.support.playground import (
    FORMATS,
    TWO_PARAGRAPHS,
    first_sound,
    generate,
    listen,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.model]


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def test_it_generates_plays_and_downloads_in_a_real_browser(
    live_server, page, funded_alice, password, celery_worker_process, tmp_path
):
    sign_in(page, live_server.url, funded_alice.email, password)
    page.get_by_role("link", name="Playground").first.click()
    page.wait_for_url("**/synthesis/playground/")
    page.fill("textarea[name=text]", "Welcome to Speeko. This audio plays while it is made.")
    page.wait_for_selector("#estimate:has-text('billable')")
    page.keyboard.press("Control+Enter")

    stats = listen(page)
    assert stats["firstSoundAt"] > stats["pressedAt"]
    assert not page.get_attribute("#player", "data-error")
    job = Job.objects.get(owner=funded_alice)
    assert job.status == Job.Status.DONE
    assert stats["received"] == pytest.approx(job.duration_seconds, abs=0.01)
    # A real duration once the job is done, not "0:00".
    page.wait_for_function(
        "t => document.querySelector('[data-player-time]').textContent.endsWith(t)",
        arg=f"/ {_clock(job.duration_seconds)}",
    )
    # The estimate is still there after Generate.
    assert "billable" in page.text_content("#estimate")
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes() == job.audio.open("rb").read()
    assert target.stat().st_size > 10_000

    # The waveform seeks: a click at three quarters plays from about three quarters.
    box = page.locator(".player-wave").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    position = page.evaluate("() => window.speekoPlayer.stats.position")
    assert 0.7 * job.duration_seconds <= position <= job.duration_seconds


def test_sound_starts_before_the_job_is_done_in_every_format(
    live_server, page, funded_alice, password, celery_worker_process
):
    sign_in(page, live_server.url, funded_alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    for fmt in FORMATS:
        job_id = generate(page, TWO_PARAGRAPHS, fmt)
        stats = first_sound(page)
        # The listener hears audio (the Web Audio clock moved past the first buffer's start)
        # while the worker is still making the rest.
        job = Job.objects.get(public_id=job_id)
        assert job.format == fmt
        assert job.status in {Job.Status.QUEUED, Job.Status.RUNNING}, fmt
        # The page asked for the samples before the worker had made any (the relay, not the
        # job's row, tells it when they come), and played what came first, whatever the format.
        requested = (stats["timeOrigin"] + stats["requestedAt"]) / 1000
        assert requested < job.first_audio_at.timestamp(), fmt
        assert stats["pressedAt"] < stats["requestedAt"] < stats["firstDataAt"]
        page.wait_for_function("() => window.speekoPlayer.stats.position > 0.2")
        assert stats["state"] == "running"
        page.get_by_role("button", name="Cancel").click()
        page.wait_for_selector("#job-status[data-status=cancelled]")


# A player bar as the page has it, fed by the test instead of the network.
_PLAYER_JS = """() => {
  const root = document.createElement('section');
  root.innerHTML = '<button data-player-toggle></button><canvas></canvas>'
    + '<span data-player-time></span>';
  document.body.append(root);
  const player = new window.SpeekoPlayer(root);
  player.playing = true;
"""


def test_the_player_waits_for_late_audio_then_goes_on(live_server, page, alice, password):
    """A worker slower than real time: the player runs dry, counts one stall, waits for more,
    then plays the rest to the end."""
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    page.evaluate(_PLAYER_JS + "player.add(new Float32Array(2400).fill(0.1)); }")
    page.wait_for_function("() => window.speekoPlayer.stats.position >= 0.1")
    page.wait_for_function(
        "() => { const p = window.speekoPlayer; return p.ctx.currentTime > p.nextWhen; }"
    )
    page.evaluate("() => window.speekoPlayer.add(new Float32Array(4800).fill(0.1))")
    # One stall so far: after it, the player waits for more audio than it has been given.
    stats = page.evaluate("() => window.speekoPlayer.stats")
    assert stats["stalls"] == 1
    assert stats["position"] == pytest.approx(0.1, abs=0.001)
    page.evaluate("() => window.speekoPlayer.add(new Float32Array(21600).fill(0.1))")
    page.evaluate("() => window.speekoPlayer.finish()")
    page.wait_for_function("() => window.speekoPlayer.ended()")
    stats = page.evaluate("() => window.speekoPlayer.stats")
    assert stats["received"] == pytest.approx(1.2)
    assert stats["stalls"] == 1


def test_audio_that_arrives_in_time_plays_without_a_gap(live_server, page, alice, password):
    """A worker faster than real time: each chunk lands while the last still plays, so the
    player never runs dry and plays every sample once, back to back."""
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    page.evaluate(_PLAYER_JS + "player.add(new Float32Array(48000).fill(0.1)); }")
    for seconds in (0.5, 2.5):
        page.wait_for_function(f"() => window.speekoPlayer.stats.position >= {seconds}")
        page.evaluate("() => window.speekoPlayer.add(new Float32Array(48000).fill(0.1))")
    page.evaluate("() => window.speekoPlayer.finish()")
    page.wait_for_function("() => window.speekoPlayer.ended()")
    stats = page.evaluate("() => window.speekoPlayer.stats")
    assert stats["stalls"] == 0
    assert stats["received"] == pytest.approx(6.0)
    assert stats["position"] == pytest.approx(6.0, abs=0.011)


def test_a_slow_worker_on_a_long_text_gets_one_long_pause_not_many(
    live_server, page, alice, password
):
    """Audio arriving at well under real time, with most of a 20 s text still to come: after
    running dry the player gathers several seconds before going on, not one."""
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    page.evaluate(
        _PLAYER_JS.replace("const player", "root.dataset.expectedSeconds = '20'; const player")
        + "player.expected = 20; player.add(new Float32Array(2400).fill(0.1)); }"
    )
    page.wait_for_function(
        "() => { const p = window.speekoPlayer; return p.ctx.currentTime > p.nextWhen; }"
    )
    # The first 0.1 s arrived a second ago: 0.1x real time with 19.9 s to go, so the player
    # gathers the most it ever waits for (8 s) rather than another fraction of a second.
    page.evaluate(
        "() => { const p = window.speekoPlayer; p.firstDataAt = performance.now() - 1000;"
        " p.add(new Float32Array(48000).fill(0.1)); }"
    )
    stats = page.evaluate("() => window.speekoPlayer.stats")
    assert stats["stalls"] == 1
    assert page.evaluate("() => window.speekoPlayer.wanted / 24000") == pytest.approx(8, abs=0.01)
    assert stats["position"] == pytest.approx(0.1, abs=0.001)


def _slack(page, *, requested_ms_ago: int, seconds: float) -> float:
    """The wait before the first sample of a live player whose first ``seconds`` of audio came
    ``requested_ms_ago`` after it asked for them."""
    slack, scheduled = page.evaluate(
        _PLAYER_JS
        + f"""player.live = true; player.requestedAt = performance.now() - {requested_ms_ago};
        const now = player.ctx.currentTime;
        player.add(new Float32Array({round(seconds * 24000)}).fill(0.1));
        return [player.startSlack(), player.segments[0].when - now]; }}"""
    )
    # The first buffer starts no sooner than that (later only by the audio clock's own steps).
    assert slack - 0.001 <= scheduled <= slack + 0.05
    return slack


def test_a_worker_ahead_of_real_time_is_heard_at_once_a_slow_one_gets_slack(
    live_server, page, alice, password
):
    """The next chunk is made while the first plays: a second of audio that took 0.3 s to come
    covers it, so it starts at once; audio that took 3 s to come gets 0.2 s of slack."""
    sign_in(page, live_server.url, alice.email, password)
    page.goto(live_server.url + "/synthesis/playground/")
    assert _slack(page, requested_ms_ago=300, seconds=1.0) == pytest.approx(0.04)
    assert _slack(page, requested_ms_ago=3000, seconds=1.0) == pytest.approx(0.2)
    # Half a second of audio that took 0.6 s to come: wait about the 0.1 s it does not cover.
    assert _slack(page, requested_ms_ago=600, seconds=0.5) == pytest.approx(0.1, abs=0.02)
