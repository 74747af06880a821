from django.contrib import admin

from speeko_site.core.models import Canary


@admin.register(Canary)
class CanaryAdmin(admin.ModelAdmin):
    list_display = ["public_id", "created_at", "completed_at", "worker"]
    readonly_fields = ["public_id", "created_at", "completed_at", "worker"]
