"""What the lead provider API reads. Every query starts from the calling lead provider, so another
provider's rows are never found."""

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, QuerySet

from providers.models import DeliveryPartner, LeadProvider


def delivery_partners(
    lead_provider: LeadProvider, *, cohorts: list[int] | None = None
) -> QuerySet[DeliveryPartner]:
    """The delivery partners the lead provider works with, each with `cohorts`: the years they do,
    oldest first. With `cohorts`, only those working with the provider in one of those years."""
    pairings = {"lead_provider_partnerships__active_lead_provider__lead_provider": lead_provider}
    partners = DeliveryPartner.objects.filter(**pairings)
    if cohorts:
        partners = partners.filter(
            lead_provider_partnerships__active_lead_provider__contract_period__year__in=cohorts
        )
    return (
        DeliveryPartner.objects.filter(pk__in=partners.values("pk"))
        .annotate(
            cohorts=ArrayAgg(
                "lead_provider_partnerships__active_lead_provider__contract_period__year",
                filter=Q(**pairings),
                distinct=True,
                order_by="lead_provider_partnerships__active_lead_provider__contract_period__year",
            )
        )
        .order_by("name", "pk")
    )
