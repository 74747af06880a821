"""Which recordings the cloning benchmark clones from, scores against, and uses as strangers.

The split into *dev* (tune on it freely) and *held-out* (look only to report) is one fixed rule:

- dev: every speaker of the studio sources the search was tuned on (``vctk``, ``ljspeech``,
  ``cmu_arctic``) and the first ``DEV_SINGLES`` single-utterance speakers in manifest order (the
  surrogate model's settings were chosen against them; they are also the strangers);
- held-out: every other speaker (the remaining LibriSpeech speakers, ``openvoice_demo``,
  ``seedvc_reference``, ``whisper_jfk``).

Each speaker's recordings are cut into a reference (what is cloned) and a held-out part (what
the clone is scored against):

- several utterances: the last third (one to three) is held out, the reference is the earlier
  ones up to ``REFERENCE_SECONDS`` (instant) or ``PROFESSIONAL_REFERENCE_SECONDS``;
- one utterance: its last third, at most ``SINGLE_HELD_SECONDS``, is held out and the reference
  is what comes before it, so a 14 s LibriSpeech utterance gives about 9 s and 5 s.

A speaker whose reference would be shorter than ``MIN_REFERENCE_SECONDS`` is not cloned. The
professional tier takes only speakers with at least ``PROFESSIONAL_MIN_TOTAL_SECONDS`` of audio.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import soundfile as sf

Split = Literal["dev", "held-out"]
DEV_SOURCES = frozenset({"vctk", "ljspeech", "cmu_arctic"})
DEV_SINGLES = 60
STRANGERS = 24
REFERENCE_SECONDS = 30.0
PROFESSIONAL_REFERENCE_SECONDS = 120.0
SINGLE_HELD_SECONDS = 15.0
MIN_REFERENCE_SECONDS = 6.0
PROFESSIONAL_MIN_TOTAL_SECONDS = 55.0


@dataclass(frozen=True)
class Clip:
    """A stretch of one recording, in seconds (``end`` None = to the end)."""

    path: Path
    start: float = 0.0
    end: float | None = None

    def read(self) -> tuple[np.ndarray, int]:
        audio, sr = sf.read(self.path, dtype="float32", always_2d=True)
        stop = None if self.end is None else int(self.end * sr)
        return audio[int(self.start * sr) : stop].mean(axis=1), sr


@dataclass(frozen=True)
class Case:
    speaker: str  # source/speaker
    gender: str  # "f", "m" or "" when the manifest does not say
    split: Split
    reference: tuple[Clip, ...]
    held: tuple[Clip, ...]
    reference_seconds: float


@dataclass(frozen=True)
class _Speaker:
    key: str
    source: str
    gender: str
    paths: tuple[Path, ...]
    seconds: tuple[float, ...]


def _speakers(data: Path) -> list[_Speaker]:
    rows: dict[str, list[dict]] = defaultdict(list)
    with open(data / "MANIFEST.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            rows[f"{row['source']}/{row['speaker']}"].append(row)
    return [
        _Speaker(
            key=key,
            source=group[0]["source"],
            gender=group[0]["gender"].strip("?").lower()[:1],
            paths=tuple(data / r["path"] for r in group),
            seconds=tuple(float(r["seconds"]) for r in group),
        )
        for key, group in rows.items()
    ]


def _singles(speakers: list[_Speaker]) -> list[_Speaker]:
    return [s for s in speakers if len(s.paths) == 1 and s.source not in DEV_SOURCES]


def split_of(speaker: _Speaker, dev_singles: set[str]) -> Split:
    return "dev" if speaker.source in DEV_SOURCES or speaker.key in dev_singles else "held-out"


def _cut(speaker: _Speaker, reference_limit: float) -> tuple[tuple[Clip, ...], tuple[Clip, ...]]:
    if len(speaker.paths) == 1:
        total = speaker.seconds[0]
        held_seconds = min(SINGLE_HELD_SECONDS, total / 3)
        cut = total - held_seconds
        start = max(0.0, cut - reference_limit)
        path = speaker.paths[0]
        return (Clip(path, start, cut),), (Clip(path, cut),)
    n = len(speaker.paths)
    held = min(3, max(1, n // 3))
    reference, total = [], 0.0
    for path, seconds in zip(speaker.paths[: n - held], speaker.seconds[: n - held], strict=True):
        if total >= reference_limit:
            break
        reference.append(Clip(path))
        total += seconds
    return tuple(reference), tuple(Clip(p) for p in speaker.paths[n - held :])


def _seconds(clips: tuple[Clip, ...], speaker: _Speaker) -> float:
    lengths = dict(zip(speaker.paths, speaker.seconds, strict=True))
    return sum((c.end if c.end is not None else lengths[c.path]) - c.start for c in clips)


def cases(data: Path, tier: str) -> list[Case]:
    """Every speaker the tier can clone, in manifest order, with its split."""
    speakers = _speakers(data)
    dev_singles = {s.key for s in _singles(speakers)[:DEV_SINGLES]}
    professional = tier == "professional"
    limit = PROFESSIONAL_REFERENCE_SECONDS if professional else REFERENCE_SECONDS
    out = []
    for speaker in speakers:
        if professional and sum(speaker.seconds) < PROFESSIONAL_MIN_TOTAL_SECONDS:
            continue
        reference, held = _cut(speaker, limit)
        seconds = _seconds(reference, speaker)
        if seconds < MIN_REFERENCE_SECONDS:
            continue
        split = split_of(speaker, dev_singles)
        out.append(Case(speaker.key, speaker.gender, split, reference, held, seconds))
    return out


def strangers(data: Path, count: int = STRANGERS) -> list[tuple[str, Clip]]:
    """Whole utterances of the first dev single-utterance speakers: the "someone else" pool."""
    singles = _singles(_speakers(data))[: min(count, DEV_SINGLES)]
    return [(s.key, Clip(s.paths[0])) for s in singles]


def select(
    all_cases: list[Case], split: Split, librispeech: int | None, speakers: str = ""
) -> list[Case]:
    """The cases of ``split``: every speaker of the small sources, then the first
    ``librispeech`` LibriSpeech speakers (all with None); ``speakers`` narrows to a list."""
    chosen = [c for c in all_cases if c.split == split]
    if speakers:
        wanted = set(speakers.split(","))
        return [c for c in chosen if c.speaker in wanted]
    libri = [c for c in chosen if c.speaker.startswith("librispeech")]
    others = [c for c in chosen if not c.speaker.startswith("librispeech")]
    return others + (libri if librispeech is None else libri[:librispeech])
