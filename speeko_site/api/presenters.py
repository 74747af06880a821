"""Turning model rows into API payloads."""

from __future__ import annotations

import base64
import json
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from billing.money import format_usd
from synthesis.engine.timestamps import WordTime, character_alignment
from synthesis.models import Job


def job_payload(request: HttpRequest, job: Job) -> dict[str, Any]:
    audio_url = None
    if job.has_audio:
        audio_url = request.build_absolute_uri(reverse("api:job_audio", args=[job.public_id]))
    timestamps_url = None
    if job.with_timestamps and job.status == Job.Status.DONE:
        path = reverse("api:job_timestamps", args=[job.public_id])
        timestamps_url = request.build_absolute_uri(path)
    error = None
    if job.status in (Job.Status.FAILED, Job.Status.CANCELLED):
        error = {
            "code": job.error_code or job.status,
            "message": job.error_message or f"The job was {job.status}.",
        }
    cost = job.charged_micros if job.status == Job.Status.DONE else job.estimated_cost_micros
    return {
        "id": str(job.public_id), "status": job.status, "voice_id": job.voice,
        "format": job.format, "language": job.language, "speed": job.speed,
        "billable_characters": job.billable_characters, "cost_micros": cost,
        "cost_usd": format_usd(cost), "progress": round(job.progress, 3),
        "duration_seconds": round(job.duration_seconds, 3), "created_at": job.created_at,
        "finished_at": job.finished_at, "audio_url": audio_url, "error": error,
        "timestamps_url": timestamps_url,
    }  # fmt: skip


def timestamps_payload(job: Job) -> dict[str, Any]:
    words = [WordTime(text, start, end) for text, start, end in job.words]
    return {
        "words": [{"word": w.text, "start": w.start, "end": w.end} for w in words],
        "alignment": character_alignment(words),
        "marks": [{"name": name, "time_seconds": time} for name, time in job.marks],
    }


def timed_chunk_line(audio: bytes, words: list[list[Any]], *, after: list[Any] | None) -> bytes:
    """A line of a timed stream: the next audio bytes and the words that ended in them, with
    their characters; ``after`` is the word before them (the line's leading space)."""
    times = [WordTime(text, start, end) for text, start, end in words]
    line = {
        "audio_base64": base64.b64encode(audio).decode(),
        "alignment": character_alignment(times, after=WordTime(*after) if after else None),
        "words": [{"word": w.text, "start": w.start, "end": w.end} for w in times],
    }
    return json.dumps(line, ensure_ascii=False).encode() + b"\n"


def timed_error_line(error: dict[str, str]) -> bytes:
    """The last line of a timed stream whose speech could not be finished."""
    empty = character_alignment([])
    line = {"audio_base64": "", "alignment": empty, "words": [], "error": error}
    return json.dumps(line, ensure_ascii=False).encode() + b"\n"


def stock_voice_payload(voice: Any) -> dict[str, Any]:
    return {
        "id": voice.id, "type": "stock", "name": voice.display_name, "language": voice.lang,
        "language_name": voice.language, "gender": voice.gender, "status": "ready",
    }  # fmt: skip


# The cloning library's thresholds on the agreement of a sample's two halves (0..1).
ONE_SPEAKER_MIN_CONSISTENCY = 0.7


def sample_payload(sample: Any) -> dict[str, Any]:
    found = sample.analysis or {}
    consistency = found.get("consistency")
    status = getattr(sample, "status", "analysed")
    verdict = None if status == "analysing" else found.get("verdict", "ok")
    if status == "rejected":
        verdict = "reject"
    return {
        "sample_id": sample.public_id, "name": sample.original_name,
        "status": verdict or "analysing", "error": getattr(sample, "error", "") or None,
        "seconds": sample.seconds, "speech_seconds": sample.speech_seconds,
        "snr_db": found.get("snr_db"), "clipping_percent": found.get("clipping_percent"),
        "loudness_lufs": found.get("loudness_lufs"), "consistency": consistency,
        "one_speaker": None if consistency is None
        else consistency >= ONE_SPEAKER_MIN_CONSISTENCY,
        "verdict": verdict, "advice": list(found.get("advice", [])),
    }  # fmt: skip


def sample_analysis_payload(voice: Any) -> dict[str, Any] | None:
    return samples_analysis_payload(list(voice.samples.all()))


def samples_analysis_payload(rows: list[Any]) -> dict[str, Any] | None:
    """Each sample's analysis, judged alone, and a summary judged on all of them together:
    their total speech, and the noisiest, most clipped, quietest and least consistent one."""
    from voices.cloning.analysis import _judge

    samples = [sample_payload(s) for s in rows]
    if not samples:
        return None
    speech = round(sum(s["speech_seconds"] for s in samples), 2)
    if any(s["status"] == "analysing" for s in samples):
        return {
            "status": "analysing", "speech_seconds": speech, "verdict": None,
            "one_speaker": all(s["one_speaker"] is not False for s in samples),
            "advice": ["Some samples are still being analysed."], "samples": samples,
        }  # fmt: skip
    consistencies = [s["consistency"] for s in samples if s["consistency"] is not None]
    verdict, advice = _judge(
        speech,
        min(_figure(s, "snr_db", 99.0) for s in samples),
        max(_figure(s, "clipping_percent", 0.0) for s in samples) / 100,
        min(_figure(s, "loudness_lufs", -20.0) for s in samples),
        min(consistencies) if consistencies else None,
    )
    if any(s["error"] for s in samples):  # rejected by the analysis: the set can't be cloned
        verdict = "reject"
        advice = [f"{s['name'] or s['sample_id']}: {s['error']}" for s in samples if s["error"]]
    return {
        "status": verdict,
        "speech_seconds": speech,
        "verdict": verdict,
        "one_speaker": all(s["one_speaker"] is not False for s in samples),
        "advice": advice,
        "samples": samples,
    }


def _figure(sample: dict[str, Any], name: str, missing: float) -> float:
    value = sample.get(name)
    return missing if value is None else float(value)


def cloned_voice_payload(voice: Any) -> dict[str, Any]:
    consent = getattr(voice, "consent", None)
    return {
        "id": voice.public_id, "type": "cloned", "name": voice.name, "language": None,
        "language_name": None, "gender": None, "status": voice.status,
        "tier": voice.tier or None, "progress": voice.progress if voice.tier else None,
        "error": voice.error or None, "identity_score": getattr(voice, "identity_score", None),
        "stopping": voice.status == "processing" and voice.cancel_requested,
        "created_at": voice.created_at,
        "consent_id": consent.public_id if consent is not None else None,
        "sample_analysis": sample_analysis_payload(voice),
    }  # fmt: skip
