from __future__ import annotations

import secrets
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
    # The pronunciation rules applied, as they were when the job was made, and where from:
    # [[dictionary public id, version], ...].
    lexicon = models.JSONField(default=list, blank=True)
    dictionaries = models.JSONField(default=list, blank=True)
    with_timestamps = models.BooleanField(default=False)
    # [[word, start, end], ...] in seconds, for a job asked for timestamps.
    words = models.JSONField(default=list, blank=True)
    # [[name, time], ...]: the SSML marks and when the audio reached them, in seconds.
    marks = models.JSONField(default=list, blank=True)
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


def dictionary_public_id() -> str:
    return f"pd_{secrets.token_urlsafe(12)}"


class PronunciationDictionary(models.Model):
    """An account's pronunciation rules, versioned: every change makes a new version."""

    public_id = models.CharField(
        max_length=40, unique=True, default=dictionary_public_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pronunciation_dictionaries",
    )
    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1, help_text="The latest version's number.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "pronunciation dictionaries"

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class PronunciationDictionaryVersion(models.Model):
    class Source(models.TextChoices):
        EDITOR = "editor", "Edited on the page"
        PLS = "pls", "PLS file"
        API = "api", "API"

    dictionary = models.ForeignKey(
        PronunciationDictionary, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    # [{"grapheme", "phonemes", "alias", "case_sensitive"}, ...] (synthesis.engine.lexicon.Rule)
    rules = models.JSONField(default=list)
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["dictionary", "number"], name="pd_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dictionary.public_id} v{self.number}"
