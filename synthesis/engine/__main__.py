"""Command line.

python -m synthesis.engine say "Hello" --voice af_heart --format mp3 --out hello.mp3
python -m synthesis.engine say "Hello" --voice-file voice.npy [--tone-file voice.tone.json]
python -m synthesis.engine voices
"""

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .engine import get_engine
from .errors import EngineError
from .formats import FORMATS, encode_file, encode_stream
from .voices import StylePerLanguage


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "voices":
            return _voices()
        return _say(args)
    except EngineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m synthesis.engine")
    commands = parser.add_subparsers(dest="command", required=True)
    say = commands.add_parser("say", help="synthesise text to an audio file")
    say.add_argument("text", help="text to speak, or - to read it from standard input")
    voice = say.add_mutually_exclusive_group()
    voice.add_argument("--voice", default="af_heart", help='a stock id or "af_bella(2)+af_sky(1)"')
    voice.add_argument("--voice-file", type=Path, help="a .npy style array [510,1,256]")
    say.add_argument(
        "--tone-file", type=Path, help="with --voice-file: the clone's tone (.tone.json)"
    )
    say.add_argument("--format", choices=FORMATS, default="wav")
    say.add_argument("--out", default="-", help="output file, - for standard output")
    say.add_argument("--speed", type=float, default=1.0)
    say.add_argument("--lang", help="language code (a, b, e, f, h, i, j, p, z) or tag (en-gb)")
    say.add_argument("--ssml", action="store_true", help="the text is an SSML document")
    commands.add_parser("voices", help="list the voice catalogue")
    return parser


def _say(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    voice = np.load(args.voice_file, allow_pickle=False) if args.voice_file else args.voice
    if args.voice_file and args.tone_file:
        tone = json.loads(args.tone_file.read_text())
        voice = StylePerLanguage(voice, lambda style, code: style, tone=tone)
    chunks = get_engine().stream(
        text, voice=voice, speed=args.speed, lang=args.lang, ssml=args.ssml
    )
    if args.out == "-":
        return _write(chunks, args.format, sys.stdout.buffer)
    with open(args.out, "wb") as out:
        return _write(chunks, args.format, out)


def _write(chunks: Iterator[np.ndarray], fmt: str, out: BinaryIO) -> int:
    """A file gets the real length in its header, which some readers need (libsndfile cannot
    read a FLAC without it); a pipe, to a player say, gets the audio as it is synthesised."""
    if out.seekable():
        encode_file(chunks, fmt, out)
        return 0
    for data in encode_stream(chunks, fmt):
        out.write(data)
        out.flush()
    return 0


def _voices() -> int:
    for info in get_engine().voice_catalogue():
        print(f"{info.id:16} {info.display_name:12} {info.lang}  {info.language:22} {info.gender}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
