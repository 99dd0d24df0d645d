from django.contrib import admin
from django.db.models import Value
from django.db.models.functions import Replace, Upper
from django.urls import reverse
from django.utils.html import format_html

from core.admin import HistoryElsewhereMixin, RelatedRowsAdmin
from schools.models import (
    NominationLink,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolFundingFlags,
)


class FundingFlagsInline(admin.TabularInline):
    """Each year's pupil premium and sparsity flags, as imported: read here, not edited."""

    model = SchoolFundingFlags
    fields = ("contract_period", "pupil_premium", "sparsity")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Pupil premium and sparsity, by contract period"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(School)
class SchoolAdmin(HistoryElsewhereMixin, admin.ModelAdmin):
    inlines = (FundingFlagsInline,)
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
    history_label = "Events"

    def history_url(self, school) -> str:
        """The school's events in the audit log: its set-up, access, registrations and support's looks."""
        return f"{reverse('admin:audit_event_changelist')}?school__id__exact={school.pk}"

    # `urn__exact` matches the whole URN (compared as text, so a name typed in the box is no error).
    search_fields = ("urn__exact", "name", "postcode")
    # is_open follows the GIAS status (the database computes it). Funding eligibility is decided
    # by the GIAS import and only changed with an event (docs/decisions/0006), not edited here.
    readonly_fields = (
        "view_as_school",
        "open_now",
        "eligible_for_funding",
        "eligibility_decided_on",
        "created_at",
        "updated_at",
    )

    @admin.display(description="dashboard")
    def view_as_school(self, obj):
        """The school's dashboard as the school sees it, read-only (each look is an event)."""
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">View as the school (read-only)</a>',
            reverse("support_school_home", kwargs={"urn": obj.urn}),
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
        (None, {"fields": ("urn", "name", "contact_email", "view_as_school")}),
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


@admin.register(SchoolAccess)
class SchoolAccessAdmin(RelatedRowsAdmin):
    """Who may manage which school. Support can end someone's access by setting "ended at"."""

    select_related = ("user", "school")
    list_display = ("user", "school", "role", "started_at", "ended_at")
    list_filter = ("role", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("user__email", "user__full_name", "school__urn__exact", "school__name")
    fields = ("user", "school", "role", "started_at", "ended_at")
    readonly_fields = ("user", "school", "role", "started_at")

    def has_add_permission(self, request):
        # Access is given by nomination or by a tutor adding a colleague, both of which email the
        # person and record an event; here support may only end it (the admin work of issue 6 will
        # make that an event with a reason too).
        return False


@admin.register(SchoolContractPeriodChoice)
class SchoolContractPeriodChoiceAdmin(RelatedRowsAdmin):
    """How each school runs training each year, as it told us (set-up journey or nomination)."""

    select_related = ("school", "contract_period", "lead_provider__lead_provider", "appropriate_body")
    list_display = (
        "school",
        "contract_period",
        "expects_ects",
        "programme",
        "lead_provider",
        "appropriate_body",
        "updated_at",
    )
    list_filter = ("contract_period", "expects_ects", "programme")
    search_fields = ("school__urn__exact", "school__name")
    autocomplete_fields = ("school", "lead_provider", "appropriate_body")


@admin.register(NominationLink)
class NominationLinkAdmin(RelatedRowsAdmin):
    """Nomination links sent to schools, to answer "did the school get our email?". Read-only."""

    select_related = ("school",)
    list_display = ("school", "created_at", "expires_at", "used_at")
    search_fields = ("school__urn__exact", "school__name")
    fields = ("school", "created_at", "expires_at", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
