from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "speeko_site.core"
    label = "core"
    verbose_name = "Site"
