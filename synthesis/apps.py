import os

from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import pre_delete


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Synthesis"

    def ready(self) -> None:
        # The engine reads its limit from the environment; jobs may be as long as the product
        # allows (the engine's own default suits one-off calls from its command line).
        os.environ.setdefault("SPEEKO_ENGINE_MAX_CHARS", str(settings.SYNTHESIS_MAX_CHARACTERS))

        from synthesis.receivers import erase_user_audio, erase_voice_audio
        from voices.signals import voice_erased

        voice_erased.connect(erase_voice_audio, dispatch_uid="synthesis.erase_voice_audio")
        pre_delete.connect(
            erase_user_audio, sender=settings.AUTH_USER_MODEL, dispatch_uid="synthesis.user_audio"
        )
