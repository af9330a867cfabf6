from django.contrib import admin

from challenges.models import Challenge, ChallengeVersion


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = ("slug", "title", "difficulty", "published", "current_version", "draft_version", "updated")
    list_filter = ("difficulty", "published")
    search_fields = ("slug", "title")
    readonly_fields = ("current_version", "draft_version", "created", "updated")


@admin.register(ChallengeVersion)
class ChallengeVersionAdmin(admin.ModelAdmin):
    """Versions are immutable: shown, never edited here."""

    list_display = ("challenge", "number", "title", "author", "created", "content_hash")
    list_filter = ("challenge",)
    search_fields = ("challenge__slug", "title", "change_note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
