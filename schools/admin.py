from django.contrib import admin
from django.db.models import Value
from django.db.models.functions import Replace, Upper

from schools.models import School


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "urn",
        "postcode",
        "local_authority",
        "establishment_type",
        "open_now",
        "eligible_for_funding",
    )
    list_filter = (
        # is_open is generated from the status: name the filter, which Django picks by field class.
        ("is_open", admin.BooleanFieldListFilter),
        "eligible_for_funding",
        "section_41_approved",
        "region",
        "phase",
        "establishment_type",
    )
    # `urn__exact` matches the whole URN (compared as text, so a name typed in the box is no error).
    search_fields = ("urn__exact", "name", "postcode")
    # is_open follows the GIAS status (the database computes it). Funding eligibility is decided
    # by the GIAS import and only changed with an event (docs/decisions/0006), not edited here.
    readonly_fields = (
        "open_now",
        "eligible_for_funding",
        "eligibility_decided_on",
        "created_at",
        "updated_at",
    )

    @admin.display(description="open", boolean=True, ordering="is_open")
    def open_now(self, obj):
        return obj.is_open

    def get_search_results(self, request, queryset, search_term):
        """Also find a postcode however it was spaced or cased ("ha33wx" finds "HA3 3WX")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        compact = search_term.replace(" ", "").upper()
        if compact:
            by_postcode = queryset.alias(
                compact_postcode=Replace(Upper("postcode"), Value(" "), Value(""))
            ).filter(compact_postcode__startswith=compact)
            results = results | queryset.filter(pk__in=by_postcode.values("pk"))
        return results, may_have_duplicates

    fieldsets = (
        (None, {"fields": ("urn", "name", "contact_email")}),
        (
            "From GIAS",
            {
                "fields": (
                    ("establishment_type", "phase"),
                    ("status", "open_now"),
                    ("local_authority", "region"),
                    ("address_line", "town", "postcode"),
                    "section_41_approved",
                    ("opened_on", "closed_on"),
                )
            },
        ),
        ("Funding", {"fields": ("eligible_for_funding", "eligibility_decided_on")}),
        (
            "Last choices",
            {
                "fields": (
                    "last_chosen_training_programme",
                    "last_chosen_lead_provider",
                    "last_chosen_appropriate_body",
                )
            },
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )
