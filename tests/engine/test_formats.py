import io
import struct

import numpy as np
import pytest
import soundfile as sf

from synthesis.engine import SAMPLE_RATE
from synthesis.engine.errors import UnsupportedFormat
from synthesis.engine.formats import FORMATS, encode_stream


def _tone_chunks() -> list[np.ndarray]:
    t = np.arange(SAMPLE_RATE * 2) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return [tone[:5000], tone[5000:30000], tone[30000:]]


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus", "flac"])
def test_the_concatenated_stream_decodes_with_soundfile(fmt):
    data = b"".join(encode_stream(_tone_chunks(), fmt))
    audio, rate = sf.read(io.BytesIO(data), dtype="float32")
    assert rate in (SAMPLE_RATE, 48_000)
    assert len(audio) / rate == pytest.approx(2.0, abs=0.1)
    assert 0.2 < np.abs(audio).max() < 0.6


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus"])
def test_it_yields_bytes_before_the_input_ends(fmt):
    def slow_chunks():
        yield from _tone_chunks()
        raise AssertionError("consumer asked for more than needed")

    stream = encode_stream(slow_chunks(), fmt)
    first = next(stream)
    assert len(first) > 0


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
    assert FORMATS == ("wav", "pcm", "mp3", "opus", "flac")
