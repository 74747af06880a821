import uuid

from django.db import models


class Canary(models.Model):
    """A round trip through the broker and a worker, written back to the database.

    The worker process proves it can read the queue and write the database by completing one of
    these; health checks and tests use it instead of Celery's result backend, which we do not
    trust as a source of truth.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.public_id)
