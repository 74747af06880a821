from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "voices"
    verbose_name = "Voices"

    def ready(self) -> None:
        from voices import receivers  # noqa: F401  (connects the signal receivers)
