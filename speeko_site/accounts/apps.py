from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "speeko_site.accounts"
    label = "accounts"
    verbose_name = "Accounts"
