from django.contrib import admin

from speeko_site.api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "owner", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "prefix", "owner__email"]
    readonly_fields = ["public_id", "prefix", "digest", "created_at", "last_used_at"]
    list_filter = ["revoked_at"]
