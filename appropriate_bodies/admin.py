from django import forms
from django.contrib import admin

from appropriate_bodies.models import AppropriateBodyAccess
from appropriate_bodies.services import access as access_services
from core.admin import RelatedRowsAdmin
from providers.models import AppropriateBody


class GiveAccessForm(forms.ModelForm):
    """Support give a person access by their name and email address: the account is made if new."""

    full_name = forms.CharField(max_length=200)
    email = forms.EmailField()
    appropriate_body = forms.ModelChoiceField(queryset=AppropriateBody.objects.order_by("name"))

    class Meta:
        model = AppropriateBodyAccess
        fields = ("appropriate_body",)


@admin.register(AppropriateBodyAccess)
class AppropriateBodyAccessAdmin(RelatedRowsAdmin):
    """Who may act for which appropriate body. Support give access here (the person is emailed a
    sign-in link, and an event recorded), and end it by setting "ended at"."""

    select_related = ("user", "appropriate_body", "invited_by")
    list_display = ("user", "appropriate_body", "invited_by", "created_at", "ended_at")
    list_filter = (("ended_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email", "user__full_name", "appropriate_body__name")
    fields = ("user", "appropriate_body", "invited_by", "created_at", "ended_at")
    readonly_fields = ("user", "appropriate_body", "invited_by", "created_at")
    add_fields = ("full_name", "email", "appropriate_body")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return GiveAccessForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        access = access_services.give_access(
            appropriate_body=form.cleaned_data["appropriate_body"],
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            given_by=request.user,
        )
        # The admin's "added" message and log entry name the access the service made.
        obj.pk, obj.user, obj.created_at = access.pk, access.user, access.created_at
