import hashlib
import io
import struct

import av
import numpy as np
import pytest
import soundfile as sf

from synthesis.engine import SAMPLE_RATE
from synthesis.engine.errors import UnsupportedFormat
from synthesis.engine.formats import FORMATS, encode_file, encode_stream, to_pcm16

# Each chunk is longer than a FLAC block (4096 samples), so each one completes a frame.
SIZES = (5000, 25000, 18000)


def _tone_chunks() -> list[np.ndarray]:
    t = np.arange(sum(SIZES)) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return np.split(tone, np.cumsum(SIZES)[:-1])


def _pcm16(chunks: list[np.ndarray]) -> np.ndarray:
    return np.frombuffer(b"".join(to_pcm16(c) for c in chunks), dtype="<i2")


def _streaminfo(data: bytes) -> dict:
    """The fields of the STREAMINFO block, which the FLAC format puts first, after "fLaC"."""
    assert data[:4] == b"fLaC"
    assert data[4] & 0x7F == 0 and int.from_bytes(data[5:8]) == 34
    block = data[8:42]
    packed = int.from_bytes(block[10:18])
    return {
        "min_block": int.from_bytes(block[0:2]),
        "max_block": int.from_bytes(block[2:4]),
        "min_frame": int.from_bytes(block[4:7]),
        "max_frame": int.from_bytes(block[7:10]),
        "rate": packed >> 44,
        "channels": (packed >> 41 & 0x7) + 1,
        "bits": (packed >> 36 & 0x1F) + 1,
        "total_samples": packed & (1 << 36) - 1,
        "md5": block[18:34],
    }


def _decode_with_ffmpeg(data: bytes) -> tuple[np.ndarray, int]:
    """FFmpeg's FLAC decoder (through PyAV) reads streams whose length is unknown."""
    with av.open(io.BytesIO(data), format="flac") as container:
        stream = container.streams.audio[0]
        frames = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
        return np.concatenate(frames), stream.rate


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus"])
def test_the_concatenated_stream_decodes_with_soundfile(fmt):
    data = b"".join(encode_stream(_tone_chunks(), fmt))
    audio, rate = sf.read(io.BytesIO(data), dtype="float32")
    assert rate in (SAMPLE_RATE, 48_000)
    assert len(audio) / rate == pytest.approx(2.0, abs=0.1)
    assert 0.2 < np.abs(audio).max() < 0.6


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus", "flac", "aac"])
def test_it_yields_bytes_before_the_input_ends(fmt):
    def slow_chunks():
        yield from _tone_chunks()
        raise AssertionError("consumer asked for more than needed")

    stream = encode_stream(slow_chunks(), fmt)
    first = next(stream)
    assert len(first) > 0


def test_streamed_flac_goes_out_chunk_by_chunk_header_first():
    consumed = []

    def recorded():
        for chunk in _tone_chunks():
            consumed.append(len(chunk))
            yield chunk

    stream = encode_stream(recorded(), "flac")
    first = next(stream)
    assert consumed == [SIZES[0]]  # sent before the second chunk was asked for
    assert first[:4] == b"fLaC"
    header_length = 42 + 4 + int.from_bytes(first[43:46])  # STREAMINFO, then the comment
    assert len(first) > header_length  # the header and the first chunk's frame
    second = next(stream)
    assert consumed == list(SIZES[:2]) and len(second) > 0


def test_streamed_flac_says_length_unknown_and_decodes_exactly():
    chunks = _tone_chunks()
    data = b"".join(encode_stream(chunks, "flac"))
    info = _streaminfo(data)
    assert (info["rate"], info["channels"], info["bits"]) == (SAMPLE_RATE, 1, 16)
    assert info["min_block"] == info["max_block"] == 4096
    # Every value only known at the end says "unknown"; none is a stale or partial patch.
    assert info["total_samples"] == 0
    assert info["md5"] == bytes(16)
    assert info["min_frame"] == info["max_frame"] == 0

    audio, rate = _decode_with_ffmpeg(data)
    assert rate == SAMPLE_RATE
    assert audio.dtype == np.int16
    np.testing.assert_array_equal(audio, _pcm16(chunks))  # lossless: the samples pcm sends


def test_a_flac_copy_is_a_complete_file_that_differs_only_in_its_header():
    chunks = _tone_chunks()
    copy = io.BytesIO()
    streamed = b"".join(encode_stream(chunks, "flac", copy_to=copy))
    stored = copy.getvalue()
    samples = _pcm16(chunks)

    info = _streaminfo(stored)
    assert info["total_samples"] == len(samples) == sum(SIZES)
    # FLAC defines this checksum as MD5; it is not used for security.
    assert info["md5"] == hashlib.md5(samples.tobytes(), usedforsecurity=False).digest()
    assert 0 < info["min_frame"] <= info["max_frame"]
    assert len(stored) == len(streamed)
    assert stored[:8] == streamed[:8] and stored[42:] == streamed[42:]

    audio, rate = sf.read(io.BytesIO(stored), dtype="int16")
    assert rate == SAMPLE_RATE
    np.testing.assert_array_equal(audio, samples)


def test_a_flac_copy_is_what_libsndfile_writes_for_the_whole_signal():
    chunks = _tone_chunks()
    whole = io.BytesIO()
    sf.write(whole, _pcm16(chunks), SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    copy = io.BytesIO()
    encode_file(chunks, "flac", copy)
    assert copy.getvalue() == whole.getvalue()


def test_a_copy_is_written_from_the_files_position_and_left_at_its_end():
    out = io.BytesIO()
    out.write(b"prefix")
    encode_file(_tone_chunks(), "flac", out)
    assert out.tell() == len(out.getvalue())
    assert _streaminfo(out.getvalue()[6:])["total_samples"] == sum(SIZES)


@pytest.mark.parametrize("fmt", ["wav", "pcm", "mp3", "opus"])
def test_other_formats_copy_the_stream_unchanged(fmt):
    copy = io.BytesIO()
    streamed = b"".join(encode_stream(_tone_chunks(), fmt, copy_to=copy))
    assert copy.getvalue() == streamed


def test_the_wav_header_announces_an_unknown_length():
    header = next(encode_stream(iter(_tone_chunks()), "wav"))
    assert header[:4] == b"RIFF" and header[8:16] == b"WAVEfmt "
    assert struct.unpack("<I", header[40:44])[0] == 0xFFFFFFFF


def test_pcm_is_raw_signed_16_bit_little_endian():
    chunk = np.array([0.0, 0.5, -1.0, 2.0], dtype=np.float32)
    data = b"".join(encode_stream([chunk], "pcm"))
    assert np.frombuffer(data, "<i2").tolist() == [0, 16384, -32767, 32767]


def test_it_rejects_an_unknown_format():
    with pytest.raises(UnsupportedFormat, match="aiff"):
        encode_stream([], "aiff")


def test_the_format_list_is_what_the_api_offers():
    assert FORMATS == ("wav", "pcm", "mp3", "opus", "flac", "aac")


def test_streamed_aac_is_adts_that_ffmpeg_decodes_to_the_tone():
    parts = list(encode_stream(_tone_chunks(), "aac"))
    data = b"".join(parts)
    # ADTS: every frame starts with the 12-bit sync word, so any prefix of the stream plays.
    assert data[0] == 0xFF and data[1] >> 4 == 0xF
    with av.open(io.BytesIO(data)) as container:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    assert len(audio) / SAMPLE_RATE == pytest.approx(2.0, abs=0.1)
    spectrum = np.abs(np.fft.rfft(audio[4096:28096]))
    assert np.argmax(spectrum) * SAMPLE_RATE / 24000 == pytest.approx(440, abs=2)
