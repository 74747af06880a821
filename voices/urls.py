from django.urls import path, register_converter

from voices import views


class PublicIdConverter:
    """Matches ids such as vc_..., cs_..., smp_... (prefix checked by the view's selector)."""

    regex = r"[a-z]{2,3}_[A-Za-z0-9_-]{8,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "pid")

app_name = "voices"
urlpatterns = [
    path("", views.library, name="library"),
    path("stock/<slug:voice_id>/preview/", views.stock_preview, name="stock_preview"),
    path("mine/", views.mine, name="mine"),
    path("clone/", views.clone_consent, name="clone"),
    path("clone/<pid:public_id>/samples/", views.clone_samples, name="clone_samples"),
    path("clone/<pid:public_id>/tier/", views.clone_tier, name="clone_tier"),
    path("samples/<pid:public_id>/audio/", views.sample_audio, name="sample_audio"),
    path("samples/<pid:public_id>/delete/", views.sample_delete, name="sample_delete"),
    path("consent/<pid:public_id>/recording/", views.consent_recording, name="consent_recording"),
    path("consent/<pid:public_id>/document/", views.consent_document, name="consent_document"),
    path("revoke/<str:token>/", views.revoke, name="revoke"),
    path("staff/consents/", views.staff_consents, name="staff_consents"),
    path("staff/consents/export.csv", views.staff_consents_csv, name="staff_consents_csv"),
    path("staff/consents/<pid:public_id>/", views.staff_consent_detail, name="staff_consent"),
    path(
        "staff/consents/<pid:public_id>/approve/",
        views.staff_consent_approve,
        name="staff_consent_approve",
    ),
    path(
        "staff/consents/<pid:public_id>/revoke/",
        views.staff_consent_revoke,
        name="staff_consent_revoke",
    ),
    path("staff/audit/", views.staff_audit, name="staff_audit"),
    path(
        "staff/audit/checkpoint.json",
        views.staff_audit_checkpoint,
        name="staff_audit_checkpoint",
    ),
    path("<pid:public_id>/", views.voice_detail, name="detail"),
    path("<pid:public_id>/progress/", views.voice_progress, name="progress"),
    path("<pid:public_id>/cancel/", views.voice_cancel, name="cancel"),
    path("<pid:public_id>/rename/", views.voice_rename, name="rename"),
    path("<pid:public_id>/delete/", views.voice_delete, name="delete"),
    path("<pid:public_id>/preview/", views.voice_preview, name="preview"),
]
