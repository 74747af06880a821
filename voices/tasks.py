"""Background jobs of the voices app: thin, idempotent, queued on commit."""

from __future__ import annotations

from celery import shared_task

from speeko_site.celery import BoundedTask


class CloneTask(BoundedTask):
    def on_deliveries_exhausted(self, voice_id: int, *args, **kwargs) -> None:
        from voices.services import voice_clone_fail

        voice_clone_fail(voice_id=voice_id, message="The cloning job kept crashing; try again.")


@shared_task(base=CloneTask, acks_late=True)
def voice_clone_task(voice_id: int) -> None:
    from voices.services import voice_clone_run

    try:
        voice_clone_run(voice_id=voice_id)
    except Exception:
        # Anything unexpected still ends the job (failed, fee refunded) rather than hanging.
        from voices.services import voice_clone_fail

        voice_clone_fail(voice_id=voice_id, message="Cloning failed unexpectedly; try again.")
        raise


class AnalyseTask(BoundedTask):
    def on_deliveries_exhausted(self, sample_id: int, *args, **kwargs) -> None:
        from voices.services.analysis import LOST_MESSAGE, sample_reject

        sample_reject(sample_id=sample_id, message=LOST_MESSAGE)


@shared_task(base=AnalyseTask, acks_late=True)
def sample_analyse_task(sample_id: int) -> None:
    from voices.services.analysis import sample_analyse

    sample_analyse(sample_id=sample_id)


@shared_task(name="voices.samples_reconcile")
def samples_reconcile_task() -> None:
    from voices.services.analysis import samples_reconcile

    samples_reconcile()


@shared_task(name="voices.clones_reconcile")
def clones_reconcile_task() -> None:
    from voices.services import clones_reconcile

    clones_reconcile()


@shared_task(name="voices.audit_checkpoint")
def audit_checkpoint_task() -> None:
    from voices.audit import audit_checkpoint_store

    audit_checkpoint_store()


@shared_task(acks_late=True)
def stock_preview_task(voice_id: str) -> None:
    from voices.previews import stock_preview_render

    stock_preview_render(voice_id=voice_id)
