import datetime

from django import forms
from django.contrib import admin
from django.urls import reverse

from audit.models import Event
from audit.services import Actor, record_event
from core.admin import HistoryElsewhereMixin, ReadOnlyMixin, RelatedRowsAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, RelatedRowsAdmin):
    """The append-only log: nobody adds, changes or deletes an event here (the database refuses too)."""

    list_display = ("happened_at", "heading", "event_type", "actor_type", "actor_name", "teacher", "school")
    list_filter = ("event_type", "actor_type", "happened_at")
    select_related = ("teacher", "school")
    # Whole TRN or URN only: a substring search over the headings of millions of events would
    # scan the table. A teacher's page links to their events (?teacher__id__exact=).
    search_fields = ("teacher__trn__exact", "school__urn__exact")
    show_full_result_count = False  # a second COUNT over the whole log on every search


class ReasonedChangeForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Why are you making this change?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the change, and your name, on the teacher's timeline.",
        error_messages={"required": "Enter why you are making this change"},
    )


class ChangesNeedAReason(HistoryElsewhereMixin):
    """For a ModelAdmin of a teacher's records: support staff add or change a row only with a
    reason, and each save becomes an event by DfE staff, with before and after, in the same
    transaction as the save (the admin's). Rows are not deleted here: a wrong record is corrected,
    and the correction kept. Subclasses say whose timeline a row belongs on: `timeline_of(obj)`
    returns (teacher, school)."""

    form = ReasonedChangeForm

    def timeline_of(self, obj) -> tuple:
        raise NotImplementedError

    history_label = "Timeline"

    def history_url(self, obj) -> str:
        """Where a row's history is: the timeline on its teacher's admin page."""
        teacher, _school = self.timeline_of(obj)
        url = reverse(f"admin:{teacher._meta.app_label}_{teacher._meta.model_name}_change", args=[teacher.pk])
        return f"{url}#timeline"

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = type(obj).objects.filter(pk=obj.pk).first() if change else None
        super().save_model(request, obj, form, change)
        fields = [name for name in form.changed_data if name != "change_reason"]
        if change and not fields:
            return  # saved as it was: nothing to record
        teacher, school = self.timeline_of(obj)
        verb = "changed" if change else "added"
        what = obj._meta.verbose_name
        labels = ", ".join(str(obj._meta.get_field(name).verbose_name) for name in fields)
        record_event(
            actor=Actor.dfe_staff(request.user),
            event_type=f"{obj._meta.model_name}_{verb}_by_support",
            heading=f"Support staff {verb} {what}" + (f": {labels}" if change else ""),
            subject=obj,
            teacher=teacher,
            school=school,
            changes={
                name: [
                    _as_event_value(getattr(before, name, None)),
                    _as_event_value(getattr(obj, name, None)),
                ]
                for name in fields
            },
            reason=form.cleaned_data["change_reason"],
        )


def _as_event_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
