import datetime

from django.db.models import QuerySet

from providers.models import (
    AppropriateBody,
    ContractPeriod,
    LeadProvider,
    LeadProviderDeliveryPartnership,
)


def contract_period_for_registration(today: datetime.date) -> ContractPeriod | None:
    """The contract period schools are registering for now: the open one that contains today,
    else the newest open one (a period opens for registration before its academic year)."""
    open_periods = ContractPeriod.objects.filter(enabled=True)
    return (
        open_periods.filter(started_on__lte=today, finished_on__gte=today).first()
        or open_periods.order_by("-year").first()
    )


def active_lead_providers(contract_period: ContractPeriod) -> QuerySet[LeadProvider]:
    """The lead providers schools may choose in this contract period, by name."""
    return LeadProvider.objects.filter(active_periods__contract_period=contract_period).order_by("name")


def teaching_school_hubs() -> QuerySet[AppropriateBody]:
    return AppropriateBody.objects.filter(body_type=AppropriateBody.BodyType.TEACHING_SCHOOL_HUB).order_by(
        "name"
    )


def independent_schools_body() -> AppropriateBody | None:
    """ISTIP: the appropriate body for independent schools."""
    return AppropriateBody.objects.filter(body_type=AppropriateBody.BodyType.INDEPENDENT_SCHOOLS).first()


def pairing_in(
    contract_period: ContractPeriod, *, lead_provider_id: int, delivery_partner_id: int
) -> LeadProviderDeliveryPartnership | None:
    """The lead provider–delivery partner pairing in this contract period, if the two still work together."""
    return LeadProviderDeliveryPartnership.objects.filter(
        active_lead_provider__contract_period=contract_period,
        active_lead_provider__lead_provider_id=lead_provider_id,
        delivery_partner_id=delivery_partner_id,
    ).first()
