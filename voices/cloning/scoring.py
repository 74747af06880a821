"""What a candidate voice is, and how close its speech comes to the reference.

A candidate is a pair of weight vectors over the stock voices (timbre half, prosody half), so
every one of the 510 rows stays a mix of real rows, optionally moved by an offset along the
stock voices' principal components (the walk's basis).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .audio import median_pitch
from .bank import BANK_VERSION, StockBank
from .config import CONFIG, OPTIMISED_ENCODER, CloneConfig
from .encoders import ENCODER_NAMES, embed16, normalise
from .features import SAMPLE_RATE, mel_band_centres, mel_power_spectrogram
from .render import PROSODY, STYLE_SHAPE, TIMBRE, Renderer, blend
from .stepmap import load_step_map, map_key
from .surrogate import Surrogate, load_surrogate, surrogate_key
from .texts import BANK_TEXTS


@dataclass(frozen=True)
class Target:
    embeddings: dict[str, np.ndarray]
    f0: float
    ltas: np.ndarray  # level-free long-term mel spectrum of the speech, dB


@dataclass
class Candidate:
    timbre: np.ndarray
    prosody: np.ndarray
    score: float = -1.0
    offset: np.ndarray | None = None  # walk coordinates from the blend, in Basis units


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


def reference_target(speech16: np.ndarray, f0: np.ndarray) -> Target:
    """Embeddings, pitch and spectrum of the reference speech (16 kHz, speech only)."""
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
    return Target(embeddings, f0_median, long_term_spectrum(speech16))


def recording_tone(target: Target, speech16: np.ndarray, limit_db: float) -> list[list[float]]:
    """How the recording's long-term spectrum differs from ``speech16`` (the clone's own
    speech): [frequency Hz, gain dB] at each mel band's centre, smoothed over three bands, the
    level removed and held within +-``limit_db`` (the engine's tone, synthesis.engine.tone).
    Empty when ``limit_db`` is 0.

    It carries the microphone and the room as well as the voice's own brightness: a clone that
    speaks through it sounds like its recording, as users expect of a clone."""
    if limit_db <= 0:
        return []
    gain = target.ltas.astype(np.float64) - long_term_spectrum(speech16)
    smooth = np.convolve(np.pad(gain, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    smooth = np.clip(smooth - smooth.mean(), -limit_db, limit_db)
    centres = mel_band_centres(len(gain))
    return [
        [round(float(hz), 1), round(float(db), 2)] for hz, db in zip(centres, smooth, strict=True)
    ]


@dataclass(frozen=True)
class Basis:
    """Principal directions of the stock voices, per half, scaled to one spread per unit."""

    timbre: np.ndarray  # [k, 510 * 128]
    prosody: np.ndarray
    stock: np.ndarray  # [n, size] coordinates of each stock voice (its part in the span)

    @classmethod
    def of(cls, styles: np.ndarray, k: int) -> Basis:
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


_BASES: dict[tuple[str, int], Basis] = {}  # (hash of the stock voices, components) -> basis


def walk_basis(renderer: Renderer, bank: StockBank, components: int | None = None) -> Basis:
    """The walk's basis for the renderer's stock voices.

    Two SVDs of the stock voices (seconds on a slow CPU): once per set of voices, not once per
    clone, or the instant tier pays for them inside its 20 s.
    """
    key = (renderer.identity(), components or CONFIG.walk_components)
    if key not in _BASES:
        _BASES.clear()
        _BASES[key] = Basis.of(bank.styles, key[1])
    return _BASES[key]


def models_key(renderer: Renderer) -> str:
    """What the shipped step map and surrogate must have been fitted for (with a basis size)."""
    return f"{BANK_VERSION}-{renderer.identity()}"


def _render_key(cand: Candidate, texts: Sequence[str]) -> bytes:
    offset = b"" if cand.offset is None else cand.offset.tobytes()
    return cand.timbre.tobytes() + cand.prosody.tobytes() + offset + "|".join(texts).encode()


class Scorer:
    """Renders candidates and scores them against the reference; counts the work."""

    def __init__(
        self, renderer: Renderer, bank: StockBank, target: Target, config: CloneConfig = CONFIG
    ) -> None:
        self.renderer, self.bank, self.target, self.config = renderer, bank, target, config
        self.evaluations = 0
        self._cache: dict[bytes, np.ndarray] = {}
        self._embeddings: dict[tuple[bytes, str], np.ndarray] = {}
        self._basis: Basis | None = None
        # Coordinates, CAM++ embeddings and pitch of every moved candidate scored by the
        # objective: the surrogate model is refitted with them during and after the walk.
        self.observed: list[tuple[np.ndarray, np.ndarray, float]] = []

    @property
    def basis(self) -> Basis:
        if self._basis is None:
            self._basis = walk_basis(self.renderer, self.bank, self.config.walk_components)
        return self._basis

    def surrogate(self) -> Surrogate | None:
        """The shipped coordinates-to-embedding model, if it was fitted for these voices."""
        return load_surrogate(surrogate_key(models_key(self.renderer), self.basis.size))

    def step_map(self) -> np.ndarray | None:
        """The shipped coordinates-to-embedding map, if it was fitted for these voices."""
        return load_step_map(map_key(models_key(self.renderer), self.basis.size))

    def embedding(
        self, cand: Candidate, texts: Sequence[str], encoder: str = OPTIMISED_ENCODER
    ) -> np.ndarray:
        """The unit embedding of the candidate's speech, kept as long as the speech is cached:
        scoring, the mapped step and the final scores all ask for the same one."""
        key = (_render_key(cand, texts), encoder)
        if key not in self._embeddings:
            self._embeddings[key] = normalise(embed16(self.audio(cand, texts), encoder))
        return self._embeddings[key]

    def style(self, cand: Candidate) -> np.ndarray:
        mix = blend(self.bank.styles, cand.timbre, cand.prosody)
        return mix if cand.offset is None else self.basis.apply(mix, cand.offset)

    def audio(self, cand: Candidate, texts: Sequence[str]) -> np.ndarray:
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

    def score(
        self, cand: Candidate, texts: Sequence[str], encoder: str = OPTIMISED_ENCODER
    ) -> float:
        return float(self.embedding(cand, texts, encoder) @ self.target.embeddings[encoder])

    def objective(self, cand: Candidate, texts: Sequence[str]) -> tuple[float, float]:
        """What the walk climbs, and the CAM++ similarity alone (reported as progress)."""
        audio = self.audio(cand, texts)
        similarity = self.score(cand, texts)
        if cand.offset is not None:
            coords = self.basis.coordinates(cand.timbre, cand.prosody) + cand.offset
            # Measured pitch (20 ms): the refitted model's pitch band is then exact here.
            self.observed.append((coords, self.embedding(cand, texts), median_pitch(audio)))
        return similarity - self.config.ltas_weight * self.spectral_distance(
            cand, texts
        ), similarity

    def spectral_distance(self, cand: Candidate, texts: Sequence[str]) -> float:
        """RMS distance in dB between the long-term spectra of the candidate's speech and the
        reference: an encoder-free measure of brightness and darkness."""
        spectrum = long_term_spectrum(self.audio(cand, texts))
        return float(np.sqrt(np.mean((spectrum - self.target.ltas) ** 2)))

    def final_scores(self, best: Candidate) -> dict[str, float]:
        """Both encoders on the bank texts (the search already rendered them for ``best``)."""
        return {name: round(self.score(best, BANK_TEXTS, name), 4) for name in ENCODER_NAMES}
