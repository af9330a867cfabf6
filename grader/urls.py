from django.urls import path

from grader import views

app_name = "grader"
urlpatterns = [
    path("challenges/<slug:slug>/run/", views.run, name="run"),
    path("challenges/<slug:slug>/submit/", views.submit, name="submit"),
    path("challenges/<slug:slug>/draft/", views.draft, name="draft"),
    path("challenges/<slug:slug>/try/", views.scratch, name="scratch"),
    path("scratch/<int:pk>/", views.scratch_detail, name="scratch_detail"),
    path("scratch/<int:pk>/result/", views.scratch_result, name="scratch_result"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/result/", views.result, name="result"),
]
