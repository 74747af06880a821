"""What the cloning dev scripts share: the dev speakers of one shard, a judge for each, and
the records they write (one JSON object a line)."""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voices.cloning.bank import StockBank, load_bank  # noqa: E402
from voices.cloning.bench import Judge, _stranger_embeddings, _Voices  # noqa: E402
from voices.cloning.benchset import Case, cases, select, strangers  # noqa: E402
from voices.cloning.render import Renderer, get_renderer  # noqa: E402


@dataclass
class DevSet:
    renderer: Renderer
    bank: StockBank
    voices: _Voices
    all_cases: list[Case]  # every dev speaker the selection holds, before the shard
    cases: list[Case]  # this shard's
    _keys: list[str]
    _stranger_emb: dict

    def judge(self, case: Case) -> Judge:
        return Judge.of(case, self._stranger_emb, self._keys)


def dev_set(
    data: Path, shard: str, *, librispeech: int | None = None, speakers: str = "", only: str = ""
) -> DevSet:
    """The dev speakers (``select``'s rule; ``only``: names starting so), shard ``K/N``."""
    renderer = get_renderer()
    bank = load_bank(renderer)
    chosen = select(cases(data, "instant"), "dev", librispeech, speakers)
    k, n = (int(x) for x in shard.split("/"))
    pool = strangers(data)
    return DevSet(
        renderer=renderer,
        bank=bank,
        voices=_Voices(renderer, bank),
        all_cases=chosen,
        cases=[c for c in chosen if c.speaker.startswith(only)][k::n],
        _keys=[key for key, _ in pool],
        _stranger_emb=_stranger_embeddings(pool),
    )


def read_records(paths: list[Path]) -> list[dict]:
    return [json.loads(line) for p in paths for line in p.read_text().splitlines() if line]


def dev_arguments() -> argparse.ArgumentParser:
    """The options every dev script takes; each adds its own."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path)
    parser.add_argument("--shard", default="0/1")
    parser.add_argument("--out", type=Path, help="append one JSON record a speaker here")
    parser.add_argument("--analyse", type=Path, nargs="*", help="summarise these records")
    parser.add_argument("--only", default="", help="speakers whose name starts so")
    return parser
