"""Time to first sound in the playground: `python -m benchmarks.bench_first_sound [--runs 3]`.

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

from benchmarks.loadtest import one_worker_stack
from tests.support.playground import (
    BASELINE_JS,
    FORMATS,
    SHORT,
    TWO_PARAGRAPHS,
    generate,
    listen,
    sign_in,
)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--autoplay-policy=no-user-gesture-required"]  # fmt: skip


def _job_seconds() -> tuple[float, float]:
    from synthesis.models import Job

    job = Job.objects.latest("created_at")
    return (job.finished_at - job.created_at).total_seconds(), job.duration_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="presses per text and format")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 10:
        parser.error("--runs must be between 1 and 10")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Stopped from outside: still stop the stack it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with one_worker_stack() as bench:
        _run(f"http://127.0.0.1:{bench.port}", bench.user.email, bench.password, args.runs)
    return 0


def _run(base: str, email: str, password: str, runs: int) -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        sign_in(page, base, email, password)
        page.goto(base + "/synthesis/playground/")
        generate(page, SHORT, "mp3")  # warms the worker and the page's audio
        listen(page)
        print(
            "Stack: gunicorn gthread + 1 warm synthesis worker; headless Chromium; "
            f"{runs} presses per text and format, one at a time",
            flush=True,
        )
        for label, text in (("short", SHORT), ("2 paragraphs", TWO_PARAGRAPHS)):
            for fmt in FORMATS:
                _report(page, label, text, fmt, runs)
        browser.close()


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
