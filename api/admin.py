from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from api import services
from api.models import APIRequest, LeadProviderToken
from core.admin import ReadOnlyMixin, RelatedRowsAdmin


class NewTokenForm(forms.ModelForm):
    class Meta:
        model = LeadProviderToken
        fields = ("lead_provider", "name")


@admin.register(LeadProviderToken)
class LeadProviderTokenAdmin(RelatedRowsAdmin):
    """Support staff give a lead provider a token (shown once) and revoke it; nothing else changes."""

    list_display = ("lead_provider", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = ("lead_provider",)
    select_related = ("lead_provider",)
    search_fields = ("name", "lead_provider__name")
    form = NewTokenForm
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("lead_provider", "name")
        return ("lead_provider", "name", "created_at", "created_by", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only once created
        token, row = services.create_token(
            lead_provider=form.cleaned_data["lead_provider"],
            name=form.cleaned_data["name"],
            created_by=request.user,
        )
        obj.pk, obj.token_hash, obj.created_at = row.pk, row.token_hash, row.created_at
        request.new_api_token = token

    def response_add(self, request, obj, post_url_continue=None):
        """The token, once: only its hash is kept, so it cannot be shown again."""
        return TemplateResponse(
            request,
            "admin/api/token_created.html",
            {
                **self.admin_site.each_context(request),
                "token": request.new_api_token,
                "row": obj,
                "opts": self.opts,
            },
        )

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request, queryset):
        for token in queryset.select_related("lead_provider"):
            services.revoke_token(token=token, revoked_by=request.user)
        messages.success(request, "The selected tokens no longer work.")


@admin.register(APIRequest)
class APIRequestAdmin(ReadOnlyMixin, RelatedRowsAdmin):
    """Every call to the API and how it ended (read-only)."""

    list_display = ("requested_at", "lead_provider", "method", "path", "status", "duration_ms")
    list_filter = ("status", "method", "lead_provider")
    select_related = ("lead_provider",)
    show_full_result_count = False
