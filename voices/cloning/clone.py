"""From reference recordings to a Kokoro style array: the instant and professional tiers.

A candidate voice is a pair of weight vectors over the stock voices, one for the timbre half of
the style and one for the prosody half, so every one of the 510 rows stays a mix of real rows.

- instant: compare the reference embedding with the cached stock-voice embeddings, build a few
  candidates (similarity-weighted blends of same-gender voices, a pitch-matched prosody half),
  add the points the surrogate model (kernel regression from walk coordinates to the CAM++
  embedding of the speech, fitted on 2,500 renders of random points) expects to sound most like
  the reference near the speaker's pitch, render each on two texts, then take one step from the
  best of them through the step map (a linear map from walk coordinates to embedding change)
  and keep whichever the encoder finds closest.
- professional: start from the instant voice and walk away from it in the space the stock voices
  span (their principal components, so every row keeps the shape of real rows, extrapolation
  allowed), estimating the uphill direction from antithetic pairs of renders (render, embed,
  compare, step). Each step is scored on a different sentence, so no sentence is overfitted, and
  the objective adds a long-term-spectrum match to the CAM++ similarity: an encoder-free term
  that keeps the search honest towards the other encoder and a listener. Every ten steps the
  surrogate model, refitted with everything the walk has rendered, proposes two points; the
  walk jumps to one that beats the best voice so far on the bank texts. At the end the
  refitted model proposes two more finalists.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from .analysis import INSTANT_MIN_SECONDS, PROFESSIONAL_MIN_SECONDS, load_reference, snr_db
from .audio import Sample, median_pitch
from .bank import BANK_VERSION, StockBank, load_bank
from .encoders import ENCODER_NAMES, ENCODER_VERSIONS, embed16, normalise
from .errors import CloningCancelled, NotEnoughSpeech
from .features import SAMPLE_RATE, mel_power_spectrogram
from .render import PROSODY, STYLE_SHAPE, TIMBRE, Renderer, blend, get_renderer
from .stepmap import load_step_map, map_key, solve_step
from .surrogate import Surrogate, load_surrogate, propose, surrogate_key
from .texts import BANK_TEXTS, SCORING_TEXTS

Tier = Literal["instant", "professional"]
METHOD_VERSION = "gated-stock-blend+surrogate+f0-prosody+step-map+pc-walk-ltas-avg+refit-rounds/7"
OPTIMISED_ENCODER = "campplus"  # Resemblyzer is kept as the independent judge
INSTANT_BUDGET_SECONDS = 18.0
# Planned with fixed per-render estimates (48 walk steps and 4 rounds of proposals). Measured
# wall time ran from 436 s to 535 s per speaker on an idle 2-core machine: the walk moves the
# prosody half and slower speech costs more to render; the time limit below is the safety net.
PROFESSIONAL_BUDGET_SECONDS = 460.0
# Wall clock by which a shipped professional clone ends, final comparison included, so it stays
# within 10 minutes on a slower or busier machine (the rest covers the final scores and any
# error in the walk's estimate of its own pace).
PROFESSIONAL_TIME_LIMIT_SECONDS = 580.0
# Planning estimate per rendered sentence, embedding included; it keeps the step count
# deterministic, and the time limit only falls back on it until a step has been timed.
_SECONDS_PER_RENDER = 1.4
_MAX_REFERENCE_SECONDS = 300.0
_INSTANT_CANDIDATES = 3
# Points proposed by the surrogate model: the instant tier tries them right after the first
# blend (they beat the other blends on our recordings), the professional tier tries more and
# walks from the best.
_SURROGATE_CANDIDATES = {"instant": 2, "professional": 4}
_WALK_PROPOSALS = 2  # proposals of the refitted model among the walk's finalists
# Every this many walk steps the surrogate, refitted with everything rendered so far, proposes
# this many points; each is scored on the bank texts and the walk jumps to one that beats the
# best voice so far. Noisy probes estimate a slope; the refitted model remembers them all.
_ROUND_EVERY = 10
_ROUND_PROPOSALS = 2
# The walk: principal components per half, antithetic pairs per step, probe and step sizes in
# units of the stock voices' spread along each component. Tuned on the shared recordings.
_WALK_COMPONENTS = 16
_WALK_PAIRS = 3
_WALK_SIGMA = 0.4
_WALK_STEP = 0.4
# Further than this many stock-voice spreads from the start the voice stops sounding natural.
_WALK_MAX_COORD = 3.0
# The mapped step after the closed-form candidates (both tiers): damping relative to the map's
# mean gain (larger = shorter, safer steps), and the longest step in stock-voice spreads.
_MAP_DAMPING = 0.5
_MAP_MAX_STEP = 2.0
# Similarity units per dB of long-term-spectrum distance: 1 dB closer is worth 0.1 of CAM++
# cosine. Renders sit 4-5 dB from real recordings, so the term is as strong as the encoder's;
# on the shared recordings this weight moved the independent judge up along with CAM++.
_LTAS_WEIGHT = 0.1

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


@dataclass(frozen=True)
class _Target:
    embeddings: dict[str, np.ndarray]
    f0: float
    ltas: np.ndarray  # level-free long-term mel spectrum of the speech, dB


def long_term_spectrum(audio16: np.ndarray) -> np.ndarray:
    """Mean mel spectrum (dB, mean removed) of the louder 70 % of frames.

    The level is removed so loudness differences between a recording and a render don't count;
    what remains is the spectral envelope a listener hears as brightness or darkness of a voice.
    """
    mel = mel_power_spectrogram(audio16)
    energy = mel.sum(axis=1)
    keep = energy > np.percentile(energy, 30)
    spectrum = 10 * np.log10(mel[keep].mean(axis=0) + 1e-10)
    return (spectrum - spectrum.mean()).astype(np.float32)


@dataclass
class _Candidate:
    timbre: np.ndarray
    prosody: np.ndarray
    score: float = -1.0
    offset: np.ndarray | None = None  # walk coordinates from the blend, in _Basis units


_BASES: dict[str, _Basis] = {}  # renderer identity (hash of the stock voices) -> basis


def walk_basis(renderer: Renderer, bank: StockBank) -> _Basis:
    """The walk's basis for the renderer's stock voices.

    Two SVDs of the stock voices (seconds on a slow CPU): once per set of voices, not once per
    clone, or the instant tier pays for them inside its 20 s.
    """
    key = renderer.identity()
    if key not in _BASES:
        _BASES.clear()
        _BASES[key] = _Basis.of(bank.styles, _WALK_COMPONENTS)
    return _BASES[key]


def models_key(renderer: Renderer) -> str:
    """What the shipped step map and surrogate must have been fitted for (with a basis size)."""
    return f"{BANK_VERSION}-{renderer.identity()}"


def _render_key(cand: _Candidate, texts: Sequence[str]) -> bytes:
    offset = b"" if cand.offset is None else cand.offset.tobytes()
    return cand.timbre.tobytes() + cand.prosody.tobytes() + offset + "|".join(texts).encode()


class _Scorer:
    """Renders candidates and scores them against the reference; counts and times the work."""

    def __init__(self, renderer: Renderer, bank: StockBank, target: _Target) -> None:
        self.renderer, self.bank, self.target = renderer, bank, target
        self.evaluations = 0
        self._cache: dict[bytes, np.ndarray] = {}
        self._embeddings: dict[tuple[bytes, str], np.ndarray] = {}
        self._basis: _Basis | None = None
        # Coordinates, CAM++ embeddings and pitch of every moved candidate scored by the
        # objective: the surrogate model is refitted with them during and after the walk.
        self.observed: list[tuple[np.ndarray, np.ndarray, float]] = []

    @property
    def basis(self) -> _Basis:
        if self._basis is None:
            self._basis = walk_basis(self.renderer, self.bank)
        return self._basis

    def surrogate(self) -> Surrogate | None:
        """The shipped coordinates-to-embedding model, if it was fitted for these voices."""
        key = surrogate_key(models_key(self.renderer), self.basis.size)
        return load_surrogate(key)

    def step_map(self) -> np.ndarray | None:
        """The shipped coordinates-to-embedding map, if it was fitted for these voices."""
        key = map_key(models_key(self.renderer), self.basis.size)
        return load_step_map(key)

    def embedding(
        self, cand: _Candidate, texts: Sequence[str], encoder: str = OPTIMISED_ENCODER
    ) -> np.ndarray:
        """The unit embedding of the candidate's speech, kept as long as the speech is cached:
        scoring, the mapped step and the final scores all ask for the same one."""
        key = (_render_key(cand, texts), encoder)
        if key not in self._embeddings:
            self._embeddings[key] = normalise(embed16(self.audio(cand, texts), encoder))
        return self._embeddings[key]

    def style(self, cand: _Candidate) -> np.ndarray:
        mix = blend(self.bank.styles, cand.timbre, cand.prosody)
        return mix if cand.offset is None else self.basis.apply(mix, cand.offset)

    def audio(self, cand: _Candidate, texts: Sequence[str]) -> np.ndarray:
        key = _render_key(cand, texts)
        if key not in self._cache:
            self.evaluations += 1
            style = self.style(cand)
            # Only the latest few renders are kept: the final scoring re-uses the winner's.
            if len(self._cache) > 8:
                dropped = next(iter(self._cache))
                self._cache.pop(dropped)
                for encoder in ENCODER_NAMES:
                    self._embeddings.pop((dropped, encoder), None)
            self._cache[key] = np.concatenate([self.renderer.render(t, style) for t in texts])
        return self._cache[key]

    def score(self, cand: _Candidate, texts: Sequence[str], encoder: str = OPTIMISED_ENCODER):
        return float(self.embedding(cand, texts, encoder) @ self.target.embeddings[encoder])

    def objective(self, cand: _Candidate, texts: Sequence[str]) -> tuple[float, float]:
        """What the walk climbs, and the CAM++ similarity alone (reported as progress)."""
        audio = self.audio(cand, texts)
        similarity = self.score(cand, texts)
        if cand.offset is not None:
            coords = self.basis.coordinates(cand.timbre, cand.prosody) + cand.offset
            # Measured pitch (20 ms): the refitted model's pitch band is then exact here.
            self.observed.append((coords, self.embedding(cand, texts), median_pitch(audio)))
        distance = float(np.sqrt(np.mean((long_term_spectrum(audio) - self.target.ltas) ** 2)))
        return similarity - _LTAS_WEIGHT * distance, similarity


def _reference_target(speech16: np.ndarray, f0: np.ndarray) -> _Target:
    # Long references are embedded in pieces and averaged: cost stays bounded, and the mean
    # of several pieces is a steadier picture of the voice than one long pass.
    piece = 20 * SAMPLE_RATE
    n = max(1, -(-len(speech16) // piece))
    starts = np.linspace(0, max(0, len(speech16) - piece), min(n, 6)).astype(int)
    chunks = [speech16[s : s + piece] for s in starts]
    embeddings = {
        name: normalise(np.mean([normalise(embed16(c, name)) for c in chunks], axis=0))
        for name in ENCODER_NAMES
    }
    f0_median = float(np.median(f0)) if f0.size else 0.0
    return _Target(embeddings, f0_median, long_term_spectrum(speech16))


def _one_hot(n: int, i: int) -> np.ndarray:
    w = np.zeros(n)
    w[i] = 1.0
    return w


def _softmax_blend(sims: np.ndarray, k: int = 5, temperature: float = 0.02) -> np.ndarray:
    top = np.argsort(sims)[::-1][:k]
    w = np.zeros_like(sims)
    w[top] = np.exp((sims[top] - sims[top[0]]) / temperature)
    return w / w.sum()


def _pitch_matched(bank: StockBank, sims: np.ndarray, f0: float, pool: int = 10) -> np.ndarray:
    """Prosody weights favouring similar voices whose rendered pitch is close to the speaker's."""
    if f0 <= 0:
        return _softmax_blend(sims)
    top = np.argsort(sims)[::-1][:pool]
    distance = np.log(np.maximum(bank.f0[top], 50.0) / f0)
    w = np.zeros_like(sims)
    w[top] = np.exp(-0.5 * (distance / 0.08) ** 2) * np.exp((sims[top] - sims[top[0]]) / 0.05)
    return w / w.sum() if w.sum() > 0 else _softmax_blend(sims)


def _gender_mask(bank: StockBank, f0: float) -> np.ndarray:
    """Stock voices of the speaker's likely gender; all voices when the pitch is ambiguous.

    Blending across genders gives a hoarse, unnatural voice even when an encoder likes it.
    """
    genders = np.array(bank.genders)
    if 0 < f0 < 150:
        mask = genders == "male"
    elif f0 > 175:
        mask = genders == "female"
    else:
        mask = np.ones(len(genders), bool)
    return mask if mask.sum() >= 3 else np.ones(len(genders), bool)


def _gated_similarities(bank: StockBank, target: _Target) -> np.ndarray:
    sims = bank.embeddings[OPTIMISED_ENCODER] @ target.embeddings[OPTIMISED_ENCODER]
    return np.where(_gender_mask(bank, target.f0), sims, -1.0)


def _instant_candidates(bank: StockBank, target: _Target) -> list[_Candidate]:
    """Closed-form candidates, most promising first (a tight budget only scores the first).

    On our recordings the similarity-weighted blend beat both an embedding-space NNLS fit
    (dropped) and a pitch-matched prosody half (kept last, scored when time allows).
    """
    sims = _gated_similarities(bank, target)
    soft = _softmax_blend(sims)
    sharp = _softmax_blend(sims, k=3, temperature=0.01)
    pitch = _pitch_matched(bank, sims, target.f0)
    return [_Candidate(soft, soft), _Candidate(sharp, sharp), _Candidate(soft, pitch)]


@dataclass(frozen=True)
class _Basis:
    """Principal directions of the stock voices, per half, scaled to one spread per unit."""

    timbre: np.ndarray  # [k, 510 * 128]
    prosody: np.ndarray
    stock: np.ndarray  # [n, size] coordinates of each stock voice (its part in the span)

    @classmethod
    def of(cls, styles: np.ndarray, k: int) -> _Basis:
        flat = styles[:, :, 0, :].astype(np.float64)
        centred = flat - flat.mean(axis=0)

        def half(part: slice) -> np.ndarray:
            x = centred[..., part].reshape(len(flat), -1)
            _, spread, directions = np.linalg.svd(x, full_matrices=False)
            k_half = min(k, len(spread))
            return directions[:k_half] * (spread[:k_half, None] / np.sqrt(len(flat)))

        def project(rows: np.ndarray, part: slice) -> np.ndarray:
            x = centred[..., part].reshape(len(flat), -1)
            return x @ rows.T / np.sum(rows**2, axis=1)

        timbre, prosody = half(TIMBRE), half(PROSODY)
        return cls(timbre, prosody, np.hstack([project(timbre, TIMBRE), project(prosody, PROSODY)]))

    @property
    def size(self) -> int:
        return len(self.timbre) + len(self.prosody)

    def coordinates(self, timbre_w: np.ndarray, prosody_w: np.ndarray) -> np.ndarray:
        """Where a blend lies in the span (what is outside the span is not represented).

        Weights [n] give one point; weights [m, n] give m points.
        """
        k = len(self.timbre)
        return np.concatenate(
            [timbre_w @ self.stock[:, :k], prosody_w @ self.stock[:, k:]], axis=-1
        )

    def apply(self, start: np.ndarray, x: np.ndarray) -> np.ndarray:
        out = start.astype(np.float64).reshape(STYLE_SHAPE[0], STYLE_SHAPE[2]).copy()
        k = len(self.timbre)
        out[:, TIMBRE] += (x[:k] @ self.timbre).reshape(STYLE_SHAPE[0], -1)
        out[:, PROSODY] += (x[k:] @ self.prosody).reshape(STYLE_SHAPE[0], -1)
        return out.reshape(STYLE_SHAPE).astype(np.float32)


def _recipe(bank: StockBank, w: np.ndarray, top: int = 6) -> dict[str, float]:
    order = np.argsort(np.abs(w))[::-1][:top]
    return {bank.names[i]: round(float(w[i]), 4) for i in order if abs(w[i]) > 1e-4}


def _recipes(bank: StockBank, cand: _Candidate) -> dict[str, dict[str, float]]:
    recipe = {"timbre": _recipe(bank, cand.timbre), "prosody": _recipe(bank, cand.prosody)}
    if cand.offset is not None:
        k = len(cand.offset) // 2
        recipe["walk"] = {
            "timbre_distance": round(float(np.linalg.norm(cand.offset[:k])), 3),
            "prosody_distance": round(float(np.linalg.norm(cand.offset[k:])), 3),
        }
    return recipe


def _check_cancel(should_cancel: Callable[[], bool] | None) -> None:
    if should_cancel is not None and should_cancel():
        raise CloningCancelled("cloning was cancelled")


def clone(
    samples: Sequence[Sample],
    tier: Tier = "instant",
    progress: Progress | None = None,
    seed: int = 0,
    should_cancel: Callable[[], bool] | None = None,
    budget_seconds: float | None = None,
    renderer: Renderer | None = None,
    hard_limit_seconds: float | None = None,
    minimum_seconds: float | None = None,
) -> CloneResult:
    """Clone the voice in ``samples`` (paths, encoded bytes or ``(array, sr)``).

    ``progress(percent, score)`` is called as the search advances; ``should_cancel()`` is polled
    between steps and makes the call raise ``CloningCancelled``. For a given seed and budget the
    result is deterministic: the number of search steps is planned from ``budget_seconds`` with
    fixed cost estimates, never timed, so a busy machine takes longer but finds the same voice.
    ``hard_limit_seconds`` stops the walk early by wall clock (losing that): it takes no step
    that, at the pace measured so far, would leave the final comparison ending after the limit.
    The shipped professional plan gets ``PROFESSIONAL_TIME_LIMIT_SECONDS``, which an idle
    2-core machine does not reach.
    ``minimum_seconds`` overrides the tier's minimum of speech (the benchmark uses it, because
    few public speakers have a minute of speech to hold out from).
    """
    if tier not in ("instant", "professional"):
        raise ValueError(f"unknown tier {tier!r}")
    started, cpu_started = time.monotonic(), time.process_time()
    hard_limit_seconds = _time_limit(tier, budget_seconds, hard_limit_seconds)
    if isinstance(samples, (str, bytes, tuple)) or hasattr(samples, "__fspath__"):
        samples = [samples]
    ref = load_reference(samples)
    minimum = INSTANT_MIN_SECONDS if tier == "instant" else PROFESSIONAL_MIN_SECONDS
    if minimum_seconds is not None:
        minimum = minimum_seconds
    if ref.speech_seconds < minimum:
        raise NotEnoughSpeech(
            f"{ref.speech_seconds:.0f} s of speech found; the {tier} tier needs at least "
            f"{minimum:.0f} s"
        )
    speech16 = ref.speech16[: int(_MAX_REFERENCE_SECONDS * SAMPLE_RATE)]
    target = _reference_target(speech16, ref.f0())
    renderer = renderer or get_renderer()
    bank = load_bank(renderer)
    scorer = _Scorer(renderer, bank, target)
    _check_cancel(should_cancel)

    sims = bank.embeddings[OPTIMISED_ENCODER] @ target.embeddings[OPTIMISED_ENCODER]
    nearest = int(np.argmax(sims))
    # The fallback is the nearest voice of the speaker's gender: CAM++ on synthetic speech
    # sometimes prefers an other-gender voice that the independent judge (and a listener) don't.
    gated = _gated_similarities(bank, target)
    fallback = int(np.argmax(gated))
    baseline = _Candidate(
        _one_hot(len(sims), fallback), _one_hot(len(sims), fallback), gated[fallback]
    )
    budget = budget_seconds or (
        INSTANT_BUDGET_SECONDS if tier == "instant" else PROFESSIONAL_BUDGET_SECONDS
    )
    # Only the instant tier trades candidates for time; the professional tier scores them all
    # so that its result does not depend on how busy the machine is.
    deadline = started + budget if tier == "instant" else None
    best, history = _instant_search(scorer, baseline, should_cancel, progress, tier, deadline)
    if tier == "professional":
        best, history = _walk(
            scorer, best, seed, budget, started, should_cancel, progress, hard_limit_seconds
        )

    style = scorer.style(best)
    final = _final_scores(scorer, best, baseline, tier)
    if progress:
        progress(100.0, final[OPTIMISED_ENCODER])
    return CloneResult(
        style=style,
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
    )


def _instant_search(
    scorer, baseline, should_cancel, progress, tier, deadline
) -> tuple[_Candidate, list]:
    """Score the first closed-form blend, the surrogate model's proposals from it, the other
    blends, then one step from the best through the step map, all on the bank texts, while the
    deadline allows; the baseline's score is cached."""
    best = baseline
    blends = _instant_candidates(scorer.bank, scorer.target)
    planned = len(blends) + _SURROGATE_CANDIDATES[tier] + 1
    per_candidate = 2 * _SECONDS_PER_RENDER * 1.2
    done = 0

    def consider(cand: _Candidate, reserve: float) -> bool:
        nonlocal best, per_candidate, done
        _check_cancel(should_cancel)
        # Keep time for the final scoring render of the winner.
        if deadline and done > 0 and time.monotonic() + reserve * per_candidate > deadline:
            return False
        began = time.monotonic()
        cand.score = scorer.score(cand, BANK_TEXTS)
        # On a machine slower than the estimate, what a candidate really took decides what
        # still fits; otherwise the last candidates run past the deadline.
        per_candidate = max(per_candidate, time.monotonic() - began)
        if cand.score > best.score:
            best = cand
        done += 1
        if progress:
            share = 100.0 if tier == "instant" else 10.0
            progress(share * done / (planned + 1), best.score)
        return True

    consider(blends[0], 2)
    for cand in _surrogate_candidates(scorer, best, _SURROGATE_CANDIDATES[tier]):
        if not consider(cand, 2):
            break
    for cand in blends[1:]:
        if not consider(cand, 2):
            break
    _check_cancel(should_cancel)
    # The winner's renders are cached, so the final scoring needs only the embeddings: one
    # render pair's worth of time is enough for this last candidate. The professional walk
    # starts from it too when it wins.
    if not deadline or time.monotonic() + per_candidate < deadline:
        mapped = _mapped_candidate(scorer, best)
        if mapped is not None:
            consider(mapped, 1)
    return best, [best.score]


def _surrogate_candidates(
    scorer: _Scorer,
    best: _Candidate,
    count: int,
    offsets: Sequence[np.ndarray] = (),
    learn: bool = False,
) -> list[_Candidate]:
    """Points the surrogate model expects to sound like the reference, as walk offsets from
    ``best``'s blend (so the blend's part outside the span is kept). The search starts from
    ``best`` and from ``offsets``; with ``learn`` the model is first refitted with everything
    the scorer has rendered so far."""
    model = scorer.surrogate()
    if model is None or count <= 0:
        return []
    if learn and scorer.observed:
        points, embeddings, pitches = zip(*scorer.observed, strict=True)
        model = model.extended(np.stack(points), np.stack(embeddings), np.asarray(pitches))
    basis = scorer.basis
    anchor = basis.coordinates(best.timbre, best.prosody)
    here = anchor if best.offset is None else anchor + best.offset
    starts = [here] + [anchor + o for o in offsets]
    target = scorer.target.embeddings[OPTIMISED_ENCODER]
    found = propose(model, target, starts, f0=scorer.target.f0, count=count)
    return [
        _Candidate(
            best.timbre,
            best.prosody,
            offset=np.clip(coords - anchor, -_WALK_MAX_COORD, _WALK_MAX_COORD),
        )
        for _, coords in found
    ]


def _mapped_candidate(scorer: _Scorer, best: _Candidate) -> _Candidate | None:
    """One step from ``best`` towards the reference, chosen through the step map."""
    jacobian = scorer.step_map()
    if jacobian is None:
        return None
    # The baseline is a stock voice: its speech on the bank texts is already embedded.
    stock = np.flatnonzero(best.timbre == 1.0)
    if best.offset is None and len(stock) == 1 and np.array_equal(best.timbre, best.prosody):
        current = scorer.bank.embeddings[OPTIMISED_ENCODER][stock[0]]
    else:
        current = scorer.embedding(best, BANK_TEXTS)
    gap = scorer.target.embeddings[OPTIMISED_ENCODER] - current
    gain = float(np.trace(jacobian.T @ jacobian)) / jacobian.shape[1]
    x = solve_step(jacobian, gap, damping=_MAP_DAMPING * gain, max_norm=_MAP_MAX_STEP)
    start = np.zeros(scorer.basis.size) if best.offset is None else best.offset
    offset = np.clip(start + x, -_WALK_MAX_COORD, _WALK_MAX_COORD)
    return _Candidate(best.timbre, best.prosody, offset=offset)


def _time_limit(tier: Tier, budget: float | None, hard_limit: float | None) -> float | None:
    """The shipped professional plan gets the wall-clock safety net unless one is given.

    A caller who sets its own budget has chosen its own time, so it gets no default limit.
    """
    if hard_limit is None and tier == "professional" and budget is None:
        return PROFESSIONAL_TIME_LIMIT_SECONDS
    return hard_limit


def _walk(scorer, start, seed, budget, started, should_cancel, progress, hard_limit):
    """Climb from ``start`` along the stock voices' principal components.

    Each step probes ``_WALK_PAIRS`` random directions both ways on one sentence (a different
    one each step) and moves a fixed distance along the estimated gradient: antithetic pairs
    cancel most of what the sentence itself contributes, so steps follow the voice. Every
    ``_ROUND_EVERY`` steps the surrogate, refitted with all the walk's renders, proposes
    ``_ROUND_PROPOSALS`` points scored on the bank texts; one that beats the best voice so far
    becomes the walk's new position. The walk ends by comparing that best voice, the end and
    the mean position over the second half of the steps since the last jump on the bank texts
    (with two last proposals), so it can only improve by its own measure. With a
    ``hard_limit`` it stops stepping early enough for that comparison to end by the limit.
    """
    rng = np.random.default_rng(seed)
    # Planned from fixed cost estimates, never from measured time, so a seed and a budget
    # always give the same voice; the wall-clock cap below is only a safety net.
    searched = _INSTANT_CANDIDATES + 1 + _SURROGATE_CANDIDATES["professional"]
    instant_stage = searched * 2 * _SECONDS_PER_RENDER + 3.0
    # Sentences rendered by a step (both probes of each pair) and by a round (each proposal on
    # the bank texts): the plan and the time check below count the same work.
    step_sentences = 2 * _WALK_PAIRS
    round_sentences = _ROUND_PROPOSALS * len(BANK_TEXTS)
    per_step = step_sentences * _SECONDS_PER_RENDER
    # The sentences still owed at the end: the end, the average and the final proposals, each
    # on the bank texts (the plan also counts the start's score, taken first).
    final_sentences = (2 + _WALK_PROPOSALS) * len(BANK_TEXTS)
    final_stage = (final_sentences + len(BANK_TEXTS)) * _SECONDS_PER_RENDER
    steps = max(1, int((budget - instant_stage - final_stage) // per_step))
    rounds = list(range(_ROUND_EVERY, steps, _ROUND_EVERY))
    steps -= int(len(rounds) * round_sentences * _SECONDS_PER_RENDER // per_step)
    rounds = [s for s in rounds if s < steps]
    # Seconds per rendered sentence, one per step taken. The slowest of a full rotation of the
    # probe texts is used: it covers their longest, and a machine that slows down shows at once.
    # The planning estimate stands in until a step is measured.
    paces: list[float] = []

    def fits(sentences: int) -> bool:
        """Whether ``sentences`` more renders and the final comparison end by the limit."""
        if not hard_limit:
            return True
        recent = paces[-len(SCORING_TEXTS) :] or [_SECONDS_PER_RENDER]
        pace = max(recent)
        return time.monotonic() - started + pace * (sentences + final_sentences) <= hard_limit

    x = np.zeros(scorer.basis.size) if start.offset is None else start.offset.copy()
    # With a fixed step the walk ends wherever the last noisy gradient sent it; the mean of the
    # later positions averages that noise out (Polyak averaging) and is one more finalist.
    positions: list[np.ndarray] = []
    history: list[float] = []
    # Scored now, while the instant search's render of the start is still in the cache.
    start.score = scorer.objective(start, BANK_TEXTS)[0]

    def at(coords: np.ndarray) -> _Candidate:
        return _Candidate(start.timbre, start.prosody, offset=coords)

    # The best voice scored on the bank texts so far: the walk jumps to a proposal of the
    # refitted model only when it beats this on the same texts.
    leader = start
    for step in range(steps):
        owed = step_sentences + (round_sentences if step in rounds else 0)
        if not fits(owed):
            break
        stepped = time.monotonic()
        if step in rounds:
            offsets = [x] if leader.offset is None else [x, leader.offset]
            before = leader
            for cand in _surrogate_candidates(scorer, start, _ROUND_PROPOSALS, offsets, learn=True):
                _check_cancel(should_cancel)
                cand.score = scorer.objective(cand, BANK_TEXTS)[0]
                if cand.score > leader.score:
                    leader = cand
            if leader is not before:
                x = leader.offset.copy()
                # Averaging across the jump would land between the old place and the new one.
                positions.clear()
        text = (SCORING_TEXTS[step % len(SCORING_TEXTS)],)
        directions = rng.normal(size=(_WALK_PAIRS, x.size))
        gains, similarities = [], []
        for d in directions:
            ups, downs = [], []
            for sign, out in ((1, ups), (-1, downs)):
                _check_cancel(should_cancel)
                probe = np.clip(x + sign * _WALK_SIGMA * d, -_WALK_MAX_COORD, _WALK_MAX_COORD)
                value, similarity = scorer.objective(at(probe), text)
                out.append(value)
                similarities.append(similarity)
            gains.append(ups[0] - downs[0])
        gradient = np.asarray(gains) @ directions
        norm = float(np.linalg.norm(gradient))
        if norm > 0:
            x = np.clip(x + _WALK_STEP * gradient / norm, -_WALK_MAX_COORD, _WALK_MAX_COORD)
        positions.append(x)
        paces.append((time.monotonic() - stepped) / owed)
        history.append(round(float(np.mean(similarities)), 4))
        if progress:
            progress(10.0 + 85.0 * (step + 1) / steps, history[-1])
    _check_cancel(should_cancel)
    finalists = [leader, at(x)]
    # The second half of the steps actually taken: a walk cut short by the time limit on a
    # slow machine still gets its average.
    late = positions[len(positions) // 2 :]
    if len(late) > 1:
        finalists.append(at(sum(late, np.zeros_like(x)) / len(late)))
    # The surrogate model, refitted with the walk's own renders, knows the neighbourhood the
    # walk explored better than any one noisy probe did.
    finalists += _surrogate_candidates(
        scorer, start, _WALK_PROPOSALS, [c.offset for c in finalists[1:]], learn=True
    )
    for cand in finalists[1:]:
        _check_cancel(should_cancel)
        cand.score = scorer.objective(cand, BANK_TEXTS)[0]
    return max(finalists, key=lambda c: c.score), history


def _final_scores(scorer, best, baseline, tier) -> dict[str, float]:
    """Score on the bank texts with both encoders (the instant search already rendered them)."""
    return {name: round(scorer.score(best, BANK_TEXTS, name), 4) for name in ENCODER_NAMES}
