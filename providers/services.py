"""A lead provider confirming that it trains a school in a year (a school partnership), and changing
the delivery partner of one, through the API. Each is one transaction: the partnership, the school's
training now resting on it, an event, and an email to the school after commit."""

from django.db import IntegrityError, transaction
from django.db.models import Q

from audit.services import Actor, record_event
from core import clock
from core.refusals import AttributeProblems
from emails.services import queue_email
from participants.models import Teacher, TrainingPeriod
from providers.models import (
    ActiveLeadProvider,
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    SchoolPartnership,
)
from schools.models import School, SchoolContractPeriodChoice, YearProgramme
from schools.queries import induction_tutor_emails


class PartnershipRefused(AttributeProblems):
    """A refusal naming each problem with its attribute (core.refusals)."""


def _pairing(lead_provider: LeadProvider, contract_period: ContractPeriod, partner: DeliveryPartner):
    return (
        LeadProviderDeliveryPartnership.objects.select_related("delivery_partner", "active_lead_provider")
        .filter(
            active_lead_provider__lead_provider=lead_provider,
            active_lead_provider__contract_period=contract_period,
            delivery_partner=partner,
        )
        .first()
    )


@transaction.atomic
def confirm_partnership(
    *,
    lead_provider: LeadProvider,
    school: School | None,
    contract_period: ContractPeriod | None,
    delivery_partner: DeliveryPartner | None,
) -> SchoolPartnership:
    """The lead provider will train the school in the contract period with the delivery partner.
    The school's ECTs and mentors waiting on its expression of interest in the provider that year
    are now trained through the partnership. `None` stands for an id we did not recognise."""
    problems = []
    if contract_period is None:
        problems.append(("cohort", "Enter a cohort we know, like 2025."))
    elif not contract_period.enabled or contract_period.payments_frozen_at:
        problems.append(("cohort", f"The {contract_period.year} cohort is not open for partnerships."))
    if school is None:
        problems.append(("school_id", "Enter the id of a school (from GET /schools)."))
    elif not school.eligible_for_funding:
        problems.append(("school_id", f"{school.name} is not eligible for funded training."))
    if delivery_partner is None:
        problems.append(("delivery_partner_id", "Enter the id of one of your delivery partners."))
    pairing = None
    if contract_period is not None and delivery_partner is not None:
        pairing = _pairing(lead_provider, contract_period, delivery_partner)
        if pairing is None:
            problems.append(
                (
                    "delivery_partner_id",
                    f"You do not work with {delivery_partner.name} in {contract_period.year}.",
                )
            )
    if problems:
        raise PartnershipRefused(*problems)
    School.objects.select_for_update().filter(pk=school.pk).first()  # one partnership decision at a time
    _refuse_when_the_school_is_taken(school, contract_period, lead_provider)
    try:
        with transaction.atomic():
            partnership = SchoolPartnership.objects.create(
                school=school, lead_provider_delivery_partnership=pairing
            )
    except IntegrityError:  # the same pairing already: _refuse_when_the_school_is_taken found it first
        raise PartnershipRefused(("school_id", "You are already in partnership with this school.")) from None
    waiting = TrainingPeriod.objects.filter(
        expression_of_interest=pairing.active_lead_provider, school_partnership__isnull=True
    ).filter(_at_school(school))
    # Teachers first, in id order, as every other writer of their training locks them: no deadlock.
    list(
        Teacher.objects.select_for_update()
        .filter(
            Q(pk__in=waiting.values("ect_at_school_period__teacher"))
            | Q(pk__in=waiting.values("mentor_at_school_period__teacher"))
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    waiting.update(school_partnership=partnership)
    actor = Actor.lead_provider_api(lead_provider)
    record_event(
        actor=actor,
        event_type="partnership_confirmed",
        heading=f"{lead_provider} confirmed a partnership with {school.name} for {contract_period}, "
        f"with {delivery_partner.name}",
        subject=partnership,
        school=school,
        lead_provider=lead_provider,
    )
    _email_school(school, "partnership_confirmed", pairing)
    return partnership


def _at_school(school: School) -> Q:
    return Q(ect_at_school_period__school=school) | Q(mentor_at_school_period__school=school)


def _refuse_when_the_school_is_taken(
    school: School, contract_period: ContractPeriod, lead_provider: LeadProvider
):
    existing = (
        SchoolPartnership.objects.filter(
            school=school,
            lead_provider_delivery_partnership__active_lead_provider__contract_period=contract_period,
        )
        .select_related("lead_provider_delivery_partnership__active_lead_provider__lead_provider")
        .first()
    )
    if existing is not None:
        theirs = existing.lead_provider_delivery_partnership.active_lead_provider.lead_provider
        if theirs == lead_provider:
            raise PartnershipRefused(
                ("school_id", f"You are already in partnership with {school.name} in {contract_period.year}.")
            )
        raise PartnershipRefused(
            (
                "school_id",
                f"{school.name} is already in partnership with another lead provider in {contract_period.year}.",
            )
        )
    choice = SchoolContractPeriodChoice.objects.filter(school=school, contract_period=contract_period).first()
    if choice is not None and choice.programme in (YearProgramme.SCHOOL_LED, YearProgramme.NO_ECTS):
        raise PartnershipRefused(
            (
                "school_id",
                f"{school.name} told us it will not have provider-led training in {contract_period.year}.",
            )
        )
    if (
        choice is not None
        and choice.lead_provider_id
        and choice.lead_provider.lead_provider_id != lead_provider.pk
    ):
        raise PartnershipRefused(
            ("school_id", f"{school.name} chose another lead provider for {contract_period.year}.")
        )


@transaction.atomic
def change_delivery_partner(
    *, partnership: SchoolPartnership, lead_provider: LeadProvider, delivery_partner: DeliveryPartner | None
) -> SchoolPartnership:
    """The partnership's training is now delivered by another of the provider's delivery partners."""
    partnership = (
        SchoolPartnership.objects.select_for_update().select_related("school").get(pk=partnership.pk)
    )
    current = LeadProviderDeliveryPartnership.objects.select_related(
        "active_lead_provider__contract_period", "delivery_partner"
    ).get(pk=partnership.lead_provider_delivery_partnership_id)
    contract_period = current.active_lead_provider.contract_period
    if delivery_partner is None:
        raise PartnershipRefused(("delivery_partner_id", "Enter the id of one of your delivery partners."))
    if delivery_partner.pk == current.delivery_partner_id:
        raise PartnershipRefused(
            ("delivery_partner_id", f"{delivery_partner.name} already delivers this partnership's training.")
        )
    pairing = _pairing(lead_provider, contract_period, delivery_partner)
    if pairing is None:
        raise PartnershipRefused(
            (
                "delivery_partner_id",
                f"You do not work with {delivery_partner.name} in {contract_period.year}.",
            )
        )
    partnership.lead_provider_delivery_partnership = pairing
    partnership.save()
    record_event(
        actor=Actor.lead_provider_api(lead_provider),
        event_type="partnership_delivery_partner_changed",
        heading=f"{lead_provider} changed the delivery partner at {partnership.school.name} for {contract_period} "
        f"to {delivery_partner.name}",
        subject=partnership,
        school=partnership.school,
        lead_provider=lead_provider,
        changes={"delivery_partner": [current.delivery_partner.name, delivery_partner.name]},
    )
    _email_school(partnership.school, "partnership_changed", pairing)
    return partnership


def _email_school(school: School, template: str, pairing: LeadProviderDeliveryPartnership) -> None:
    """To its induction tutors, else its GIAS contact address."""
    active: ActiveLeadProvider = pairing.active_lead_provider
    addresses = induction_tutor_emails(school) or ([school.contact_email] if school.contact_email else [])
    for address in addresses:
        queue_email(
            to=address,
            template=template,
            personalisation={
                "school_name": school.name,
                "lead_provider_name": active.lead_provider.name,
                "delivery_partner_name": pairing.delivery_partner.name,
                "academic_year": str(active.contract_period),
            },
        )


@transaction.atomic
def record_partnership_challenge(
    *, partnership: SchoolPartnership, reason: str, recorded_by, note: str = ""
) -> SchoolPartnership:
    """Support records that the school says the partnership is wrong, and why (`reason`, one of
    ChallengeReason); an empty `reason` withdraws the challenge. The lead provider sees the
    challenge in the API (status, challenged_at, challenged_reason)."""
    partnership = (
        SchoolPartnership.objects.select_for_update()
        .select_related("school", "lead_provider_delivery_partnership__active_lead_provider__lead_provider")
        .get(pk=partnership.pk)
    )
    before = partnership.challenge_reason
    if reason == before:
        return partnership
    partnership.challenge_reason = reason
    partnership.challenged_at = clock.now() if reason else None
    partnership.save(update_fields=["challenge_reason", "challenged_at", "updated_at"])
    lead_provider = partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
    record_event(
        actor=Actor.dfe_staff(recorded_by),
        event_type="partnership_challenged" if reason else "partnership_challenge_withdrawn",
        heading=(
            f"{partnership.school.name} challenged its partnership with {lead_provider}"
            if reason
            else f"The challenge to {partnership.school.name}'s partnership with {lead_provider} was withdrawn"
        ),
        subject=partnership,
        school=partnership.school,
        lead_provider=lead_provider,
        changes={"challenge_reason": [before, reason]},
        reason=note,
    )
    return partnership
