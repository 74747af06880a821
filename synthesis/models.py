from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    """One request to turn text into audio, from submission to the stored file.

    The row is the source of truth for a job's state: workers, the chunk relay and billing all
    read it, and a worker that dies leaves a row the reconciler can finish.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    class VoiceKind(models.TextChoices):
        STOCK = "stock", "Stock voice"
        BLEND = "blend", "Blend of stock voices"
        CLONED = "cloned", "Cloned voice"

    TERMINAL = frozenset({Status.DONE, Status.FAILED, Status.CANCELLED})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="synthesis_jobs"
    )
    voice = models.CharField(max_length=200)
    voice_kind = models.CharField(max_length=10, choices=VoiceKind.choices)
    text = models.TextField()
    ssml = models.BooleanField(default=False)
    language = models.CharField(max_length=8, blank=True)
    speed = models.FloatField(default=1.0)
    format = models.CharField(max_length=8, default="mp3")
    source = models.CharField(max_length=16, default="web")
    # Which API key submitted the job (its public id), for per-key usage and limits.
    # What a cloned voice speaks for (a permitted use of its consent, and the project's name).
    use = models.CharField(max_length=20, blank=True)
    project = models.CharField(max_length=120, blank=True)
    client_ref = models.CharField(max_length=64, blank=True, db_index=True)
    billable_characters = models.PositiveIntegerField()
    estimated_cost_micros = models.PositiveBigIntegerField()
    charged_micros = models.PositiveBigIntegerField(default=0)
    reservation = models.ForeignKey(
        "billing.Reservation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    progress = models.FloatField(default=0.0)
    attempt = models.PositiveSmallIntegerField(default=0)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    first_audio_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    audio = models.FileField(upload_to="synthesis/%Y/%m/", blank=True)
    audio_bytes = models.PositiveBigIntegerField(default=0)
    duration_seconds = models.FloatField(default=0.0)
    waveform = models.JSONField(default=list, blank=True)
    audio_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.public_id} ({self.status})"

    @property
    def is_terminal(self) -> bool:
        return self.status in self.TERMINAL

    def waveform_bars(self, height: float = 40.0) -> list[tuple[int, float, float]]:
        """(x, y, height) of each bar of the waveform picture, centred on the middle line."""
        bars = []
        for x, peak in enumerate(self.waveform):
            h = max(0.6, float(peak) * height)
            bars.append((x, round((height - h) / 2, 2), round(h, 2)))
        return bars

    @property
    def has_audio(self) -> bool:
        return self.status == self.Status.DONE and bool(self.audio) and not self.audio_deleted_at
