"""The Celery application shared by every Speeko worker.

Safety defaults live in settings (CELERY_*): late acks with reject-on-worker-lost so a job whose
worker dies is redelivered rather than lost, prefetch of one so a long job never holds others
hostage, hard and soft time limits, and results ignored because the database is the source of
truth. `BoundedTask` adds the redelivery cap that the brokers themselves do not offer.
"""

from __future__ import annotations

import functools
import logging
import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from kombu.exceptions import OperationalError as KombuOperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "speeko_site.settings")

logger = logging.getLogger(__name__)


class BoundedTask(DjangoTask):
    """A task that refuses to run once it has been delivered more than SPEEKO_MAX_DELIVERIES times.

    Late acks mean a message that crashes its worker (out of memory, segfault in a native library)
    comes back forever; counting deliveries in the shared cache breaks that loop. Subclasses
    override `on_deliveries_exhausted` to mark their database row failed and refund.
    """

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        task_id = getattr(self.request, "id", None)
        if task_id and not self.request.is_eager:
            from django.conf import settings
            from django.core.cache import cache

            key = f"celery:deliveries:{task_id}"
            cache.add(key, 0, timeout=7 * 24 * 3600)
            deliveries = cache.incr(key)
            if deliveries > settings.SPEEKO_MAX_DELIVERIES:
                logger.error(
                    "task %s[%s] delivered %s times; giving up", self.name, task_id, deliveries
                )
                return self.on_deliveries_exhausted(*args, **kwargs)
        return super().__call__(*args, **kwargs)

    def on_deliveries_exhausted(self, *args: Any, **kwargs: Any) -> None:
        """Hook for subclasses: leave the work in a terminal state."""

    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:
        """Queue the task once the transaction commits, without failing the request if the
        broker is down: the row is committed, and the reconcilers send its task again."""
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(
        self, args: tuple = (), kwargs: dict | None = None, **options: Any
    ) -> None:
        """`delay_on_commit` with apply_async's options (`queue`, for one), just as forgiving of a
        broker that is down."""
        from django.db import transaction

        send = functools.partial(self._send_committed, tuple(args), kwargs or {}, options)
        transaction.on_commit(send)

    def _send_committed(self, args: tuple, kwargs: dict, options: dict | None = None) -> None:
        try:
            if options:
                self.apply_async(args, kwargs, **options)
            else:
                self.delay(*args, **kwargs)
        except (KombuOperationalError, OSError) as e:
            logger.error("could not queue %s%r (%s); its reconciler will pick the row up",
                         self.name, args, e)  # fmt: skip


app = Celery("speeko", task_cls=BoundedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
