"""Voice styles: the stock catalogue, weighted blends and caller-supplied arrays."""

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import AssetError, BadBlend, UnknownVoice
from .languages import LANGUAGES
from .tone import Tone, validate_tone

VOICE_SHAPE = (510, 1, 256)
_BLEND_TERM = re.compile(r"\s*([a-z]{2}_[a-z0-9_]+)\s*(?:\(\s*([0-9]*\.?[0-9]+)\s*\))?\s*")
_GENDERS = {"f": "female", "m": "male"}


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    display_name: str
    lang: str  # Kokoro code: a, b, e, f, h, i, j, p, z
    language: str
    gender: str


def voice_info(voice_id: str) -> VoiceInfo:
    """Stock ids encode language and gender in their prefix: ``af_bella``, ``bm_george``."""
    prefix, _, name = voice_id.partition("_")
    lang = LANGUAGES.get(prefix[:1])
    return VoiceInfo(
        id=voice_id,
        display_name=name.replace("_", " ").title() or voice_id,
        lang=lang.code if lang else "a",
        language=lang.label if lang else "Unknown",
        gender=_GENDERS.get(prefix[1:2], "unknown"),
    )


def validate_style(style: np.ndarray) -> np.ndarray:
    """Return ``style`` as float32 [510,1,256]; [510,256] is accepted and reshaped."""
    array = np.asarray(style)
    if array.shape == (VOICE_SHAPE[0], VOICE_SHAPE[2]):
        array = array.reshape(VOICE_SHAPE)
    if array.shape != VOICE_SHAPE:
        raise UnknownVoice(f"a voice array must have shape [510,1,256], got {list(array.shape)}")
    if not np.issubdtype(array.dtype, np.floating):
        raise UnknownVoice(f"a voice array must hold floats, got {array.dtype}")
    array = array.astype(np.float32, copy=False)
    if not np.isfinite(array).all():
        raise UnknownVoice("a voice array must not contain NaN or infinity")
    return array


@dataclass(frozen=True, eq=False)
class StylePerLanguage:
    """A caller's voice array whose style depends on the language it speaks.

    ``localise(style, code)`` gives the style for a Kokoro language code (a cloned voice takes
    that language's accent). The engine asks for the language of every stretch of text spoken
    in this voice, so SSML ``<lang>`` switches the style with the pronunciation; each language
    is asked once and the same array reused, so equal stretches still share chunks.
    """

    style: np.ndarray
    localise: Callable[[np.ndarray, str], np.ndarray]
    # The recording's tone, applied to everything this voice says (tone.py): any [Hz, dB]
    # pairs, kept as a validated Tone.
    tone: Tone = ()
    _styles: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tone", validate_tone(self.tone))

    def for_language(self, code: str) -> np.ndarray:
        if code not in self._styles:
            self._styles[code] = validate_style(self.localise(self.style, code))
        return self._styles[code]


def parse_blend(spec: str) -> list[tuple[str, float]]:
    """``"af_bella(2)+af_sky(1)"`` -> ``[("af_bella", 2/3), ("af_sky", 1/3)]``.

    A missing weight counts as 1; weights are normalised to sum to 1.
    """
    terms = []
    for part in spec.split("+"):
        match = _BLEND_TERM.fullmatch(part)
        if match is None:
            raise BadBlend(f"cannot parse {part.strip()!r} in voice blend {spec!r}")
        weight = float(match.group(2)) if match.group(2) else 1.0
        if weight <= 0:
            raise BadBlend(f"blend weights must be positive, got {weight} in {spec!r}")
        terms.append((match.group(1), weight))
    total = sum(w for _, w in terms)
    return [(name, w / total) for name, w in terms]


class VoiceBank:
    """Voices read lazily from an npz archive (name -> [510,1,256]) and cached."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._archive: np.lib.npyio.NpzFile | None = None
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        return sorted(self._open().files)

    def get(self, name: str) -> np.ndarray:
        with self._lock:
            if name not in self._cache:
                archive = self._open()
                if name not in archive.files:
                    raise UnknownVoice(f"unknown voice {name!r}")
                self._cache[name] = validate_style(archive[name])
            return self._cache[name]

    def resolve(self, voice: str | np.ndarray | StylePerLanguage) -> np.ndarray:
        if isinstance(voice, StylePerLanguage):
            return validate_style(voice.style)
        if not isinstance(voice, str):
            return validate_style(voice)
        if "+" not in voice and "(" not in voice:
            return self.get(voice.strip())
        mix = np.zeros(VOICE_SHAPE, dtype=np.float32)
        for name, weight in parse_blend(voice):
            mix += weight * self.get(name)
        return mix

    def _open(self) -> np.lib.npyio.NpzFile:
        if self._archive is None:
            if not self.path.is_file():
                raise AssetError(
                    f"voices file {self.path} is missing: "
                    "run python -m synthesis.engine.assets install"
                )
            self._archive = np.load(self.path, allow_pickle=False)
        return self._archive
