"""Django admin: consent records and the audit chain are read-only here.

The staff console (voices:staff_consents) is where consent is reviewed, approved and revoked.
"""

from django.contrib import admin

from voices.models import AuditEntry, ConsentRecord, Voice


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["index", "event", "consent_public_id", "voice_public_id", "actor", "created_at"]
    list_filter = ["event"]
    search_fields = ["consent_public_id", "voice_public_id", "actor"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "voice_public_id", "relation", "verification", "created_at"]
    list_filter = ["verification", "relation"]
    search_fields = ["public_id", "voice_public_id", "speaker_name"]


@admin.register(Voice)
class VoiceAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "name", "owner", "status", "tier", "identity_score", "created_at"]
    list_filter = ["status", "tier"]
    search_fields = ["public_id", "name", "owner__email"]
