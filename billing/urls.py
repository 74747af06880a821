from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("usage/", views.usage, name="usage"),
    path("usage/ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("ledger/<uuid:public_id>/", views.ledger_entry, name="ledger_entry"),
    path("balance/", views.balance_badge, name="balance_badge"),
    path("buy/", views.buy, name="buy"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
