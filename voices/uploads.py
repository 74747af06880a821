"""Checks on uploaded files, which are hostile input.

The type comes from the content (magic bytes), never from the name or the browser's content type;
audio is decoded with a real decoder and only what decodes counts (a 60-byte WAV can claim 4 GiB in
its header). A sample upload gets only the header checks in the request (`audio_probe`); a worker
decodes it. Every refusal raises UploadRejected with a message that says what to fix.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

import numpy as np
from django.core.files.uploadedfile import UploadedFile

from voices.exceptions import UploadRejected

AUDIO_FORMATS = "WAV, FLAC, OGG/Opus, MP3, M4A/AAC or WebM"
# One decode at a time per process: a web process answers many requests on threads, and the
# longest recording accepted holds about 230 MB of samples while it is decoded.
_DECODE_SLOT = threading.BoundedSemaphore(1)
# (content type, extension) by magic bytes; the decoder still has the last word.
_AUDIO_MAGIC: list[tuple[int, bytes, str, str]] = [
    (8, b"WAVE", "audio/wav", "wav"),
    (0, b"fLaC", "audio/flac", "flac"),
    (0, b"OggS", "audio/ogg", "ogg"),
    (0, b"ID3", "audio/mpeg", "mp3"),
    (4, b"ftyp", "audio/mp4", "m4a"),
    (0, b"\x1a\x45\xdf\xa3", "audio/webm", "webm"),
]


# A photo or scan of a signed page is hundreds of pixels across; a thumbnail can't be read.
MIN_DOCUMENT_PIXELS = 200


@dataclass(frozen=True)
class CheckedAudio:
    data: bytes
    content_type: str
    ext: str
    audio: np.ndarray
    sample_rate: int

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.sample_rate


@dataclass(frozen=True)
class ProbedAudio:
    """An upload that passed the checks a request can afford: size, type, header limits.

    Nothing here was decoded; a worker decodes and analyses it (see voices.services.analysis).
    """

    data: bytes
    content_type: str
    ext: str
    seconds: float | None

    def decoded(self, *, what: str) -> CheckedAudio:
        audio, sr = audio_decode(self.data, what=what)
        return CheckedAudio(self.data, self.content_type, self.ext, audio, sr)


@dataclass(frozen=True)
class CheckedDocument:
    data: bytes
    content_type: str
    ext: str


def upload_read(upload: UploadedFile | None, *, max_bytes: int, what: str) -> bytes:
    """The upload's bytes, refusing empty and oversized files without reading them whole."""
    if upload is None:
        raise UploadRejected(f"Choose the {what} to upload.")
    if not upload.size:
        raise UploadRejected(f"The {what} is empty (0 bytes). Choose the file again.")
    if upload.size > max_bytes:
        raise UploadRejected(
            f"The {what} is {_mb(upload.size)}; the limit is {_mb(max_bytes)}. "
            "Upload a shorter or more compressed file."
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(f"The {what} is larger than {_mb(max_bytes)}.")
    return data


def audio_sniff(data: bytes) -> tuple[str, str] | None:
    for offset, magic, content_type, ext in _AUDIO_MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return content_type, ext
    if len(data) > 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        # MPEG audio frame sync: 0xFFF1/0xFFF9 are ADTS AAC, the rest MP3.
        return ("audio/aac", "aac") if data[1] & 0x06 == 0 else ("audio/mpeg", "mp3")
    return None


def audio_check(upload: UploadedFile | None, *, max_bytes: int, what: str) -> CheckedAudio:
    data, sniffed = _audio_read(upload, max_bytes=max_bytes, what=what)
    audio, sr = audio_decode(data, what=what)
    return CheckedAudio(data, sniffed[0], sniffed[1], audio, sr)


def audio_probe(upload: UploadedFile | None, *, max_bytes: int, what: str) -> ProbedAudio:
    """The checks that need no decoding: size, type by content, and the header's rate,
    channels and length. Cheap enough for a web request; the decode is a worker's."""
    from voices.cloning.audio import probe
    from voices.cloning.errors import CloningError

    data, sniffed = _audio_read(upload, max_bytes=max_bytes, what=what)
    try:
        _, _, seconds = probe(data)
    except CloningError as e:
        raise UploadRejected(
            f"The {what} could not be decoded ({_reason(e)}). Export it again as {AUDIO_FORMATS}."
        ) from e
    if seconds is not None and seconds < 0.5:
        raise UploadRejected(f"The {what} holds less than half a second of audio.")
    return ProbedAudio(data, sniffed[0], sniffed[1], seconds)


def _audio_read(
    upload: UploadedFile | None, *, max_bytes: int, what: str
) -> tuple[bytes, tuple[str, str]]:
    """The upload's bytes and (content type, extension), told by content, not by name."""
    data = upload_read(upload, max_bytes=max_bytes, what=what)
    sniffed = audio_sniff(data)
    if sniffed is None:
        raise UploadRejected(
            f"The {what} is not an audio file we can read. Upload {AUDIO_FORMATS} "
            "(the file name does not matter; its content does)."
        )
    return data, sniffed


def audio_decode(data: bytes, *, what: str) -> tuple[np.ndarray, int]:
    from voices.cloning.audio import decode
    from voices.cloning.errors import CloningError

    try:
        with _DECODE_SLOT:
            audio, sr = decode(data)
    except CloningError as e:
        raise UploadRejected(
            f"The {what} could not be decoded ({_reason(e)}). Export it again as {AUDIO_FORMATS}."
        ) from e
    if len(audio) < sr // 2:
        raise UploadRejected(f"The {what} holds less than half a second of audio.")
    return audio, sr


def document_check(upload: UploadedFile | None, *, max_bytes: int) -> CheckedDocument:
    """A signed consent document: a complete PDF, PNG or JPEG, judged by its content."""
    what = "signed consent document"
    data = upload_read(upload, max_bytes=max_bytes, what=what)
    kind = _document_kind(data)
    if kind is None:
        raise UploadRejected(
            "The signed consent document must be a complete, readable PDF, PNG or JPEG file "
            f"(a scan or photo of the signed page, at least {MIN_DOCUMENT_PIXELS} pixels across, "
            "works)."
        )
    return CheckedDocument(data, *kind)


def _document_kind(data: bytes) -> tuple[str, str] | None:
    """What the document really is, by parsing it: a PDF with a page, or a whole PNG or JPEG."""
    if data.startswith(b"%PDF-"):
        return ("application/pdf", "pdf") if _pdf_pages(data) else None
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return _image_kind(data)
    return None


def _pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        # A page must have a size: a page object with nothing behind it is not a signed page.
        return sum(1 for page in reader.pages if page.mediabox.width and page.mediabox.height)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return 0


def _image_kind(data: bytes) -> tuple[str, str] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, size = image.format, image.size
            image.load()  # decodes every pixel: a truncated scan fails here
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    if min(size) < MIN_DOCUMENT_PIXELS:
        return None
    return {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg")}.get(kind or "")


def _reason(error: Exception) -> str:
    # The library prefixes its messages with a label ("upload: ..."); the person needs the rest.
    return str(error).split(": ", 1)[-1] if ": " in str(error) else str(error)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
