"""Time to first sound in the playground: `python -m synthesis.bench_first_sound [--runs 3]`.

Starts the real stack (gunicorn web + one synthesis worker, warmed up) like `bench_http`, signs in
with headless Chromium, and for a short text and a two-paragraph text, in every download format
the playground offers, presses Generate and reads the page's player: the time from the press to
the first sample heard (the Web Audio clock passing the first buffer's start), the number of
stalls (the player running out of samples before the end), and the time the job took.

As a baseline measured on the same jobs under the same load, a muted <audio> element is pointed
at the job's encoded stream right after the press (what the playground did before), and the
time until its currentTime moves is printed next to the player's. The element starts a few
tens of milliseconds after the player's own request, which favours the player by that much.

Not a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import sys

from synthesis.loadtest import bench_stack

SHORT = "Hello! This is Speeko, reading a short sentence aloud."
TWO_PARAGRAPHS = (
    "The old harbour town wakes slowly. First the gulls, then the bakers, then the fishermen "
    "who have been out since four, bringing in crates of mackerel and crab. By seven the market "
    "square is loud with voices: prices shouted, greetings exchanged, a dog barking at a cart. "
    "Tourists arrive later, with cameras and questions, and the town answers them patiently.\n\n"
    "In the afternoon the light changes. The stone houses turn gold, the sea turns from grey to "
    "green, and the cafes put their chairs outside. Old men play cards under the plane trees and "
    "argue about the weather, the football, and the price of diesel. Children run along the sea "
    "wall, daring each other to jump into the harbour, and sometimes one of them does, to cheers "
    "and a scolding."
)
FORMATS = ("mp3", "wav", "opus", "flac")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--autoplay-policy=no-user-gesture-required"]  # fmt: skip


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def generate(page, text: str, fmt: str) -> str:
    """Fill the playground form and press Generate, as a person would; the new job's id."""
    before = page.evaluate("() => window.speekoPlayer ? window.speekoPlayer.root.dataset.job : ''")
    page.fill("textarea[name=text]", text)
    page.select_option("#id_format", fmt)
    page.click("#generate")
    page.wait_for_function(
        "before => (window.speekoPlayer && window.speekoPlayer.root.dataset.job !== before)"
        " || document.getElementById('form-errors')",
        arg=before,
        timeout=120_000,
    )
    if page.query_selector("#form-errors"):
        raise RuntimeError(f"Generate was refused: {page.text_content('#form-errors').strip()}")
    return page.evaluate("() => window.speekoPlayer.root.dataset.job")


BASELINE_JS = """jobId => {
  const audio = new Audio(`/synthesis/jobs/${jobId}/stream/`);
  audio.muted = true;
  window.speekoBaseline = { firstAt: null };
  audio.addEventListener("timeupdate", () => {
    if (audio.currentTime > 0 && window.speekoBaseline.firstAt === null) {
      window.speekoBaseline.firstAt = performance.now();
    }
  });
  audio.play().catch(() => {});
  window.speekoBaselineAudio = audio;
}"""


def first_sound(page, *, timeout_ms: int = 300_000) -> dict:
    """Wait until the current player is heard; its figures at that moment."""
    page.wait_for_function(
        "() => window.speekoPlayer && window.speekoPlayer.stats.firstSoundAt !== null",
        timeout=timeout_ms,
    )
    return page.evaluate("() => window.speekoPlayer.stats")


def listen(page, *, timeout_ms: int = 300_000) -> dict:
    """Wait until the job's audio has all arrived and been played; the player's figures."""
    first_sound(page, timeout_ms=timeout_ms)
    page.wait_for_selector("#player #download", timeout=timeout_ms)
    page.wait_for_function(
        "() => { const s = window.speekoPlayer.stats; return s.complete"
        " && s.position >= s.received - 0.05; }",
        timeout=timeout_ms,
    )
    return page.evaluate("() => window.speekoPlayer.stats")


def _job_seconds() -> tuple[float, float]:
    from synthesis.models import Job

    job = Job.objects.latest("created_at")
    return (job.finished_at - job.created_at).total_seconds(), job.duration_seconds


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="presses per text and format")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 10:
        parser.error("--runs must be between 1 and 10")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Stopped from outside: still stop the stack it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with bench_stack(workers=1) as bench, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        base = f"http://127.0.0.1:{bench.port}"
        sign_in(page, base, bench.user.email, bench.password)
        page.goto(base + "/synthesis/playground/")
        generate(page, SHORT, "mp3")  # warms the worker and the page's audio
        listen(page)
        print(
            "Stack: gunicorn gthread + 1 warm synthesis worker; headless Chromium; "
            f"{args.runs} presses per text and format, one at a time",
            flush=True,
        )
        for label, text in (("short", SHORT), ("2 paragraphs", TWO_PARAGRAPHS)):
            for fmt in FORMATS:
                _report(page, label, text, fmt, args.runs)
        browser.close()
    return 0


def _report(page, label: str, text: str, fmt: str, runs: int) -> None:
    firsts, stalls, jobs, audio, baseline = [], [], [], [], []
    for _ in range(runs):
        job_id = generate(page, text, fmt)
        page.evaluate(BASELINE_JS, job_id)
        stats = listen(page)
        page.wait_for_function("() => window.speekoBaseline.firstAt !== null", timeout=300_000)
        baseline.append(
            (page.evaluate("() => window.speekoBaseline.firstAt") - stats["pressedAt"]) / 1000
        )
        page.evaluate("() => window.speekoBaselineAudio.pause()")
        firsts.append((stats["firstSoundAt"] - stats["pressedAt"]) / 1000)
        stalls.append(stats["stalls"])
        took, seconds = _job_seconds()
        jobs.append(took)
        audio.append(seconds)
    print(
        f"{label:<13} {len(text):>4} chars {fmt:<5} | press to first sound median "
        f"{statistics.median(firsts):.2f} s (min {min(firsts):.2f}, max {max(firsts):.2f}); "
        f"<audio> on the same jobs {statistics.median(baseline):.2f} s | "
        f"stalls {sum(stalls)} in {runs} plays | job {statistics.median(jobs):.1f} s for "
        f"{statistics.median(audio):.1f} s of audio",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
