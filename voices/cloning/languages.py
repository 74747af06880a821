"""A cloned voice speaking a language other than the one it was cloned in.

Kokoro's style has two halves: the first (timbre) is read by the decoder, the second (prosody)
by the duration and pitch predictor. A clone is fitted on American English renders, so both are
English: in French it keeps an English accent and a recogniser mishears it. Every clone speaking
another language therefore gets its prosody half moved by that language's accent, the mean
difference between the language's stock voices and the American English ones of the same
gender, which keeps what is the speaker's own in that half (pitch level, pace). The decoder
also shapes how each sound is articulated, so where the prosody alone leaves the speech
foreign (French, Hindi, Italian), the timbre half moves a little by the same kind of
difference: far enough to be understood and heard as the language, as little as that allows,
since the timbre is most of what makes the voice the speaker's.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

import numpy as np

from .render import PROSODY, RENDER_LANG, TIMBRE

# Languages a clone speaks as cloned: it was fitted on English, and British English takes its
# pronunciation from the phonemizer; the shift is unmeasured there and would only risk identity.
AS_CLONED = frozenset({RENDER_LANG, "b"})
# Fraction of the accent shift applied, chosen on the dev reader and sentences of
# ``python -m voices.cloning.bench_languages`` (docs/cloning.md has the figures): half the shift
# recognised as well as the full one and kept more of the speaker.
ACCENT_WEIGHT = 0.5
# Fraction of the timbre half's accent shift, per language; none elsewhere. Each is the least of
# 0, 0.15, 0.25, 0.35 and 0.5 at which the dev readers' clones met the goal (character error
# rate at most 1.5x the stock voice's on average, and every reader's language ID at most 0.1
# under it): without it French was misheard (13.5 % against 4.3 %, language ID 0.55). Hindi
# with English loanwords ("station", "mobile") was heard as English or Bengali for some
# readers until half the timbre shift (0.35 left one of sixteen at 0.60).
TIMBRE_WEIGHTS: Mapping[str, float] = MappingProxyType({"f": 0.35, "h": 0.5, "i": 0.15})


def _by_gender(stock: Mapping[str, np.ndarray], lang: str) -> dict[str, list[np.ndarray]]:
    """Stock ids encode language and gender in their prefix: ``ff_siwis``, ``jm_kumo``."""
    groups: dict[str, list[np.ndarray]] = {}
    for voice_id, style in stock.items():
        if voice_id[:1] == lang and voice_id[2:3] == "_":
            groups.setdefault(voice_id[1:2], []).append(np.asarray(style, np.float32))
    return groups


def _mean_half(styles: list[np.ndarray], half: slice) -> np.ndarray:
    return np.mean([s[..., half] for s in styles], axis=0)


def accent_shift(
    stock: Mapping[str, np.ndarray],
    lang: str,
    base: str = RENDER_LANG,
    half: slice = PROSODY,
) -> np.ndarray | None:
    """How ``lang``'s stock voices' ``half`` of the style (prosody unless told) differs from
    ``base``'s, shaped [510,1,128].

    Compared within each gender both languages have, then averaged over those genders, so a
    language with only female voices (French) does not also shift a clone towards a female
    pitch. None when the two languages share no gender or ``lang`` has no stock voice.
    """
    theirs, ours = _by_gender(stock, lang), _by_gender(stock, base)
    genders = sorted(set(theirs) & set(ours))
    if not genders:
        return None
    shifts = [_mean_half(theirs[g], half) - _mean_half(ours[g], half) for g in genders]
    return np.mean(shifts, axis=0).astype(np.float32)


def style_for_language(
    style: np.ndarray,
    lang: str,
    stock: Mapping[str, np.ndarray],
    weight: float = ACCENT_WEIGHT,
    timbre_weight: float | None = None,
) -> np.ndarray:
    """``style`` (a clone's [510,1,256] array) as it should speak Kokoro language ``lang``.

    ``timbre_weight`` defaults to the language's entry in ``TIMBRE_WEIGHTS``. English, and a
    language without a usable accent shift, get ``style`` unchanged; otherwise a new array.
    """
    if lang in AS_CLONED:
        return style
    if timbre_weight is None:
        timbre_weight = TIMBRE_WEIGHTS.get(lang, 0.0)
    return _shifted(style, _shifts(stock, lang), weight, timbre_weight)


def _shifts(stock: Mapping[str, np.ndarray], lang: str) -> tuple[np.ndarray, np.ndarray] | None:
    prosody = accent_shift(stock, lang)
    if prosody is None:
        return None
    return prosody, accent_shift(stock, lang, half=TIMBRE)


def _shifted(
    style: np.ndarray,
    shifts: tuple[np.ndarray, np.ndarray] | None,
    weight: float,
    timbre_weight: float,
) -> np.ndarray:
    if shifts is None:
        return style
    prosody, timbre = shifts
    out = np.array(style, dtype=np.float32, copy=True)
    out[..., PROSODY] += weight * prosody
    if timbre_weight:
        out[..., TIMBRE] += timbre_weight * timbre
    return out


@cache
def _engine_shifts(lang: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The shifts for the process's engine voices (they do not change while it runs)."""
    from synthesis.engine import get_engine

    engine = get_engine()
    stock = {v.id: engine.resolve_voice(v.id) for v in engine.voice_catalogue()}
    return _shifts(stock, lang)


def localise(style: np.ndarray, language: str | None) -> np.ndarray:
    """A clone's style for a job's language (a Kokoro code, a BCP-47 tag, or empty).

    Empty means the engine's default, American English. A language the engine does not know
    returns ``style`` unchanged: the engine rejects it with its own message.
    """
    from synthesis.engine.errors import UnsupportedLanguage
    from synthesis.engine.languages import language_for

    if not language:
        return style
    try:
        lang = language_for(language).code
    except UnsupportedLanguage:
        return style
    if lang in AS_CLONED:
        return style
    return _shifted(style, _engine_shifts(lang), ACCENT_WEIGHT, TIMBRE_WEIGHTS.get(lang, 0.0))
