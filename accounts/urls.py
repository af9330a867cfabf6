from django.urls import include, path

from accounts import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("profile/", views.profile, name="profile"),
    path("login/", views.ThrottledLoginView.as_view(), name="login"),
    path("", include("django.contrib.auth.urls")),
]
