from django.urls import path

from gradebook import views

app_name = "gradebook"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export, name="export"),
    path("submissions.csv", views.submissions_export, name="submissions_export"),
    path("challenges/", views.challenges, name="challenges"),
    path("challenges/<slug:slug>/", views.challenge, name="challenge"),
    path("learners/<int:user_id>/<slug:slug>/", views.learner_challenge, name="learner_challenge"),
]
