from django.urls import path

from speeko_site.api import views

urlpatterns = [
    path("api-keys/", views.api_keys, name="api_keys"),
    path("api-keys/<str:public_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("docs/api/", views.api_docs, name="api_docs"),
]
