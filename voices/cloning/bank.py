"""Render statistics of every stock voice, computed once and cached in the data folder.

For each stock voice: its speaker embeddings (both encoders) on the bank texts, its median
pitch and its speaking rate. Instant cloning compares a reference with these without rendering.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .assets import cache_dir
from .audio import median_pitch
from .encoders import ENCODER_NAMES, embed16, normalise
from .features import SAMPLE_RATE
from .render import Renderer
from .texts import BANK_TEXTS

BANK_VERSION = "bank-2"
# A copy of the bank for the stock Kokoro v1.0 voices ships with the code (about 100 KB) so a
# fresh install or CI does not spend minutes rendering 54 voices; it is used only when its key
# matches the installed voices, otherwise the bank is rebuilt into the data folder.
SHIPPED_BANK = Path(__file__).with_name("data") / "stock-bank.npz"


@dataclass(frozen=True)
class StockBank:
    names: list[str]
    genders: list[str]
    styles: np.ndarray  # [n, 510, 1, 256]
    embeddings: dict[str, np.ndarray]  # encoder -> [n, dim], unit rows
    f0: np.ndarray  # median voiced pitch of the renders, Hz
    seconds: np.ndarray  # duration of the bank texts as rendered (speaking-rate proxy)

    def index(self, name: str) -> int:
        return self.names.index(name)


def render_stats(audio: np.ndarray) -> tuple[dict[str, np.ndarray], float, float]:
    """Embeddings, median pitch and duration of a voice's rendering of the bank texts."""
    embeddings = {name: normalise(embed16(audio, name)) for name in ENCODER_NAMES}
    return embeddings, median_pitch(audio), len(audio) / SAMPLE_RATE


def load_bank(renderer: Renderer, log: Callable[[str], None] | None = None) -> StockBank:
    """The cached bank for the current stock voices, built on first use (a few minutes)."""
    voices = renderer.stock_voices()
    names = sorted(voices)
    genders = renderer.genders()
    key = f"{BANK_VERSION}-{renderer.identity()}"
    path = cache_dir() / f"stock-bank-{key}.npz"
    styles = np.stack([voices[n] for n in names])
    for candidate in (path, SHIPPED_BANK):
        bank = _read_bank(candidate, key, names, genders, styles)
        if bank is not None:
            return bank
    started = time.monotonic()
    rows = []
    renders = _load_renders(renderer.identity())
    for i, name in enumerate(names):
        if name not in renders:
            renders[name] = np.concatenate([renderer.render(t, voices[name]) for t in BANK_TEXTS])
            _save_renders(renderer.identity(), renders)
        rows.append(render_stats(renders[name]))
        if log:
            log(f"stock bank: {i + 1}/{len(names)} voices ({time.monotonic() - started:.0f} s)")
    embeddings = {e: np.stack([r[0][e] for r in rows]) for e in ENCODER_NAMES}
    f0 = np.array([r[1] for r in rows])
    seconds = np.array([r[2] for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(
        partial,
        key=np.array(key),
        names=np.array(names),
        f0=f0,
        seconds=seconds,
        **{f"emb_{e}": v for e, v in embeddings.items()},
    )
    partial.replace(path)
    (path.with_suffix(".json")).write_text(json.dumps({"texts": BANK_TEXTS, "key": key}))
    return StockBank(
        names, [genders.get(n, "unknown") for n in names], styles, embeddings, f0, seconds
    )


def _read_bank(
    path: Path, key: str, names: list[str], genders: dict[str, str], styles: np.ndarray
) -> StockBank | None:
    if not path.is_file():
        return None
    with np.load(path) as npz:
        if "key" not in npz.files or str(npz["key"]) != key or list(npz["names"]) != names:
            return None
        return StockBank(
            names,
            [genders.get(n, "unknown") for n in names],
            styles,
            {e: npz[f"emb_{e}"] for e in ENCODER_NAMES},
            npz["f0"],
            npz["seconds"],
        )


def _renders_path(identity: str) -> Path:
    digest = hashlib.sha256("|".join(BANK_TEXTS).encode()).hexdigest()[:8]
    return cache_dir() / f"stock-renders-{identity}-{digest}.npz"


def _load_renders(identity: str) -> dict[str, np.ndarray]:
    """Rendered bank audio (16-bit) kept so a new encoder version needs no re-rendering."""
    path = _renders_path(identity)
    if not path.is_file():
        return {}
    with np.load(path) as npz:
        return {k: npz[k].astype(np.float32) / 32767 for k in npz.files}


def _save_renders(identity: str, renders: dict[str, np.ndarray]) -> None:
    path = _renders_path(identity)
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = {k: np.round(np.clip(v, -1, 1) * 32767).astype(np.int16) for k, v in renders.items()}
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, **pcm)
    partial.replace(path)
