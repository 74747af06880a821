from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from billing.receivers import grant_free_tier_on_email_confirmed

        email_confirmed.connect(
            grant_free_tier_on_email_confirmed, dispatch_uid="billing.grant_free_tier"
        )
