from django.urls import path

from courses import views

app_name = "courses"
course = "<int:course_id>/"
assignment = course + "assignments/<int:assignment_id>/"
similarity = assignment + "challenges/<slug:slug>/similarity/"
urlpatterns = [
    path("", views.my_courses, name="dashboard"),
    path("new/", views.create, name="create"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.invite, name="invite"),
    path(course, views.detail, name="detail"),
    path(course + "edit/", views.edit, name="edit"),
    path(course + "leave/", views.leave, name="leave"),
    path(course + "members/", views.members, name="members"),
    path(course + "members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path(course + "members/<int:membership_id>/remove/", views.member_remove, name="member_remove"),
    path(course + "joining/", views.joining, name="joining"),
    path(course + "rotate/", views.rotate, name="rotate"),
    path(course + "roster/", views.roster, name="roster"),
    path(course + "roster/apply/", views.roster_confirm, name="roster_apply"),
    path(course + "gradebook/", views.gradebook, name="gradebook"),
    path(course + "gradebook.csv", views.gradebook_export, name="gradebook_export"),
    path(course + "assignments/new/", views.assignment_create, name="assignment_create"),
    path(assignment, views.assignment_detail, name="assignment"),
    path(assignment + "analytics/", views.analytics, name="analytics"),
    path(assignment + "edit/", views.assignment_edit, name="assignment_edit"),
    path(assignment + "move/", views.assignment_reorder, name="assignment_move"),
    path(assignment + "extensions/", views.extensions, name="extensions"),
    path(assignment + "extensions/<int:extension_id>/revoke/", views.extension_withdraw, name="extension_revoke"),
    path(similarity, views.similarity, name="similarity"),
    path(similarity + "start/", views.similarity_start, name="similarity_start"),
    path(similarity + "<int:run_id>/", views.similarity_run, name="similarity_run"),
    path(similarity + "<int:run_id>/pairs/<int:pair_id>/", views.similarity_pair, name="similarity_pair"),
]
