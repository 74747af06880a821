"""Compare fixed instant-tier plans on dev speakers, from one set of renders per speaker.

    python scripts/dev/instant_plans.py --data DIR [--librispeech 8] [--speakers a,b]

Each speaker's candidates (the soft, sharp and pitch-matched blends, three surrogate proposals
anchored at the soft blend, two anchored at the better of it and the nearest stock voice, the
mapped step from the best) are rendered and scored once on the bank texts, as the search does,
and once on the held-out texts against the held-out recording. A plan keeps the candidate its
subset scores best on the bank texts; the table prints each plan's mean normalised held-out
identity (both encoders) and its renders. Dev speakers only (``benchset``).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voices.cloning.analysis import load_reference  # noqa: E402
from voices.cloning.bank import load_bank  # noqa: E402
from voices.cloning.bench import _embed, _stranger_embeddings, _Voices  # noqa: E402
from voices.cloning.benchset import cases, select, strangers  # noqa: E402
from voices.cloning.encoders import ENCODER_NAMES  # noqa: E402
from voices.cloning.instant import baseline, blend_candidates  # noqa: E402
from voices.cloning.proposals import mapped_candidate, surrogate_candidates  # noqa: E402
from voices.cloning.render import get_renderer  # noqa: E402
from voices.cloning.scoring import Scorer, reference_target  # noqa: E402
from voices.cloning.texts import BANK_TEXTS  # noqa: E402

PLANS = {
    "full (3 blends, 2 proposals, mapped)": ("base", "soft", "A1", "A2", "sharp", "pitch", "M"),
    "soft + 2 proposals": ("base", "soft", "A1", "A2"),
    "soft + 1 proposal (shipped)": ("base", "soft", "A1"),
    "3 proposals": ("base", "S1", "S2", "S3"),
    "2 proposals": ("base", "S1", "S2"),
    "1 proposal": ("base", "S1"),
    "soft only": ("base", "soft"),
    "nearest stock": ("base",),
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--librispeech", type=int, default=8)
    parser.add_argument("--speakers", default="")
    args = parser.parse_args()
    renderer = get_renderer()
    bank = load_bank(renderer)
    voices = _Voices(renderer, bank)
    chosen = select(cases(args.data, "instant"), "dev", args.librispeech, args.speakers)
    pool = strangers(args.data)
    keys = np.array([k for k, _ in pool])
    stranger_emb = _stranger_embeddings(pool)
    picks: dict[str, list[np.ndarray]] = {name: [] for name in PLANS}
    for case in chosen:
        began = time.process_time()
        ref = load_reference([clip.read() for clip in case.reference])
        target = reference_target(ref.speech16, ref.f0())
        scorer = Scorer(renderer, bank, target)
        base = baseline(bank, target)
        soft, sharp, pitch = blend_candidates(bank, target)
        cands = {"base": base, "soft": soft, "sharp": sharp, "pitch": pitch}
        for cand in (soft, sharp, pitch):
            cand.score = scorer.score(cand, BANK_TEXTS)
        anchor = soft if soft.score > base.score else base
        for i, c in enumerate(surrogate_candidates(scorer, soft, count=3), 1):
            cands[f"S{i}"] = c
        for i, c in enumerate(surrogate_candidates(scorer, anchor, count=2), 1):
            cands[f"A{i}"] = c
        for name in ("S1", "S2", "S3", "A1", "A2"):
            cands[name].score = scorer.score(cands[name], BANK_TEXTS)
        best = max((cands[n] for n in PLANS["full (3 blends, 2 proposals, mapped)"][:-1]),
                   key=lambda c: c.score)  # fmt: skip
        cands["M"] = mapped_candidate(scorer, best)
        cands["M"].score = scorer.score(cands["M"], BANK_TEXTS)
        held = {e: _embed(case.held, e) for e in ENCODER_NAMES}
        refe = {e: _embed(case.reference, e) for e in ENCODER_NAMES}
        others = keys != case.speaker
        norm = {}
        for name, cand in cands.items():
            emb = voices.of_style(scorer.style(cand))
            row = []
            for e in ENCODER_NAMES:
                strg = float(np.mean(stranger_emb[e][others] @ held[e]))
                row.append((float(emb[e] @ held[e]) - strg) / (float(refe[e] @ held[e]) - strg))
            norm[name] = np.array(row)
        line = []
        for plan, members in PLANS.items():
            pick = max(members, key=lambda n: cands[n].score)
            picks[plan].append(norm[pick])
            line.append(f"{pick}:{norm[pick][0]:.2f}/{norm[pick][1]:.2f}")
        print(f"{case.speaker:34s} cpu {time.process_time() - began:5.0f}s  " + " ".join(line))
        sys.stdout.flush()
    print(f"\n{'plan':40s} {'campplus':>8s} {'resemblyzer':>11s}  (mean norm, {len(chosen)} dev)")
    for plan, values in picks.items():
        mean = np.mean(values, axis=0)
        print(f"{plan:40s} {mean[0]:8.3f} {mean[1]:11.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
