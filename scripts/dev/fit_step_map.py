"""Fit the instant tier's step map and write voices/cloning/data/step-map.npz.

    python scripts/dev/fit_step_map.py [--pairs 40] [--check 10]

Renders ``2 * (pairs + check)`` sentences (about 3 s a pair on 2 idle cores) and prints how much
of the embedding change on ``check`` unseen probe pairs the map predicts (R^2), so a map that
only fits noise is visible before it is shipped.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voices.cloning.bank import load_bank  # noqa: E402
from voices.cloning.render import get_renderer  # noqa: E402
from voices.cloning.scoring import models_key, walk_basis  # noqa: E402
from voices.cloning.stepmap import (  # noqa: E402
    SHIPPED_MAP,
    explained,
    fit_step_map,
    map_key,
    probe_pairs,
    save_step_map,
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--check", type=int, default=10)
    parser.add_argument("--out", type=Path, default=SHIPPED_MAP)
    args = parser.parse_args()

    renderer = get_renderer()
    bank = load_bank(renderer)
    basis = walk_basis(renderer, bank)

    def probe(pairs: int, seed: int):
        moves, changes = probe_pairs(
            renderer,
            bank.styles,
            basis.apply,
            basis.size,
            pairs=pairs,
            seed=seed,
            log=lambda m: print(m, end="\r", flush=True),
        )
        print()
        return moves, changes

    moves, changes = probe(args.pairs, seed=0)
    jacobian = fit_step_map(moves, changes)
    print(f"R^2 on the {args.pairs} fitting pairs: {explained(jacobian, moves, changes):.3f}")
    if args.check:
        unseen = probe(args.check, seed=1)
        print(f"R^2 on {args.check} unseen pairs: {explained(jacobian, *unseen):.3f} (0 = no use)")
    key = map_key(models_key(renderer), basis.size)
    save_step_map(args.out, key, jacobian)
    print(f"wrote {args.out} ({key})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
