"""Render the SSML guide's before/after examples into static/synthesis/ssml/ (MP3).

Run after changing an example or how the engine speaks:
``python scripts/dev/render_ssml_examples.py``.
Files are named after a digest of their SSML and voice, so a test notices an example whose
audio was not rendered again; files no example uses any more are removed.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from synthesis.engine import get_engine  # noqa: E402
from synthesis.engine.formats import encode_stream  # noqa: E402
from synthesis.ssml_guide import EXAMPLES, STATIC_DIR  # noqa: E402


def main() -> int:
    engine = get_engine()
    folder = REPO / "static" / STATIC_DIR
    folder.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for example in EXAMPLES:
        for which, ssml in example.renders():
            path = REPO / "static" / example.static_name(which)
            wanted.add(path)
            if path.exists():
                continue
            chunks = engine.stream(ssml, voice=example.voice, ssml=True)
            path.write_bytes(b"".join(encode_stream(chunks, "mp3")))
            print(f"{path.relative_to(REPO)}: {path.stat().st_size // 1024} KB")
    for stale in set(folder.glob("*.mp3")) - wanted:
        stale.unlink()
        print(f"removed {stale.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
