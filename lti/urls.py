from django.urls import path

from lti import views

app_name = "lti"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("deep-link/", views.deep_link, name="deep_link"),
    path("setup/", views.setup, name="setup"),
    path("courses/<int:course_id>/", views.course_lms, name="course"),
    path("courses/<int:course_id>/roster/", views.course_roster_sync, name="roster_sync"),
    path("courses/<int:course_id>/reviews/<int:link_id>/<int:user_id>/", views.review, name="review"),
    path("courses/<int:course_id>/scores/<int:sync_id>/resend/", views.course_score_resend, name="score_resend"),
]
