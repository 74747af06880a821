"""Speed of the HTTP path: `python -m benchmarks.bench_http [--runs 3]`.

Starts the real stack from the Procfile (gunicorn web + one synthesis worker, warmed up with a
first request) on the same services as the load test (a scratch database and broker prefix when
DATABASE_URL / REDIS_URL are set, else the embedded default in a scratch folder), then for a
short and a ~2,000-character text measures, through the path the playground page uses (submit
the form, then read the PCM stream the page's player plays) and through
`POST /v1/tts`:
- time from submit to the first audio byte received (goal: under 1.0 s on 2 cores);
- total time against the duration of the audio (below 1.0 is faster than real time).

Loopback traffic only; a fixed number of requests. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import time
from urllib.parse import urlencode

from benchmarks.loadtest import Result, one_worker_stack, tts_request, warm_up

SHORT = "Hello! This is Speeko, reading a short sentence aloud."
LONG = (
    "The old harbour town wakes slowly. First the gulls, then the bakers, then the fishermen "
    "who have been out since four, bringing in crates of mackerel and crab. By seven the market "
    "square is loud with voices: prices shouted, greetings exchanged, a dog barking at a cart. "
    "Tourists arrive later, with cameras and questions, and the town answers them patiently, "
    "because it has answered the same questions for a hundred years. Where is the lighthouse? "
    "Up the hill, past the church. Is the water cold? Always. Can we take a boat to the island? "
    "Only when the tide allows, and only with Tom, who knows the rocks. In the afternoon the "
    "light changes. The stone houses turn gold, the sea turns from grey to green, and the cafes "
    "put their chairs outside. Old men play cards under the plane trees and argue about the "
    "weather, the football, and the price of diesel. Children run along the sea wall, daring "
    "each other to jump into the harbour, and sometimes one of them does, to cheers and a "
    "scolding. Evening comes with the smell of grilled fish and woodsmoke. The boats rock at "
    "their moorings, the lighthouse begins its slow turn, and the last bus leaves for the city, "
    "half empty. Those who stay walk along the beach, where the sand is still warm, and watch "
    "the stars come out one by one over the dark water. Later still, the town sleeps, and only "
    "the sea keeps talking, as it always has, to anyone who cares to listen through the night. "
    "In the morning it begins again. The baker lights his oven before dawn, the harbour master "
    "checks the tide tables, and the first boat slips out past the breakwater with its lights "
    "still on. Nobody in the town would call it an exciting life, and nobody who lives there "
    "would trade it for another. They have the sea, the weather, the market, and each other, and "
    "on most days that is more than enough for anyone, they say, as the gulls begin to call. "
    "And when the storms come in November, they close the shutters and wait."
)


def _session(port: int, email: str, password: str) -> tuple[str, str]:
    """Log in like a browser; returns (session cookie, CSRF token)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/accounts/login/", headers={"Host": "localhost"})
    page = conn.getresponse()
    csrf_cookie = _cookie(page, "csrftoken")
    html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token})
    conn.request("POST", "/accounts/login/", body=body, headers={
        "Host": "localhost", "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf_cookie}", "Referer": "http://localhost/accounts/login/",
    })  # fmt: skip
    answer = conn.getresponse()
    answer.read()
    session = _cookie(answer, "sessionid")
    conn.close()
    if not session:
        raise RuntimeError(f"login failed ({answer.status})")
    return f"csrftoken={csrf_cookie}; sessionid={session}", csrf_cookie


def _cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return ""


def page_request(port: int, cookies: tuple[str, str], text: str) -> Result:
    """Submit the playground form as htmx does, then read the PCM stream the page's player plays."""
    cookie, csrf = cookies
    result, started = Result(), time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    body = urlencode({"text": text, "voice": "af_heart", "speed": "1.0", "format": "mp3",
                      "language": ""})  # fmt: skip
    conn.request("POST", "/synthesis/playground/", body=body, headers={
        "Host": "localhost", "Cookie": cookie, "X-CSRFToken": csrf, "HX-Request": "true",
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": "http://localhost/synthesis/playground/",
    })  # fmt: skip
    answer = conn.getresponse()
    html = answer.read().decode()
    found = re.search(r"/synthesis/jobs/([0-9a-f-]{36})/listen/", html)
    if answer.status != 200 or not found:
        result.status, result.error = answer.status, "no stream URL in the page"
        return result
    result.job_id = found.group(1)
    conn.request("GET", found.group(0), headers={"Host": "localhost", "Cookie": cookie})
    stream = conn.getresponse()
    result.status = stream.status
    while chunk := stream.read1(65536):
        if result.ttfb is None:
            result.ttfb = time.monotonic() - started
        result.audio_bytes += len(chunk)
    conn.close()
    result.seconds = time.monotonic() - started
    return result


def _duration(job_id: str) -> float:
    from synthesis.models import Job

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = Job.objects.filter(public_id=job_id).first()
        if job and job.is_terminal:
            return job.duration_seconds
        time.sleep(0.2)
    return float("nan")


def _stages(results: list[Result]) -> str:
    """Where the first byte's time went: the queue, the engine's first chunk, or the relay."""
    from synthesis.models import Job

    queue, engine = [], []
    for job in Job.objects.filter(public_id__in=[r.job_id for r in results if r.job_id]):
        if job.started_at and job.first_audio_at:
            queue.append((job.started_at - job.created_at).total_seconds())
            engine.append((job.first_audio_at - job.started_at).total_seconds())
    if not queue:
        return ""
    return (
        f" | queue {statistics.median(queue):.2f} s, first chunk encoded "
        f"{statistics.median(engine):.2f} s after start"
    )


def _row(path: str, label: str, chars: int, results: list[Result]) -> str:
    ttfb = [r.ttfb for r in results if r.ttfb is not None]
    ratio = [r.seconds / d for r in results if (d := _duration(r.job_id)) and d == d and d > 0]
    audio = statistics.median([_duration(r.job_id) for r in results])
    bad = sum(1 for r in results if r.status != 200 or r.error)
    return (
        f"{path:<10} {label:<6} {chars:>5} chars | first audio byte median "
        f"{statistics.median(ttfb):.2f} s (min {min(ttfb):.2f}, max {max(ttfb):.2f}) | "
        f"total {statistics.median([r.seconds for r in results]):.1f} s for {audio:.1f} s "
        f"of audio = {statistics.median(ratio):.2f} x audio duration | errors {bad}"
        + _stages(results)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="requests per text and path")
    args = parser.parse_args(argv)
    if not 1 <= args.runs <= 20:
        parser.error("--runs must be between 1 and 20")
    with one_worker_stack() as bench:
        port, key = bench.port, bench.key
        cookies = _session(port, bench.user.email, bench.password)
        warm_up(port, key, 1)
        print(f"Stack: gunicorn gthread + 1 warm synthesis worker; text of {len(LONG)} "
              f"characters; {args.runs} runs each, one at a time", flush=True)  # fmt: skip
        for label, text in (("short", SHORT), ("long", LONG)):
            page = [page_request(port, cookies, text) for _ in range(args.runs)]
            print(_row("page", label, len(text), page), flush=True)
            api = [tts_request(port, key, text) for _ in range(args.runs)]
            print(_row("/v1/tts", label, len(text), api), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
