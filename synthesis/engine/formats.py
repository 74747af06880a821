"""Chunk-by-chunk audio encoders: every yielded ``bytes`` can be sent as soon as it exists.

``wav`` announces an unknown length in its header (0xFFFFFFFF) so it can go out before
the audio is finished; decoders then read to the end of the stream. The compressed
formats are written by LAME (mp3) and libsndfile (opus, flac) into sinks that hand out
the bytes as they are produced. FLAC is the exception: its STREAMINFO header must carry
the final length (libsndfile cannot read a FLAC whose length is "unknown"), so it is
encoded chunk by chunk but handed out when the stream ends.
"""

import io
import struct
from collections.abc import Iterable, Iterator

import numpy as np
import soundfile as sf

from .audio import SAMPLE_RATE
from .errors import UnsupportedFormat

FORMATS = ("wav", "pcm", "mp3", "opus", "flac")
MEDIA_TYPES = {
    "wav": "audio/wav",
    "pcm": "audio/L16;rate=24000;channels=1",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg; codecs=opus",
    "flac": "audio/flac",
}
_SOUNDFILE = {
    "opus": ("OGG", "OPUS", 48_000),
    "flac": ("FLAC", "PCM_16", 24_000),
}
_UNKNOWN_SIZE = 0xFFFFFFFF
MP3_KBPS = 64


def encode_stream(chunks: Iterable[np.ndarray], fmt: str) -> Iterator[bytes]:
    """Encode float32 24 kHz mono chunks; the concatenated output is one valid file."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UnsupportedFormat(f"unsupported format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "pcm":
        return (to_pcm16(c) for c in chunks)
    if fmt == "wav":
        return _wav(chunks)
    if fmt == "mp3":
        return _mp3(chunks)
    return _soundfile(chunks, fmt)


def to_pcm16(chunk: np.ndarray) -> bytes:
    scaled = np.clip(chunk, -1.0, 1.0) * 32767.0
    return np.round(scaled).astype("<i2").tobytes()


def wav_header(*, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A 16-bit mono PCM header whose RIFF and data sizes say "unknown, read to the end"."""
    byte_rate = sample_rate * 2
    return (
        b"RIFF"
        + struct.pack("<I", _UNKNOWN_SIZE)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, byte_rate, 2, 16)
        + b"data"
        + struct.pack("<I", _UNKNOWN_SIZE)
    )


def _wav(chunks: Iterable[np.ndarray]) -> Iterator[bytes]:
    yield wav_header()
    for chunk in chunks:
        yield to_pcm16(chunk)


def _mp3(chunks: Iterable[np.ndarray]) -> Iterator[bytes]:
    """LAME directly: libsndfile's MP3 writer patches a Xing header at the end, which a
    stream cannot honour, and decoders then stop early."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(SAMPLE_RATE)
    encoder.set_channels(1)
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_quality(5)
    for chunk in chunks:
        if data := encoder.encode(to_pcm16(chunk)):
            yield bytes(data)
    if data := encoder.flush():
        yield bytes(data)


def _soundfile(chunks: Iterable[np.ndarray], fmt: str) -> Iterator[bytes]:
    container, subtype, rate = _SOUNDFILE[fmt]
    sink = _Sink()
    with sf.SoundFile(
        sink, "w", samplerate=rate, channels=1, format=container, subtype=subtype
    ) as out:
        for chunk in chunks:
            out.write(_resample(chunk, rate))
            if fmt != "flac" and (data := sink.take()):
                yield data
    if data := sink.take():
        yield data


def _resample(chunk: np.ndarray, rate: int) -> np.ndarray:
    """Opus only runs at 48 kHz; 24 -> 48 kHz by linear interpolation.

    Kokoro's output carries nothing above 12 kHz, so interpolation adds no audible artefact.
    """
    chunk = np.asarray(chunk, dtype=np.float32)
    if rate == SAMPLE_RATE or chunk.size == 0:
        return chunk
    up = np.empty(chunk.size * 2, dtype=np.float32)
    up[0::2] = chunk
    up[1:-1:2] = 0.5 * (chunk[:-1] + chunk[1:])
    up[-1] = chunk[-1]
    return up


class _Sink(io.RawIOBase):
    """A seekable file for libsndfile that releases bytes once they are handed out.

    Encoders may seek back to patch a header (FLAC's STREAMINFO totals) after those bytes
    were sent; such late patches are dropped, which leaves valid "length unknown" values.
    """

    def __init__(self) -> None:
        self._sent = 0  # absolute offset of the first byte still held in _pending
        self._pending = bytearray()
        self._pos = 0

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        raw = bytes(data)
        start = self._pos - self._sent
        if start < 0:
            raw_kept = raw[-start:]
            start = 0
        else:
            raw_kept = raw
        end = start + len(raw_kept)
        if start > len(self._pending):
            self._pending.extend(b"\0" * (start - len(self._pending)))
        self._pending[start:end] = raw_kept
        self._pos += len(raw)
        return len(raw)

    def readinto(self, buffer: bytearray | memoryview) -> int:
        # libsndfile may read back what it wrote (to patch headers); serve what is held.
        start = max(0, self._pos - self._sent)
        data = self._pending[start : start + len(buffer)]
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._pos = offset
        elif whence == io.SEEK_CUR:
            self._pos += offset
        else:
            self._pos = self._sent + len(self._pending) + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def take(self) -> bytes:
        data = bytes(self._pending)
        self._sent += len(data)
        self._pending.clear()
        return data
