"""The provider chain in admin.

Foreign keys to small lookup tables (contract periods, lead providers, delivery partners,
appropriate bodies) are plain selects. Foreign keys to big tables, or to rows whose name is
built from other rows (an active lead provider, a pairing, a school partnership), are
autocomplete fields, so a form never renders thousands of options or a query per option.
"""

from django.contrib import admin

from core.admin import RelatedRowsAdmin
from providers import services
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Milestone,
    Schedule,
    SchoolPartnership,
)


@admin.register(LeadProvider)
class LeadProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "api_id")
    search_fields = ("name",)
    readonly_fields = ("api_id",)


@admin.register(DeliveryPartner)
class DeliveryPartnerAdmin(admin.ModelAdmin):
    list_display = ("name", "api_id")
    search_fields = ("name",)
    readonly_fields = ("api_id", "created_at", "updated_at")


@admin.register(AppropriateBody)
class AppropriateBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "body_type", "dfe_sign_in_organisation_id")
    list_filter = ("body_type",)
    search_fields = ("name",)


@admin.register(ActiveLeadProvider)
class ActiveLeadProviderAdmin(RelatedRowsAdmin):
    list_display = ("lead_provider", "contract_period")
    list_filter = ("contract_period", "lead_provider")
    select_related = ("lead_provider", "contract_period")
    search_fields = ("lead_provider__name", "contract_period__year__exact")


@admin.register(LeadProviderDeliveryPartnership)
class LeadProviderDeliveryPartnershipAdmin(RelatedRowsAdmin):
    list_display = ("delivery_partner", "lead_provider", "contract_period")
    list_filter = ("active_lead_provider__contract_period", "active_lead_provider__lead_provider")
    select_related = (
        "active_lead_provider__lead_provider",
        "active_lead_provider__contract_period",
        "delivery_partner",
    )
    search_fields = ("delivery_partner__name", "active_lead_provider__lead_provider__name")
    ordering = (
        "active_lead_provider__contract_period",
        "active_lead_provider__lead_provider__name",
        "delivery_partner__name",
    )
    autocomplete_fields = ("active_lead_provider", "delivery_partner")

    @admin.display(ordering="active_lead_provider__lead_provider__name")
    def lead_provider(self, obj):
        return obj.active_lead_provider.lead_provider

    @admin.display(ordering="active_lead_provider__contract_period")
    def contract_period(self, obj):
        return obj.active_lead_provider.contract_period


@admin.register(SchoolPartnership)
class SchoolPartnershipAdmin(RelatedRowsAdmin):
    """A partnership exists once the lead provider confirms it; until lead providers can do that
    through the API, support staff confirm one here by adding it (the school's dashboard then
    shows the delivery partner instead of "waiting for the lead provider to confirm")."""

    list_display = ("school", "lead_provider", "delivery_partner", "contract_period", "created_at")
    list_filter = (
        "lead_provider_delivery_partnership__active_lead_provider__contract_period",
        "lead_provider_delivery_partnership__active_lead_provider__lead_provider",
    )
    select_related = (
        "school",
        "lead_provider_delivery_partnership__active_lead_provider__lead_provider",
        "lead_provider_delivery_partnership__active_lead_provider__contract_period",
        "lead_provider_delivery_partnership__delivery_partner",
    )
    search_fields = (
        "school__urn__exact",
        "school__name",
        "lead_provider_delivery_partnership__active_lead_provider__lead_provider__name",
        "lead_provider_delivery_partnership__delivery_partner__name",
    )
    ordering = ("-created_at",)
    autocomplete_fields = ("school", "lead_provider_delivery_partnership")
    readonly_fields = ("api_id", "created_at", "updated_at", "challenged_at")

    def get_readonly_fields(self, request, obj=None):
        # A challenge is to a partnership that exists: recorded on its page, not when adding one.
        return self.readonly_fields + (("challenge_reason",) if obj is None else ())

    def save_model(self, request, obj, form, change):
        """A change of challenge reason is the service's, stamped and recorded as an event."""
        if not (change and "challenge_reason" in form.changed_data):
            return super().save_model(request, obj, form, change)
        reason = obj.challenge_reason
        obj.challenge_reason = form.initial.get("challenge_reason", "")
        super().save_model(request, obj, form, change)
        services.record_partnership_challenge(partnership=obj, reason=reason, recorded_by=request.user)
        obj.refresh_from_db()

    @admin.display(ordering="lead_provider_delivery_partnership__active_lead_provider__lead_provider__name")
    def lead_provider(self, obj):
        return obj.lead_provider_delivery_partnership.active_lead_provider.lead_provider

    @admin.display(ordering="lead_provider_delivery_partnership__delivery_partner__name")
    def delivery_partner(self, obj):
        return obj.lead_provider_delivery_partnership.delivery_partner

    @admin.display(ordering="lead_provider_delivery_partnership__active_lead_provider__contract_period")
    def contract_period(self, obj):
        return obj.lead_provider_delivery_partnership.active_lead_provider.contract_period


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("declaration_type", "start_date", "milestone_date")


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    """Support may move a milestone's window; schedules themselves are made by providers.schedules."""

    list_display = ("identifier", "contract_period")
    list_filter = ("contract_period",)
    readonly_fields = ("identifier", "contract_period")
    inlines = [MilestoneInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
