from django.apps import AppConfig


class SynthesisConfig(AppConfig):
    name = "synthesis"
    verbose_name = "Synthesis"

    def ready(self) -> None:
        from synthesis.receivers import erase_voice_audio
        from voices.signals import voice_erased

        voice_erased.connect(erase_voice_audio, dispatch_uid="synthesis.erase_voice_audio")
