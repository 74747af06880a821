"""From reference recordings to a Kokoro style array: the instant and professional tiers.

- instant (``instant.py``): a fixed list of candidates built from the stock voices and the
  learned models, each rendered and scored; the best is kept.
- professional (``professional.py``): the instant search, then a walk away from its winner in
  the space the stock voices span, helped by the surrogate model refitted on the walk's renders.

What is scored and how lives in ``scoring.py``; every tuning constant in ``config.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .analysis import INSTANT_MIN_SECONDS, PROFESSIONAL_MIN_SECONDS, load_reference, snr_db
from .audio import Sample
from .bank import StockBank, load_bank
from .config import CONFIG, METHOD_VERSION, OPTIMISED_ENCODER, CloneConfig, Tier
from .encoders import ENCODER_VERSIONS
from .errors import NotEnoughSpeech, raise_if_cancelled
from .features import SAMPLE_RATE
from .instant import baseline, instant_search
from .professional import time_limit, walk
from .render import Renderer, get_renderer
from .scoring import Candidate, Scorer, recording_tone, reference_target
from .texts import BANK_TEXTS

Progress = Callable[[float, float], None]


@dataclass
class CloneResult:
    style: np.ndarray  # float32 [510, 1, 256]
    tier: Tier
    identity_score: float  # CAM++ cosine, clone speech vs reference, on the scoring texts
    identity_scores: dict[str, float]  # per encoder (Resemblyzer is the honest judge)
    baseline_voice: str  # nearest stock voice
    baseline_score: float
    encoder_versions: dict[str, str]
    method_version: str
    reference: dict[str, float]
    recipe: dict[str, dict[str, float]]  # main stock-voice weights of each half
    seed: int
    seconds: float  # wall clock
    cpu_seconds: float  # this process's CPU time, all threads: 2 cores busy -> 2x wall
    evaluations: int = 0
    history: list[float] = field(default_factory=list)
    # The recording's tone, [Hz, dB] pairs the engine applies to the clone's speech
    tone: list[list[float]] = field(default_factory=list)


def _recipe(bank: StockBank, w: np.ndarray, top: int = 6) -> dict[str, float]:
    order = np.argsort(np.abs(w))[::-1][:top]
    return {bank.names[i]: round(float(w[i]), 4) for i in order if abs(w[i]) > 1e-4}


def _recipes(bank: StockBank, cand: Candidate) -> dict[str, dict[str, float]]:
    recipe = {"timbre": _recipe(bank, cand.timbre), "prosody": _recipe(bank, cand.prosody)}
    if cand.offset is not None:
        k = len(cand.offset) // 2
        recipe["walk"] = {
            "timbre_distance": round(float(np.linalg.norm(cand.offset[:k])), 3),
            "prosody_distance": round(float(np.linalg.norm(cand.offset[k:])), 3),
        }
    return recipe


def _as_list(samples: Sequence[Sample] | Sample) -> list[Sample]:
    if isinstance(samples, (str, bytes, tuple)) or hasattr(samples, "__fspath__"):
        return [samples]
    return list(samples)


def clone(
    samples: Sequence[Sample],
    tier: Tier = "instant",
    *,
    progress: Progress | None = None,
    seed: int = 0,
    should_cancel: Callable[[], bool] | None = None,
    budget_seconds: float | None = None,
    renderer: Renderer | None = None,
    hard_limit_seconds: float | None = None,
    minimum_seconds: float | None = None,
    config: CloneConfig = CONFIG,
) -> CloneResult:
    """Clone the voice in ``samples`` (paths, encoded bytes or ``(array, sr)``).

    ``progress(percent, score)`` is called as the search advances; ``should_cancel()`` is polled
    between renders and makes the call raise ``CloningCancelled``. The result depends only on
    the samples, the tier, the seed and ``budget_seconds``, never on the machine's speed: the
    instant tier scores a fixed list of candidates and the walk's steps are planned from the
    budget with fixed cost estimates. Wall-clock limits are safety nets only: an instant clone
    that cannot finish within ``config.instant_time_limit`` raises ``CloningTimedOut``, and
    ``hard_limit_seconds`` (by default ``config.professional_time_limit`` for the shipped
    professional plan) stops the walk early. ``minimum_seconds`` overrides the tier's minimum
    of speech (the benchmark uses it: few public speakers have a minute to hold out from).
    """
    if tier not in ("instant", "professional"):
        raise ValueError(f"unknown tier {tier!r}")
    started, cpu_started = time.monotonic(), time.process_time()
    ref = load_reference(_as_list(samples))
    minimum = INSTANT_MIN_SECONDS if tier == "instant" else PROFESSIONAL_MIN_SECONDS
    if minimum_seconds is not None:
        minimum = minimum_seconds
    if ref.speech_seconds < minimum:
        raise NotEnoughSpeech(
            f"{ref.speech_seconds:.0f} s of speech found; the {tier} tier needs at least "
            f"{minimum:.0f} s"
        )
    speech16 = ref.speech16[: int(config.max_reference_seconds * SAMPLE_RATE)]
    target = reference_target(speech16, ref.f0())
    renderer = renderer or get_renderer()
    bank = load_bank(renderer)
    scorer = Scorer(renderer, bank, target, config)
    raise_if_cancelled(should_cancel)

    best = instant_search(
        scorer,
        baseline(bank, target, config),
        tier=tier,
        config=config,
        deadline=started + config.instant_time_limit if tier == "instant" else None,
        should_cancel=should_cancel,
        progress=progress,
    )
    history = [best.score]
    if tier == "professional":
        best, history = walk(
            scorer,
            best,
            seed=seed,
            budget=budget_seconds or config.professional_budget,
            started=started,
            hard_limit=time_limit(tier, budget_seconds, hard_limit_seconds, config),
            should_cancel=should_cancel,
            progress=progress,
            config=config,
        )

    final = scorer.final_scores(best)
    tone = recording_tone(target, scorer.audio(best, BANK_TEXTS), config.tone_max_db)
    if progress:
        progress(100.0, final[OPTIMISED_ENCODER])
    sims = bank.embeddings[OPTIMISED_ENCODER] @ target.embeddings[OPTIMISED_ENCODER]
    nearest = int(np.argmax(sims))
    return CloneResult(
        style=scorer.style(best),
        tier=tier,
        identity_score=final[OPTIMISED_ENCODER],
        identity_scores=final,
        baseline_voice=bank.names[nearest],
        baseline_score=float(sims[nearest]),
        encoder_versions=dict(ENCODER_VERSIONS),
        method_version=METHOD_VERSION,
        reference={
            "speech_seconds": round(ref.speech_seconds, 2),
            "f0_median_hz": round(target.f0, 1),
            "snr_db": round(snr_db(ref), 1),
        },
        recipe=_recipes(bank, best),
        seed=seed,
        seconds=round(time.monotonic() - started, 2),
        cpu_seconds=round(time.process_time() - cpu_started, 2),
        evaluations=scorer.evaluations,
        history=history,
        tone=tone,
    )
