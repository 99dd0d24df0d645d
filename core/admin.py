"""Building blocks the apps' admins share."""

from django.contrib import admin


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
