"""The shipped instant plan with every stock voice against English-only gating, on dev speakers.

    python scripts/dev/english_gate.py K/N records.jsonl DIR

English-only: the nearest stock voice and the soft blend that anchors the read-off points are
limited to the American and British voices (the surrogate's renders are not). For each
LibriSpeech dev speaker (the first 20) and each variant: the normalised held-out identity with
both encoders, and the WER of ten sentences (Whisper tiny.en, the ``bench`` extra).
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from voices.cloning.analysis import load_reference  # noqa: E402
from voices.cloning.bank import load_bank  # noqa: E402
from voices.cloning.bench import Judge, _load_intelligibility, _stranger_embeddings, _Voices  # noqa: E402
from voices.cloning.benchset import cases, select, strangers  # noqa: E402
from voices.cloning.config import CONFIG  # noqa: E402
from voices.cloning.instant import gated_similarities, one_hot, softmax_blend  # noqa: E402
from voices.cloning.proposals import inverse_candidates  # noqa: E402
from voices.cloning.render import get_renderer  # noqa: E402
from voices.cloning.scoring import Candidate, Scorer, reference_target  # noqa: E402
from voices.cloning.texts import BANK_TEXTS  # noqa: E402

shard, shards = (int(x) for x in sys.argv[1].split("/"))
out, data = sys.argv[2], Path(sys.argv[3])
r = get_renderer()
bank = load_bank(r)
voices = _Voices(r, bank)
wer = _load_intelligibility(True, r, bank)
chosen = select(cases(data, "instant"), "dev", 20, "")
chosen = [c for c in chosen if c.speaker.startswith("libri")][shard::shards]
pool = strangers(data)
keys = [k for k, _ in pool]
semb = _stranger_embeddings(pool)
english = np.array([n[0] in "ab" for n in bank.names])
for case in chosen:
    t0 = time.process_time()
    ref = load_reference([c.read() for c in case.reference])
    target = reference_target(ref.speech16, ref.f0())
    scorer = Scorer(r, bank, target)
    judge = Judge.of(case, semb, keys)
    rec = {"speaker": case.speaker}
    for variant, extra in (("all", np.ones(len(bank.names), bool)), ("english", english)):
        sims = np.where(extra, gated_similarities(bank, target), -1.0)
        i = int(np.argmax(sims))
        base = Candidate(one_hot(len(sims), i), one_hot(len(sims), i), float(sims[i]))
        soft = softmax_blend(sims, k=CONFIG.soft_k, temperature=CONFIG.soft_temperature)
        best = base
        for cand in inverse_candidates(scorer, Candidate(soft, soft)):
            cand.score = scorer.score(cand, BANK_TEXTS)
            if cand.score > best.score:
                best = cand
        style = scorer.style(best)
        norm = judge.identity(voices.of_style(style))
        w = wer.of_style(style)
        rec[variant] = {
            "norm": norm,
            "errors": w["errors"],
            "words": w["words"],
            "nearest": bank.names[i],
            "base_won": best is base,
        }
    with open(out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(
        case.speaker,
        {
            k: (v["nearest"], [round(x, 3) for x in v["norm"]], v["errors"])
            for k, v in rec.items()
            if k != "speaker"
        },
        f"cpu {time.process_time() - t0:.0f}",
        flush=True,
    )
