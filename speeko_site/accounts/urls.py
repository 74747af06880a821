from django.urls import path

from speeko_site.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
    path("delete/", views.account_delete, name="account_delete"),
]
