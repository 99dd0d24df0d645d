from django.contrib import admin

from audit.models import Event
from core.admin import RelatedRowsAdmin


@admin.register(Event)
class EventAdmin(RelatedRowsAdmin):
    """The append-only log: nobody adds, changes or deletes an event here (the database refuses too)."""

    list_display = ("happened_at", "heading", "event_type", "actor_type", "actor_name", "teacher", "school")
    list_filter = ("event_type", "actor_type", "happened_at")
    select_related = ("teacher", "school")
    # Whole TRN or URN only: a substring search over the headings of millions of events would
    # scan the table. A teacher's page links to their events (?teacher__id__exact=).
    search_fields = ("teacher__trn__exact", "school__urn__exact")
    show_full_result_count = False  # a second COUNT over the whole log on every search

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
