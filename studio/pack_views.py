"""Challenge packs in and out of the instructor pages, as zip files."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.roles import instructor_required
from challenges.models import Challenge
from challenges.services import draft_outcome
from config.middleware import allow_body
from grader.engine.pack import PackError
from studio.packs import MAX_UPLOAD_BYTES, packs_upload, version_zip


class PackUploadForm(forms.Form):
    file = forms.FileField(
        label="Pack (.zip)",
        help_text="One pack at the zip's root, or pack folders one level down, as Download .zip makes them.",
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"{file.name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
        return file


@allow_body(MAX_UPLOAD_BYTES + 1024 * 1024)  # a zip a little too large still gets the form's message
@instructor_required
@require_http_methods(["GET", "POST"])
def pack_upload(request: HttpRequest) -> HttpResponse:
    form = PackUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            results = packs_upload(upload=upload, upload_name=upload.name, author=request.user)
        except PackError as exc:
            form.add_error("file", f"{exc.file}: {exc.problem}")
        else:
            for saved in results:
                messages.success(request, f"{saved.challenge.slug}: {draft_outcome(saved)}")
            return redirect("studio:index")
    status = 400 if form.errors else 200
    return render(request, "studio/upload.html", {"form": form}, status=status)


@instructor_required
@require_GET
def pack_download(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = get_object_or_404(Challenge.objects.select_related("current_version", "draft_version"), slug=slug)
    version = challenge.latest_version
    if version is None:
        raise Http404("This challenge has no version yet.")
    return HttpResponse(
        version_zip(version),
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{slug}.zip"'},
    )
