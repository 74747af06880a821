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


def _job(job_id: str):
    from synthesis.models import Job

    return Job.objects.get(public_id=job_id)


def _steps(stats: dict, job) -> str:
    """Where one press's time went, in seconds from the press: the server's clock and the
    browser's are the same machine's, so their timestamps compare directly."""

    def at(ms: float | None) -> str:
        return "-" if ms is None else f"{(ms - stats['pressedAt']) / 1000:.2f}"

    def server(moment) -> str:
        if moment is None:
            return "-"
        return at(moment.timestamp() * 1000 - stats["timeOrigin"])

    return (
        f"job row {server(job.created_at)}, listen request {at(stats['requestedAt'])}, "
        f"worker claim {server(job.started_at)}, first chunk relayed {server(job.first_audio_at)}, "
        f"first bytes in browser {at(stats['firstDataAt'])}, heard {at(stats['firstSoundAt'])}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="presses per text and format")
    parser.add_argument("--steps", action="store_true",
                        help="also print where each press's time went")  # fmt: skip
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 10:
        parser.error("--runs must be between 1 and 10")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # Stopped from outside: still stop the stack it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with one_worker_stack() as bench:
        _run(f"http://127.0.0.1:{bench.port}", bench.user.email, bench.password, args.runs,
             steps=args.steps)  # fmt: skip
    return 0


def _run(base: str, email: str, password: str, runs: int, *, steps: bool = False) -> None:
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
                _report(page, label, text, fmt, runs, steps=steps)
        browser.close()


def _report(page, label: str, text: str, fmt: str, runs: int, *, steps: bool) -> None:
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
        job = _job(job_id)
        jobs.append((job.finished_at - job.created_at).total_seconds())
        audio.append(job.duration_seconds)
        if steps:
            print(f"    {label} {fmt}: {_steps(stats, job)}", flush=True)
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
