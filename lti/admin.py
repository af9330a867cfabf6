from django.contrib import admin
from django.urls import reverse

from lti.models import Deployment, LtiContext, LtiUser, Platform, ResourceLink, ScoreSync, ToolKey


class DeploymentInline(admin.TabularInline):
    model = Deployment
    extra = 1


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    """Registering an LMS: what its admin gave us, and (read-only) what to give it."""

    list_display = ("name", "issuer", "client_id", "active")
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = ("created",)
    inlines = [DeploymentInline]
    change_form_template = "admin/lti/platform/change_form.html"  # the URLs to give the LMS, above the form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        urls = [("OIDC login initiation URL", "lti:login"), ("Launch / redirect URI (deep linking too)", "lti:launch"),
                ("Public keys (JWKS) URL", "lti:jwks")]  # fmt: skip
        tool_urls = [(label, request.build_absolute_uri(reverse(name))) for label, name in urls]
        return super().changeform_view(request, object_id, form_url, {**(extra_context or {}), "tool_urls": tool_urls})


@admin.register(ToolKey)
class ToolKeyAdmin(admin.ModelAdmin):
    """Our keys: only the public part is shown; a retired key leaves the JWKS."""

    list_display = ("kid", "active", "created")
    fields = ("kid", "public_jwk", "active", "created")
    readonly_fields = ("kid", "public_jwk", "created")

    def has_add_permission(self, request) -> bool:
        return False  # made on first need (lti.tool.tool_key)


@admin.register(LtiUser)
class LtiUserAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "sub", "created")
    list_filter = ("platform",)
    search_fields = ("user__username", "sub")
    raw_id_fields = ("user",)


@admin.register(LtiContext)
class LtiContextAdmin(admin.ModelAdmin):
    list_display = ("title", "context_id", "platform", "course", "roster_synced", "roster_ok")
    list_filter = ("platform",)
    raw_id_fields = ("course",)


@admin.register(ResourceLink)
class ResourceLinkAdmin(admin.ModelAdmin):
    list_display = ("__str__", "context", "assignment", "challenge", "score_scope")
    raw_id_fields = ("context", "assignment", "challenge")


@admin.register(ScoreSync)
class ScoreSyncAdmin(admin.ModelAdmin):
    list_display = ("user", "link", "status", "sent_given", "sent_maximum", "sent", "attempts")
    list_filter = ("status",)
    raw_id_fields = ("link", "user")
