from django.urls import path

from studio import pack_views

app_name = "studio"
urlpatterns = [
    path("upload/", pack_views.pack_upload, name="upload"),
    path("<slug:slug>/export.zip", pack_views.pack_download, name="download"),
]
