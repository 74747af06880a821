"""Chunk-by-chunk audio encoders: every yielded ``bytes`` can be sent as soon as it exists.

A stream starts before its length is known, so the header fields that record the length
say "unknown", as the formats allow: wav's RIFF and data sizes are 0xFFFFFFFF, and FLAC's
STREAMINFO has 0 total samples, an all-zero MD5 and 0 frame sizes; decoders then read to
the end. mp3 (LAME) and opus (libsndfile) carry no such fields. FLAC frames go out as
libFLAC finishes them, every 4096 samples, so a chunk's last part may wait for the next
chunk or the end of the stream.

A file is not a stream: some readers (libsndfile, hence soundfile) cannot read a FLAC of
unknown length, and players use the header for the duration. ``copy_to`` keeps a seekable
copy of a stream and, once the stream ends, writes into it the header values the encoder
would have written to a file.
"""

import io
import struct
from collections.abc import Iterable, Iterator
from typing import BinaryIO

import numpy as np
import soundfile as sf

from .audio import SAMPLE_RATE
from .errors import UnsupportedFormat

FORMATS = ("wav", "pcm", "mp3", "opus", "flac", "aac")
MEDIA_TYPES = {
    "wav": "audio/wav",
    "pcm": "audio/L16;rate=24000;channels=1",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg; codecs=opus",
    "flac": "audio/flac",
    "aac": "audio/aac",
}
_SOUNDFILE = {
    "opus": ("OGG", "OPUS", 48_000),
    "flac": ("FLAC", "PCM_16", 24_000),
}
_UNKNOWN_SIZE = 0xFFFFFFFF
MP3_KBPS = 64
AAC_KBPS = 64

# A late header write: (offset from the start of the stream, bytes).
Patch = tuple[int, bytes]


def encode_stream(
    chunks: Iterable[np.ndarray], fmt: str, *, copy_to: BinaryIO | None = None
) -> Iterator[bytes]:
    """Encode float32 24 kHz mono chunks; the concatenated output is one valid file.

    With ``copy_to`` (a seekable file, written from its current position), every yielded
    piece is also written there, and when the stream ends the copy's header gets the real
    length (FLAC: sample count, MD5 and frame sizes), so the copy is a complete file.
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UnsupportedFormat(f"unsupported format {fmt!r}; choose one of {', '.join(FORMATS)}")
    patches: list[Patch] = []
    if fmt == "pcm":
        parts: Iterator[bytes] = (to_pcm16(c) for c in chunks)
    elif fmt == "wav":
        parts = _wav(chunks)
    elif fmt == "mp3":
        parts = _mp3(chunks)
    elif fmt == "aac":
        parts = _aac(chunks)
    else:
        parts = _soundfile(chunks, fmt, patches)
    return parts if copy_to is None else _copied(parts, copy_to, patches)


def encode_file(chunks: Iterable[np.ndarray], fmt: str, out: BinaryIO) -> None:
    """Write a complete file (length known in its header) to the seekable ``out``."""
    for _ in encode_stream(chunks, fmt, copy_to=out):
        pass


def to_pcm16(chunk: np.ndarray) -> bytes:
    return _pcm16(chunk).astype("<i2").tobytes()


def _pcm16(chunk: np.ndarray) -> np.ndarray:
    scaled = np.clip(np.asarray(chunk, dtype=np.float32), -1.0, 1.0) * 32767.0
    return np.round(scaled).astype(np.int16)


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


def _copied(parts: Iterator[bytes], out: BinaryIO, patches: list[Patch]) -> Iterator[bytes]:
    start = out.tell()
    for data in parts:
        # Written before it is handed out: the copy never lacks what a listener received.
        out.write(data)
        yield data
    end = out.tell()
    for offset, data in patches:
        out.seek(start + offset)
        out.write(data)
    out.seek(end)


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


def _aac(chunks: Iterable[np.ndarray]) -> Iterator[bytes]:
    """FFmpeg's AAC encoder in ADTS framing: every frame carries its own header, so a
    stream needs nothing written back at the end and any prefix of it plays."""
    import av

    sink = _Sink()
    with av.open(sink, "w", format="adts") as container:
        stream = container.add_stream("aac", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = AAC_KBPS * 1000
        for chunk in chunks:
            frame = av.AudioFrame.from_ndarray(
                np.asarray(chunk, dtype=np.float32).reshape(1, -1), format="fltp", layout="mono"
            )
            frame.sample_rate = SAMPLE_RATE
            for packet in stream.encode(frame):
                container.mux(packet)
            if data := sink.take():
                yield data
        for packet in stream.encode(None):
            container.mux(packet)
    if data := sink.take():
        yield data


def _soundfile(chunks: Iterable[np.ndarray], fmt: str, patches: list[Patch]) -> Iterator[bytes]:
    """libsndfile writes the header with the first samples and frames as it completes them;
    at the end it seeks back to fill in the totals (FLAC), which the sink keeps aside."""
    container, subtype, rate = _SOUNDFILE[fmt]
    sink = _Sink()
    with sf.SoundFile(
        sink, "w", samplerate=rate, channels=1, format=container, subtype=subtype
    ) as out:
        for chunk in chunks:
            # FLAC gets the integers the pcm and wav formats send, so it decodes to exactly
            # them (libsndfile's own float conversion rounds differently by one step).
            out.write(_pcm16(chunk) if fmt == "flac" else _resample(chunk, rate))
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data
    patches.extend(sink.patches)


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
    """A seekable file for libsndfile whose content only ever grows at the end.

    Bytes are handed out with ``take``. A write that lands before the end (libFLAC going
    back to fill in STREAMINFO) is kept in ``patches`` and not applied, even to bytes not
    handed out yet: the stream then always carries the header as first written, whose
    "unknown" values agree with each other, never a mix of final and unknown values.
    """

    def __init__(self) -> None:
        self._sent = 0  # offset of the first byte still held in _pending
        self._pending = bytearray()
        self._pos = 0
        self.patches: list[Patch] = []

    @property
    def _end(self) -> int:
        return self._sent + len(self._pending)

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        raw = bytes(data)
        behind = max(0, min(len(raw), self._end - self._pos))
        if behind:
            self.patches.append((self._pos, raw[:behind]))
        if len(raw) > behind:
            gap = self._pos + behind - self._end
            self._pending.extend(b"\0" * gap + raw[behind:])
        self._pos += len(raw)
        return len(raw)

    def readinto(self, buffer: bytearray | memoryview) -> int:
        # libsndfile does not read back while writing FLAC or Ogg; should it, it gets what
        # is still held, or nothing (end of file) for bytes already handed out.
        if self._pos < self._sent:
            return 0
        start = self._pos - self._sent
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
            self._pos = self._end + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def take(self) -> bytes:
        data = bytes(self._pending)
        self._sent += len(data)
        self._pending.clear()
        return data
