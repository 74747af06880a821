"""Turning model rows into API payloads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from billing.money import format_usd
from synthesis.models import Job


def job_payload(request: HttpRequest, job: Job) -> dict[str, Any]:
    audio_url = None
    if job.has_audio:
        audio_url = request.build_absolute_uri(reverse("api:job_audio", args=[job.public_id]))
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
    }  # fmt: skip


def stock_voice_payload(voice: Any) -> dict[str, Any]:
    return {
        "id": voice.id, "type": "stock", "name": voice.display_name, "language": voice.lang,
        "language_name": voice.language, "gender": voice.gender, "status": "ready",
    }  # fmt: skip


def cloned_voice_payload(voice: Any) -> dict[str, Any]:
    return {
        "id": voice.public_id, "type": "cloned", "name": voice.name, "language": None,
        "language_name": None, "gender": None, "status": voice.status,
        "tier": voice.tier or None, "progress": voice.progress if voice.tier else None,
        "error": voice.error or None, "identity_score": getattr(voice, "identity_score", None),
        "stopping": voice.status == "processing" and voice.cancel_requested,
        "created_at": voice.created_at,
    }  # fmt: skip
