"""Compare ways of reading walk coordinates off a reference embedding, on dev speakers.

    python scripts/dev/inverse_variants.py --data DIR [--shard K/N] --out records.jsonl
    python scripts/dev/inverse_variants.py --analyse records.jsonl [more.jsonl ...]

The surrogate's renders are all Kokoro speech; a reference is a person recorded in a room. The
inverse map (``surrogate.inverse_map``) centres the reference embedding on the renders' mean, so
whatever every real recording shares and no render has is read as a voice difference. The
variants here centre it on the mean of real dev speakers of similar pitch instead (leave-one-out:
never the speaker being cloned), change the ridge, or scale the read-off offset. Each variant's
point is rendered on the bank texts (CAM++ to the reference, what the search would rank by) and
on the held-out texts (normalised identity with both encoders). Dev speakers only.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devset import dev_arguments, dev_set, read_records  # noqa: E402

from voices.cloning.analysis import load_reference  # noqa: E402
from voices.cloning.config import CONFIG  # noqa: E402
from voices.cloning.encoders import normalise  # noqa: E402
from voices.cloning.instant import baseline, blend_candidates  # noqa: E402
from voices.cloning.scoring import Candidate, Scorer, reference_target  # noqa: E402
from voices.cloning.surrogate import _SEMITONE, _pitch_band, neighbour_mean  # noqa: E402
from voices.cloning.texts import BANK_TEXTS  # noqa: E402

CAM = "campplus"


def _targets(chosen, cache: Path) -> dict[str, tuple[np.ndarray, float]]:
    """Every dev speaker's reference CAM++ embedding and pitch (cached across shards)."""
    if cache.is_file():
        with np.load(cache) as z:
            return {k: (z[k][:-1], float(z[k][-1])) for k in z.files}
    out = {}
    for case in chosen:
        ref = load_reference([clip.read() for clip in case.reference])
        target = reference_target(ref.speech16, ref.f0())
        out[case.speaker] = (target.embeddings[CAM], target.f0)
    np.savez(cache, **{k: np.append(e, f) for k, (e, f) in out.items()})
    return out


def _real_mean(targets: dict, speaker: str, f0: float, semitones: float) -> np.ndarray:
    """Pitch-weighted mean embedding of the other dev speakers."""
    keys = [k for k in targets if k != speaker]
    emb = np.stack([targets[k][0] for k in keys])
    pitch = np.array([targets[k][1] for k in keys])
    d = np.log(np.maximum(pitch, 1.0) / max(f0, 1.0)) / (semitones * _SEMITONE)
    w = np.exp(-0.5 * d**2)
    return (w[:, None] * emb).sum(axis=0) / w.sum()


def _inverse(model, target, f0, *, ridge=1.0, centre=None, scale=1.0, semitones=3.0):
    x, y = _pitch_band(model, f0, semitones, 50)
    mx, my = x.mean(axis=0), y.mean(axis=0)
    xc = x - mx
    w = np.linalg.solve(xc.T @ xc + ridge * np.eye(xc.shape[1]), xc.T @ (y - my))
    c = mx if centre is None else centre
    return np.clip(my + scale * ((target - c) @ w), model.low, model.high)


def collect(args: argparse.Namespace) -> int:
    dev = dev_set(args.data, args.shard, only=args.only)
    renderer, bank, voices = dev.renderer, dev.bank, dev.voices
    targets = _targets(dev.all_cases, Path(args.out).with_name("dev-targets.npz"))
    for case in dev.cases:
        began = time.process_time()
        ref = load_reference([clip.read() for clip in case.reference])
        target = reference_target(ref.speech16, ref.f0())
        scorer = Scorer(renderer, bank, target)
        model = scorer.surrogate()
        base = baseline(bank, target)
        soft = blend_candidates(bank, target)[0]
        here = scorer.basis.coordinates(soft.timbre, soft.prosody)
        t, f0 = target.embeddings[CAM].astype(np.float64), target.f0
        x, _ = _pitch_band(model, f0, 3.0, 50)
        real = _real_mean(targets, case.speaker, f0, 3.0)
        shifted = normalise(t - real + x.mean(axis=0))
        coords = {
            "R": _inverse(model, t, f0),
            "K": neighbour_mean(model, t, f0=f0),
            "R.3": _inverse(model, t, f0, ridge=0.3),
            "R.1": _inverse(model, t, f0, ridge=0.1),
            "R.3x1.2": _inverse(model, t, f0, ridge=0.3, scale=1.2),
        }
        if args.domain:
            coords["Rd"] = _inverse(model, t, f0, centre=real)
            coords["Kd"] = neighbour_mean(model, shifted, f0=f0)
        limit = CONFIG.walk_max_coord
        cands = {"base": base}
        for name, c in coords.items():
            cands[name] = Candidate(
                soft.timbre, soft.prosody, offset=np.clip(c - here, -limit, limit)
            )
        judge = dev.judge(case)
        record = {"speaker": case.speaker, "f0": f0, "candidates": {}}
        for name, cand in cands.items():
            style = scorer.style(cand)
            row = {"cam": base.score if name == "base" else scorer.score(cand, BANK_TEXTS)}
            row["norm"] = judge.identity(voices.of_style(style))
            record["candidates"][name] = row
        with open(args.out, "a") as f:
            f.write(json.dumps(record) + "\n")
        print(
            f"{case.speaker:34s} cpu {time.process_time() - began:5.0f}s "
            + " ".join(
                f"{n}={r['norm'][0]:.2f}/{r['norm'][1]:.2f}"
                for n, r in record["candidates"].items()
            ),
            flush=True,
        )
    return 0


def analyse(paths: list[Path]) -> int:
    records = read_records(paths)
    names = [n for n in records[0]["candidates"] if all(n in r["candidates"] for r in records)]
    print(f"{len(records)} dev speakers; mean normalised held-out identity CAM++ / Resemblyzer")
    for name in names:
        vals = np.array([r["candidates"][name]["norm"] for r in records])
        print(f"  {name:8s} {vals[:, 0].mean():6.3f} {vals[:, 1].mean():6.3f}")
    print("plans (ranked by bank CAM++ with the nearest stock voice):")
    for plan in (("R", "K"), ("R.3", "K"), ("R.1", "K"), ("R.3x1.2", "K"), ("R.3", "R.1", "K")):
        members = ("base", *plan)
        vals = np.array(
            [r["candidates"][max(members, key=lambda n: r["candidates"][n]["cam"])]["norm"]
             for r in records]
        )  # fmt: skip
        print(f"  {'+'.join(plan):20s} {vals[:, 0].mean():6.3f} {vals[:, 1].mean():6.3f}")
    return 0


def main() -> int:
    parser = dev_arguments()
    parser.add_argument("--domain", action="store_true", help="also the real-mean centring")
    args = parser.parse_args()
    if args.analyse:
        return analyse(args.analyse)
    return collect(args)


if __name__ == "__main__":
    raise SystemExit(main())
