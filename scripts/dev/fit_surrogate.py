"""Render random points of the walk space and fit the surrogate model (voices/cloning/data).

    python scripts/dev/fit_surrogate.py [--points 1500] [--renders renders.npz] [--length 6]
    python scripts/dev/fit_surrogate.py --extend --seed 2 --points 1000 --renders more.npz

Each point is a blend of one to three stock voices of one gender (the prosody half the same
blend or another of that gender), moved by a random offset along the walk's principal
components (spread drawn per point between 0 and 0.9), read aloud on one of the scoring texts
in turn. About 1.5 s a point on 2 idle cores, so the default takes about 40 minutes; the renders
(embeddings and pitch, not audio) are saved every 25 points to ``--renders`` and a re-run
continues from them. Before writing the model it prints how well a model fitted on 80 % of the
points predicts the other 20 %: the correlation, over held-out points, between predicted and
measured similarity to real speakers (single-utterance LibriSpeech speakers of the shared
recordings, none of the benchmark's speakers), so a model that fits only noise is visible.

With ``--extend`` the new renders (use another ``--seed``, so they are new points) are added to
the shipped model's. The check then compares, on a fifth of the new renders held out, the
shipped model against one fitted on its points and the other new ones: whether more renders
still help is measured, not assumed. The shipped model's length and ridge are kept
(``--length`` and ``--ridge`` apply to a new model).
"""

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voices.cloning.audio import median_pitch  # noqa: E402
from voices.cloning.bank import load_bank  # noqa: E402
from voices.cloning.encoders import embed16, normalise, speaker_embedding  # noqa: E402
from voices.cloning.render import blend, get_renderer  # noqa: E402
from voices.cloning.scoring import models_key, walk_basis  # noqa: E402
from voices.cloning.surrogate import (  # noqa: E402
    SHIPPED_SURROGATE,
    Surrogate,
    fit_surrogate,
    load_surrogate,
    save_surrogate,
    surrogate_key,
)
from voices.cloning.texts import SCORING_TEXTS  # noqa: E402

SHARED = Path(__file__).resolve().parents[3] / "shared" / "speech"


def render_points(renderer, bank, basis, n: int, path: Path, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    genders = np.array(bank.genders)
    done: dict[str, list] = {k: [] for k in ("wt", "wp", "x", "emb", "f0", "text")}
    if path.is_file():
        with np.load(path) as npz:
            done = {k: list(npz[k]) for k in done}
    for i in range(n):
        # Drawn even for points already rendered, so a resumed run continues the same sequence.
        gender = rng.choice(["female", "male"])
        pool = np.flatnonzero(genders == gender)

        def weights(pool: np.ndarray = pool) -> np.ndarray:
            k = rng.integers(1, 4)
            chosen = rng.choice(pool, size=k, replace=False)
            w = np.zeros(len(genders))
            w[chosen] = rng.dirichlet(np.ones(k))
            return w

        wt = weights()
        wp = wt.copy() if rng.random() < 0.5 else weights()
        spread = rng.uniform(0, 0.9)
        x = np.clip(rng.normal(scale=spread, size=basis.size), -3, 3)
        if i < len(done["x"]):
            continue
        text = i % len(SCORING_TEXTS)
        audio = renderer.render(SCORING_TEXTS[text], basis.apply(blend(bank.styles, wt, wp), x))
        for key, value in (
            ("wt", wt),
            ("wp", wp),
            ("x", x),
            ("emb", normalise(embed16(audio, "campplus"))),
            ("f0", median_pitch(audio)),
            ("text", text),
        ):
            done[key].append(value)
        if (i + 1) % 25 == 0 or i + 1 == n:
            np.savez(path, **{k: np.asarray(v) for k, v in done.items()})
            print(f"{i + 1}/{n} points rendered", flush=True)
    return {k: np.asarray(v[:n]) for k, v in done.items()}


def stranger_embeddings(limit: int = 60) -> np.ndarray:
    import soundfile as sf

    counts: dict[str, list[str]] = {}
    with open(SHARED / "MANIFEST.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            counts.setdefault(f"{row['source']}/{row['speaker']}", []).append(row["path"])
    singles = [v[0] for v in counts.values() if len(v) == 1][:limit]
    out = []
    for rel in singles:
        audio, sr = sf.read(SHARED / rel, dtype="float32")
        out.append(normalise(speaker_embedding(audio, sr, "campplus")))
    return np.stack(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1500)
    parser.add_argument("--renders", type=Path, default=Path("surrogate-renders.npz"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--length", type=float, default=6.0)
    parser.add_argument("--ridge", type=float, default=0.2)
    parser.add_argument("--out", type=Path, default=SHIPPED_SURROGATE)
    parser.add_argument("--extend", action="store_true", help="add to the shipped model's renders")
    args = parser.parse_args()

    renderer = get_renderer()
    bank = load_bank(renderer)
    basis = walk_basis(renderer, bank)
    data = render_points(renderer, bank, basis, args.points, args.renders, args.seed)
    coords = basis.coordinates(data["wt"], data["wp"]) + data["x"]
    key = surrogate_key(models_key(renderer), basis.size)
    shipped = load_surrogate(key) if args.extend else None
    if args.extend and shipped is None:
        print("no shipped model for these voices and this basis: fit one without --extend")
        return 1

    def fit(rows: np.ndarray) -> Surrogate:
        """Fitted on these new renders, added to the shipped model's with --extend."""
        if shipped:
            return shipped.extended(coords[rows], data["emb"][rows], data["f0"][rows])
        return fit_surrogate(
            coords[rows], data["emb"][rows], data["f0"][rows], length=args.length, ridge=args.ridge
        )

    if SHARED.is_dir():
        targets = stranger_embeddings()
        order = np.random.default_rng(0).permutation(len(coords))
        held = order[: len(order) // 5]
        candidates = {"new": fit(order[len(order) // 5 :])}
        if shipped:
            candidates["shipped"] = shipped
        for name, model in candidates.items():
            predicted = model.embeddings(coords[held])
            corr = [np.corrcoef(predicted @ t, data["emb"][held] @ t)[0, 1] for t in targets]
            print(
                f"{name} model ({len(model.points)} renders) on {len(held)} held-out points: "
                f"predicted vs measured similarity to {len(targets)} real speakers, "
                f"mean correlation {np.mean(corr):.3f}"
            )
    model = fit(np.arange(len(coords)))
    save_surrogate(args.out, key, model)
    print(f"wrote {args.out} ({key}, {len(model.points)} renders)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
