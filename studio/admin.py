from django.contrib import admin

from studio.models import Regrade, RegradeItem, ValidationRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what the grader did: shown, never edited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ValidationRun)
class ValidationRunAdmin(ReadOnlyAdmin):
    list_display = ("pk", "version", "status", "valid", "requested_by", "created", "finished")
    list_filter = ("status", "valid")
    search_fields = ("version__challenge__slug",)
    list_select_related = ("version__challenge", "requested_by")


class RegradeItemInline(admin.TabularInline):
    model = RegradeItem
    fields = ("submission", "status", "old_verdict", "new_verdict", "old_score", "new_score", "attempts")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Regrade)
class RegradeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "challenge", "version", "scope", "requested_by", "created", "finished")
    list_filter = ("scope", "challenge")
    list_select_related = ("challenge", "version", "requested_by")
    inlines = [RegradeItemInline]
