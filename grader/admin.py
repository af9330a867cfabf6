from django.contrib import admin

from grader.models import Draft, Submission, WorkerHeartbeat


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Code and results are what the learner sent and what the grader found:
    read-only. ``attempts`` above 1 shows the sweeper re-enqueued it."""

    list_display = ("pk", "user", "challenge", "version", "kind", "status", "verdict", "score", "attempts",
                    "preview", "created", "duration_ms")  # fmt: skip
    list_filter = ("status", "verdict", "kind", "preview", "challenge")
    search_fields = ("user__username", "challenge__slug")
    date_hierarchy = "created"
    list_select_related = ("user", "challenge", "version")
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("user", "challenge", "updated")
    search_fields = ("user__username", "challenge__slug")
    list_select_related = ("user", "challenge")
    readonly_fields = ("user", "challenge", "code", "updated")


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen")
    readonly_fields = ("name", "seen")
