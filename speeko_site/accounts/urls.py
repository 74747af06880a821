from django.urls import path

from speeko_site.accounts import views

urlpatterns = [
    path("", views.account, name="account"),
]
