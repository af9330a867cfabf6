"""Challenge packs in and out of the instructor pages, as zip files."""

from django.http import HttpRequest, HttpResponse

from accounts.roles import instructor_required


@instructor_required
def pack_upload(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@instructor_required
def pack_download(request: HttpRequest, slug: str) -> HttpResponse:
    raise NotImplementedError
