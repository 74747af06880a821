"""Decoding, resampling and speech detection for reference recordings."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import numpy as np
import soundfile as sf
import soxr

from .errors import UnsupportedAudio

Sample = Union[str, Path, bytes, tuple[np.ndarray, int]]  # noqa: UP007 (runtime alias)

FRAME_SECONDS = 0.01
_MAX_DECODE_SECONDS = 20 * 60  # the upload page accepts up to 10 minutes; leave headroom
# A compressed file can claim any rate and length (10 minutes of silence at 655,350 Hz is
# 1.4 MB of FLAC and 1.5 GB of samples), so both are checked from the header, audio above
# _DECODE_RATE is resampled block by block, and decoding stops at the length cap.
_MAX_SAMPLE_RATE = 192_000
_MAX_CHANNELS = 8
_DECODE_RATE = 48_000
_BLOCK_FRAMES = 65_536


def decode(sample: Sample) -> tuple[np.ndarray, int]:
    """Mono float32 samples and their rate, from a path, encoded bytes or ``(array, sr)``."""
    if isinstance(sample, tuple):
        audio, sr = sample
        audio = np.asarray(audio, dtype=np.float32)
        if audio.ndim == 2:
            audio = audio.mean(axis=1 if audio.shape[1] <= 8 else 0)
        return _checked(audio, int(sr), "array")
    if isinstance(sample, (str, Path)):
        try:
            data = Path(sample).read_bytes()
        except OSError as e:
            raise UnsupportedAudio(f"cannot read {sample}: {e.strerror or e}") from e
        return _decode_bytes(data, str(sample))
    if isinstance(sample, (bytes, bytearray, memoryview)):
        return _decode_bytes(bytes(sample), "upload")
    raise UnsupportedAudio(f"unsupported sample type {type(sample).__name__}")


def _decode_bytes(data: bytes, label: str) -> tuple[np.ndarray, int]:
    if len(data) < 64:
        raise UnsupportedAudio(f"{label}: file is empty or truncated")
    if _wav_is_truncated(data):
        raise UnsupportedAudio(f"{label}: WAV file is truncated (shorter than its header says)")
    try:
        audio, sr = _decode_soundfile(data)
    except UnsupportedAudio as e:
        raise UnsupportedAudio(f"{label}: {e}") from e
    except (sf.LibsndfileError, RuntimeError, ValueError):
        # libsndfile covers WAV/FLAC/OGG/MP3; AAC/M4A and browser WebM need ffmpeg (PyAV).
        audio, sr = _decode_av(data, label)
    return _checked(audio, sr, label)


def _wav_is_truncated(data: bytes) -> bool:
    # libsndfile silently decodes what is there; a cut-off upload should be re-sent instead.
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return False
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk == b"data":
            # 0 and 0xFFFFFFFF mark streamed WAVs whose size was never filled in.
            return size not in (0, 0xFFFFFFFF) and pos + 8 + size > len(data)
        pos += 8 + size + (size & 1)
    return True


def _header_check(sr: int, channels: int, frames: int) -> None:
    if sr > _MAX_SAMPLE_RATE:
        raise UnsupportedAudio(
            f"sample rate {sr:,} Hz is too high (at most {_MAX_SAMPLE_RATE:,} Hz)"
        )
    if sr < 8000:
        raise UnsupportedAudio(f"sample rate {sr} Hz is too low (need at least 8 kHz)")
    if not 1 <= channels <= _MAX_CHANNELS:
        raise UnsupportedAudio(f"{channels} channels (at most {_MAX_CHANNELS})")
    if frames > _MAX_DECODE_SECONDS * sr:
        raise UnsupportedAudio(f"longer than {_MAX_DECODE_SECONDS // 60} minutes")


def probe(data: bytes, label: str = "upload") -> tuple[int, int, float | None]:
    """Rate, channels and seconds (None when the container does not say) from the header alone.

    Applies the same limits as `decode` without decoding the audio, so a request can refuse an
    impossible file at once and leave the decode to a worker.
    """
    if len(data) < 64:
        raise UnsupportedAudio(f"{label}: file is empty or truncated")
    if _wav_is_truncated(data):
        raise UnsupportedAudio(f"{label}: WAV file is truncated (shorter than its header says)")
    try:
        info = sf.info(io.BytesIO(data))
    except (sf.LibsndfileError, RuntimeError, ValueError):
        return _probe_av(data, label)
    try:
        _header_check(info.samplerate, info.channels, info.frames)
    except UnsupportedAudio as e:
        raise UnsupportedAudio(f"{label}: {e}") from e
    seconds = info.frames / info.samplerate if info.frames > 0 else None
    return info.samplerate, info.channels, seconds


def _probe_av(data: bytes, label: str) -> tuple[int, int, float | None]:
    import av

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise UnsupportedAudio(f"{label}: no audio stream")
            stream = container.streams.audio[0]
            sr, channels = stream.sample_rate or 0, stream.channels or 0
            duration = container.duration  # microseconds; absent in streamed WebM
    except av.error.FFmpegError as e:
        raise UnsupportedAudio(f"{label}: not a recognised audio file ({e})") from e
    seconds = duration / 1_000_000 if duration and duration > 0 else None
    if sr == 0 or channels == 0:
        # Some containers leave the header blank; the worker's decode checks the first frame.
        return sr, channels, seconds
    frames = int((seconds or 0) * sr)
    try:
        _header_check(sr, channels, frames)
    except UnsupportedAudio as e:
        raise UnsupportedAudio(f"{label}: {e}") from e
    return sr, channels, seconds


class _MonoCollector:
    """Mono blocks at a bounded rate, written into one buffer (sized from the header when it
    gives the length), refusing audio past the length cap as it arrives."""

    def __init__(self, sr: int, frames: int = 0) -> None:
        self.sr = min(sr, _DECODE_RATE)
        self.stream = soxr.ResampleStream(sr, self.sr, 1, dtype="float32") if sr > self.sr else None
        self.cap = _MAX_DECODE_SECONDS * self.sr
        expected = frames * self.sr // sr + _BLOCK_FRAMES if frames > 0 else self.sr * 60
        self.buffer = np.empty(min(expected, self.cap), dtype=np.float32)
        self.size = 0

    def add(self, mono: np.ndarray, *, last: bool = False) -> None:
        if self.stream is not None:
            mono = self.stream.resample_chunk(mono, last=last)
        end = self.size + len(mono)
        if end > self.cap:
            raise UnsupportedAudio(f"longer than {_MAX_DECODE_SECONDS // 60} minutes")
        if end > len(self.buffer):
            grown = np.empty(min(max(end, 2 * len(self.buffer)), self.cap), dtype=np.float32)
            grown[: self.size] = self.buffer[: self.size]
            self.buffer = grown
        self.buffer[self.size : end] = mono
        self.size = end

    def audio(self) -> np.ndarray:
        if self.stream is not None:
            self.add(np.zeros(0, dtype=np.float32), last=True)
            self.stream = None
        return self.buffer[: self.size]


def _decode_soundfile(data: bytes) -> tuple[np.ndarray, int]:
    with sf.SoundFile(io.BytesIO(data)) as f:
        _header_check(f.samplerate, f.channels, f.frames)
        collector, decoded = _MonoCollector(f.samplerate, f.frames), 0
        for block in f.blocks(blocksize=_BLOCK_FRAMES, dtype="float32", always_2d=True):
            decoded += len(block)
            collector.add(block.mean(axis=1))
        expected = f.frames
    # A file cut short in transfer decodes to fewer frames than its header promises.
    if expected > 0 and decoded < expected * 0.98:
        raise UnsupportedAudio(f"file is truncated ({decoded} of {expected} frames)")
    return collector.audio(), collector.sr


def _decode_av(data: bytes, label: str) -> tuple[np.ndarray, int]:
    import av  # imported lazily: only needed for formats libsndfile cannot read

    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise UnsupportedAudio(f"{label}: no audio stream")
            collector, resampler = None, None
            for frame in container.decode(container.streams.audio[0]):
                if collector is None:
                    # Checked on the first decoded frame: some containers leave the header blank.
                    _header_check(frame.sample_rate, len(frame.layout.channels), 0)
                    collector = _MonoCollector(frame.sample_rate)
                    resampler = av.AudioResampler(format="flt", layout="mono", rate=collector.sr)
                for out in resampler.resample(frame):
                    collector.add(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as e:
        raise UnsupportedAudio(f"{label}: not a recognised audio file ({e})") from e
    except UnsupportedAudio as e:
        raise UnsupportedAudio(f"{label}: {e}") from e
    if collector is None or not collector.size:
        raise UnsupportedAudio(f"{label}: no decodable audio")
    return collector.audio(), collector.sr


def _checked(audio: np.ndarray, sr: int, label: str) -> tuple[np.ndarray, int]:
    if sr < 8000:
        raise UnsupportedAudio(f"{label}: sample rate {sr} Hz is too low (need at least 8 kHz)")
    if audio.size == 0:
        raise UnsupportedAudio(f"{label}: contains no audio")
    if audio.size > _MAX_DECODE_SECONDS * sr:
        raise UnsupportedAudio(f"{label}: longer than {_MAX_DECODE_SECONDS // 60} minutes")
    if not np.all(np.isfinite(audio)):
        raise UnsupportedAudio(f"{label}: contains invalid (NaN/inf) samples")
    return audio.astype(np.float32, copy=False), sr


def resample(audio: np.ndarray, sr: int, target: int) -> np.ndarray:
    if sr == target:
        return audio.astype(np.float32, copy=False)
    return soxr.resample(audio, sr, target, quality="HQ").astype(np.float32)


# --- frame analysis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameTrack:
    """Per-10 ms frame measurements of 16 kHz audio."""

    energy_db: np.ndarray  # frame RMS in dBFS
    voicing: np.ndarray  # normalised autocorrelation peak in the pitch range, 0..1
    f0: np.ndarray  # Hz, 0 where unvoiced
    speech: np.ndarray  # bool, speech activity after smoothing


def frame_track(audio16: np.ndarray) -> FrameTrack:
    hop, win = 160, 640
    padded = np.pad(audio16, (win // 2, win // 2))
    n = max(1, 1 + (len(padded) - win) // hop)
    frames = np.lib.stride_tricks.sliding_window_view(padded, win)[::hop][:n].astype(np.float64)
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy_db = 10 * np.log10(np.mean(frames[:, 240:400] ** 2, axis=1) + 1e-12)
    voicing, f0 = _pitch(frames)
    return FrameTrack(energy_db, voicing, f0, _speech_mask(energy_db, voicing))


def median_pitch(audio16: np.ndarray) -> float:
    """Median pitch of the voiced speech frames, Hz; 0 when nothing is voiced."""
    track = frame_track(audio16)
    voiced = track.f0[(track.f0 > 0) & track.speech]
    return float(np.median(voiced)) if voiced.size else 0.0


def _pitch(frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Autocorrelation pitch in 60-400 Hz, normalised so a periodic frame scores near 1."""
    win = frames.shape[1]
    windowed = frames * np.hanning(win)
    spec = np.fft.rfft(windowed, n=2 * win, axis=1)
    acf = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :win]
    # Divide by the window's own autocorrelation so long lags are not penalised.
    w_acf = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(win), n=2 * win)) ** 2)[:win]
    acf = acf / np.maximum(w_acf, 1e-9)
    lo, hi = 16000 // 400, 16000 // 60
    norm = acf[:, lo:hi] / np.maximum(acf[:, :1], 1e-12)
    peak = norm.max(axis=1, keepdims=True)
    # The shortest lag close to the best one is the period; longer ones are its multiples.
    best = np.argmax(norm >= 0.9 * peak, axis=1)
    voicing = np.clip(peak[:, 0], 0, 1)
    f0 = np.where(voicing > 0.5, 16000 / (best + lo), 0.0)
    return voicing, f0


def _speech_mask(energy_db: np.ndarray, voicing: np.ndarray) -> np.ndarray:
    floor = np.percentile(energy_db, 10)
    peak = np.percentile(energy_db, 98)
    threshold = max(floor + 6.0, peak - 40.0, -65.0)
    active = energy_db > threshold
    # Speech needs voiced frames nearby: steady noise is loud but not periodic.
    voiced = (voicing > 0.55) & active
    near_voice = np.convolve(voiced.astype(float), np.ones(31), mode="same") > 0
    mask = active & near_voice
    # Bridge short gaps (plosives, short pauses) and drop blips under 100 ms.
    mask = np.convolve(mask.astype(float), np.ones(21), mode="same") > 0
    return _drop_short_runs(mask, 10)


def _drop_short_runs(mask: np.ndarray, min_len: int) -> np.ndarray:
    out = mask.copy()
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start < min_len:
            out[start:stop] = False
    return out


def speech_only(audio16: np.ndarray, track: FrameTrack | None = None) -> np.ndarray:
    """The samples inside speech regions, joined (long silences removed)."""
    track = track or frame_track(audio16)
    mask = np.repeat(track.speech, 160)[: len(audio16)]
    mask = np.pad(mask, (0, len(audio16) - len(mask)))
    return audio16[mask]
