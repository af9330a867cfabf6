from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from grader.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/login/", admin_login),  # throttled like the site's login; admin.site.urls would serve it unthrottled
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("studio/", include("studio.urls")),
    path("gradebook/", include("gradebook.urls")),
    path("courses/", include("courses.urls")),
    path("", include("api.urls")),
    path("lti/", include("lti.urls")),
    path("", include("grader.urls")),
    path("", include("challenges.urls")),
]
