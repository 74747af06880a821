"""Command line.

``python -m voices.cloning clone REF.wav [REF2.wav ...] --tier instant --out voice.npy``
(the recording's tone is written beside it, as ``voice.tone.json``)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .errors import CloningError


def _progress(percent: float, score: float) -> None:
    print(f"\r{percent:5.1f}%  identity {score:.3f}", end="", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m voices.cloning")
    sub = parser.add_subparsers(dest="command", required=True)
    cl = sub.add_parser("clone", help="clone a voice into a [510,1,256] float32 .npy style")
    cl.add_argument("refs", nargs="+", type=Path, help="reference recordings of one speaker")
    cl.add_argument("--tier", choices=("instant", "professional"), default="instant")
    cl.add_argument("--out", type=Path, required=True)
    cl.add_argument("--seed", type=int, default=0)
    cl.add_argument(
        "--budget",
        type=float,
        default=None,
        help="professional tier: the walk's planned budget in seconds, with no time limit",
    )
    an = sub.add_parser("analyse", help="check reference recordings")
    an.add_argument("refs", nargs="+", type=Path)
    args = parser.parse_args(argv)

    from . import analyse
    from .clone import clone

    try:
        if args.command == "analyse":
            result = analyse(list(args.refs))
            print(json.dumps(result.__dict__, indent=2))
            return 0
        result = clone(
            list(args.refs),
            tier=args.tier,
            progress=_progress,
            seed=args.seed,
            budget_seconds=args.budget,
        )
    except CloningError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(file=sys.stderr)
    np.save(args.out, result.style.astype(np.float32))
    # The recording's tone goes beside the style: `synthesis.engine say --tone-file` reads it.
    args.out.with_suffix(".tone.json").write_text(json.dumps(result.tone))
    summary = {k: v for k, v in result.__dict__.items() if k not in ("style", "history")}
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
