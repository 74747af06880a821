"""Driving the playground like a listener: the browser test and the time-to-first-sound
benchmark press Generate and read the page's player through these."""

from __future__ import annotations

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
    # Mid-window, as a reader would have it: scrolled to an edge, the sticky header or the
    # player bar can sit over the button.
    page.eval_on_selector("#generate", "button => button.scrollIntoView({block: 'center'})")
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
