from django.contrib import admin

from courses.models import Assignment, AssignmentChallenge, Course, Extension, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "joined", "left", "removed_by")
    raw_id_fields = ("user", "removed_by")
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "term", "joining_open", "created_by", "created")
    search_fields = ("title", "term")
    readonly_fields = ("created",)
    inlines = [MembershipInline]


class AssignmentChallengeInline(admin.TabularInline):
    model = AssignmentChallenge
    fields = ("challenge", "position")
    extra = 0


class ExtensionInline(admin.TabularInline):
    model = Extension
    fields = ("user", "due", "closes")
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "opens", "due", "closes", "late_penalty_per_day", "late_floor")
    list_filter = ("course",)
    list_select_related = ("course",)
    inlines = [AssignmentChallengeInline, ExtensionInline]
