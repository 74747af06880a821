"""Where the engine finds its assets and how it is tuned, read from the environment.

Read at call time (not import time) so tests and operators can change the environment
before the engine is first used.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_FILENAME = "kokoro-v1.0.int8.onnx"
VOICES_FILENAME = "voices-v1.0.npz"
DEFAULT_MAX_CHARS = 20_000


def data_dir() -> Path:
    return Path(os.environ.get("SPEEKO_DATA_DIR") or REPO_ROOT / ".data")


def models_dir() -> Path:
    return data_dir() / "models"


def model_path() -> Path:
    """The ONNX model; SPEEKO_MODEL_PATH may point at another Kokoro v1.0 export."""
    override = os.environ.get("SPEEKO_MODEL_PATH")
    return Path(override) if override else models_dir() / MODEL_FILENAME


def voices_path() -> Path:
    """The voices archive (npz of name -> [510,1,256]), e.g. the upstream voices-v1.0.bin."""
    override = os.environ.get("SPEEKO_VOICES_PATH")
    return Path(override) if override else models_dir() / VOICES_FILENAME


def derived_dir() -> Path:
    """Files computed from the assets (the rewritten graph); safe to delete."""
    return data_dir() / "derived"


def int8_rewrite() -> str:
    """SPEEKO_ENGINE_INT8_REWRITE: auto (on CPUs with VNNI), on, or off. See fastgraph."""
    return os.environ.get("SPEEKO_ENGINE_INT8_REWRITE", "auto").strip().lower() or "auto"


def engine_threads() -> int:
    return _positive_int("SPEEKO_ENGINE_THREADS", default=os.cpu_count() or 1)


def parallel_chunks() -> int:
    """How many chunks run at once, each on threads / this many intra-op threads.

    Two side by side give more throughput than one on two threads, but every run holds
    its own activations (hundreds of MB for a long chunk), so the default is one.
    """
    return _positive_int("SPEEKO_ENGINE_PARALLEL_CHUNKS", default=1)


def spin() -> bool:
    """Let onnxruntime's threads busy-wait between operators (SPEEKO_ENGINE_SPIN=1).

    Faster on a machine that does nothing else; on a shared one the spinning threads take CPU
    from the web process and from other jobs, so it is off unless an operator turns it on.
    """
    return os.environ.get("SPEEKO_ENGINE_SPIN", "0").strip().lower() in ("1", "true", "yes")


def short_edges() -> bool:
    """Render only half of the silence Kokoro opens each streamed chunk with
    (SPEEKO_ENGINE_SHORT_EDGES=1; see prosody.short_edges).

    Off by default: it saves about a tenth of a short chunk's compute, but the text's first
    sound came out softer (e.g. 95 ms of "The" under the trimming threshold).
    """
    return os.environ.get("SPEEKO_ENGINE_SHORT_EDGES", "0").strip().lower() in ("1", "true", "yes")


def chunk_tokens() -> int:
    """Phoneme tokens per model call after the first (SPEEKO_ENGINE_CHUNK_TOKENS, max 510)."""
    return min(510, _positive_int("SPEEKO_ENGINE_CHUNK_TOKENS", default=120))


def max_chars() -> int:
    return _positive_int("SPEEKO_ENGINE_MAX_CHARS", default=DEFAULT_MAX_CHARS)


def _positive_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as e:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}") from e
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value
