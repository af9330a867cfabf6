from django.urls import path

from studio import pack_views, views

app_name = "studio"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("markdown/", views.markdown_preview, name="markdown"),
    path("upload/", pack_views.pack_upload, name="upload"),
    path("validations/<int:pk>/", views.validation, name="validation"),
    path("regrades/<int:pk>/", views.regrade_detail, name="regrade"),
    path("regrades/<int:pk>/cancel/", views.cancel_regrade, name="regrade_cancel"),
    path("tracks/", views.tracks, name="tracks"),
    path("tracks/move/", views.move, name="move"),
    path("<slug:slug>/", views.edit, name="edit"),
    path("<slug:slug>/validate/", views.validate, name="validate"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
    path("<slug:slug>/unpublish/", views.unpublish, name="unpublish"),
    path("<slug:slug>/versions/", views.versions, name="versions"),
    path("<slug:slug>/regrade/", views.regrade, name="regrade_start"),
    path("<slug:slug>/preview/", views.preview, name="preview"),
    path("<slug:slug>/preview/run/", views.preview_run, name="preview_run"),
    path("<slug:slug>/preview/submit/", views.preview_submit, name="preview_submit"),
    path("<slug:slug>/export.zip", pack_views.pack_download, name="download"),
]
