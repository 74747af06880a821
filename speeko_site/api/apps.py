from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "speeko_site.api"
    label = "api"
    verbose_name = "API"
