from django.contrib import admin
from django.urls import include, path

from speeko_site import dashboard
from speeko_site.api.api import api
from speeko_site.core import health
from speeko_site.core import views as core_views

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("account/", include("speeko_site.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("billing/", include("billing.urls")),
    path("voices/", include("voices.urls")),
    path("synthesis/", include("synthesis.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("v1/", api.urls),
    path("", include("speeko_site.api.urls")),
]
