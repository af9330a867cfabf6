from django.urls import path

from api import views
from api.v1 import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/tokens/new/", views.token_new, name="token_new"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
]
