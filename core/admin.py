"""Building blocks the apps' admins share."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.shortcuts import redirect


class RelatedRowsMixin:
    """Joins `select_related` into every query the admin makes of its model.

    For a ModelAdmin that is the changelist, the change form and the autocomplete results other
    admins ask for; for an inline, the rows it shows. List what the page reads of other rows:
    list_display columns, `__str__` labels (of the rows an inline's change links or an autocomplete
    show), and for an inline its parent too, which the inline formset does not attach to its rows.
    """

    select_related: tuple[str, ...] = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.select_related)


class ReadOnlyMixin:
    """For a ModelAdmin of rows the service writes (a log, an outbox): they are looked at here,
    never added, changed or deleted."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RelatedRowsAdmin(RelatedRowsMixin, admin.ModelAdmin):
    # The queryset is already joined: with the default (False) and a foreign key in
    # list_display, the changelist would replace those joins with select_related() of every
    # non-null foreign key, losing the nullable and the deeper ones.
    list_select_related = ()


class HistoryElsewhereMixin:
    """Django's "History" lists only saves made in admin, so for rows the service changes (a
    teacher's records, a school) it would say there is no history at all. The link above the
    change form, and the history page's address, go to `history_url(obj)` instead, where the audit
    log shows every change (templates/admin/change_form_object_tools.html)."""

    history_label = "History"

    def history_url(self, obj) -> str:
        raise NotImplementedError

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            extra_context = {**(extra_context or {}), **self.object_tools_context(request, obj)}
        return super().change_view(request, object_id, form_url, extra_context)

    def object_tools_context(self, request, obj) -> dict:
        """What the links above the change form need (a subclass may add its own)."""
        return {"history_url": self.history_url(obj), "history_label": self.history_label}

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)  # its "not found" or 403
        return redirect(self.history_url(obj))
