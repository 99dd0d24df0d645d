"""Declarations (a lead provider's claim that a participant reached a milestone), voiding them,
the statements they are paid on and their lifecycle (open, payable, paid), adjustments, and the
contracts that price them. Each write is one transaction with its event.

The rules a declaration must meet are the DfE's (docs/research/lead-provider-api-v3.md §5), checked
all at once so a provider can fix every problem together; each refusal names the attribute."""

import calendar
import datetime
import itertools
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import Actor, record_event
from core import clock
from core.refusals import AttributeProblems
from finance import queries as finance_queries
from finance import snapshots
from finance.calculator import Band
from finance.calculator.money import require_pence
from finance.models import (
    ClawbackStatus,
    Contract,
    ContractType,
    Declaration,
    EvidenceType,
    PaymentStatus,
    PriceBand,
    Statement,
    StatementAdjustment,
)
from participants.models import MentorshipPeriod, Teacher, TrainingPeriod
from providers.models import (
    ActiveLeadProvider,
    ContractPeriod,
    DeclarationType,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Milestone,
)
from providers.schedules import add_schedules

COURSES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}
ORDER = list(DeclarationType.values)
# From the 2025 cohort, the DfE pays for mentors' training on two declarations only, and asks for
# detailed evidence of every declaration.
DETAILED_EVIDENCE_FROM = 2025
GENERAL_EVIDENCE = (
    EvidenceType.TRAINING_EVENT_ATTENDED,
    EvidenceType.SELF_STUDY_MATERIAL_COMPLETED,
    EvidenceType.MATERIALS_ENGAGED_WITH_OFFLINE,
    EvidenceType.OTHER,
)
ENGAGEMENT = (EvidenceType.SEVENTY_FIVE_PERCENT, EvidenceType.SEVENTY_FIVE_PERCENT_REDUCED)


class DeclarationRefused(AttributeProblems):
    """A refusal naming each problem with its attribute (core.refusals)."""


def evidence_allowed(*, declaration_type: str, role: str, cohort: int) -> tuple[tuple[str, ...], bool]:
    """(the evidence types allowed, whether evidence is required) for a declaration."""
    if cohort < DETAILED_EVIDENCE_FROM:
        earlier = (
            EvidenceType.TRAINING_EVENT_ATTENDED,
            EvidenceType.SELF_STUDY_MATERIAL_COMPLETED,
            EvidenceType.OTHER,
        )
        return earlier, declaration_type != DeclarationType.STARTED
    if role == "mentor":
        return (ENGAGEMENT if declaration_type == DeclarationType.COMPLETED else GENERAL_EVIDENCE), True
    if declaration_type == DeclarationType.RETAINED_2:
        return ENGAGEMENT, True
    if declaration_type == DeclarationType.COMPLETED:
        return (*ENGAGEMENT, EvidenceType.ONE_TERM_INDUCTION), True
    return GENERAL_EVIDENCE, True


def _provider_period_of(training: TrainingPeriod) -> ActiveLeadProvider:
    """The lead provider in the contract period the training is in, through its partnership."""
    return training.school_partnership.lead_provider_delivery_partnership.active_lead_provider


def open_statement(active_lead_provider: ActiveLeadProvider, *, on: datetime.date) -> Statement | None:
    """The lead provider's next open statement in the contract period: the first whose cut-off
    is on or after `on` and that is neither payable nor paid. Where a declaration made that day
    is paid, or a paid one voided that day is clawed back. (Every statement of ours is an output
    statement: the DfE's service-fee-only statements are not modelled.)"""
    return (
        Statement.objects.filter(
            active_lead_provider=active_lead_provider,
            deadline_date__gte=on,
            marked_payable_at__isnull=True,
            paid_at__isnull=True,
        )
        .order_by("deadline_date")
        .first()
    )


def _refuse_what_cannot_be_read(
    teacher: Teacher | None,
    *,
    role: str | None,
    declaration_type: str,
    declaration_date: datetime.datetime | None,
    now: datetime.datetime,
) -> None:
    """Every problem with the request's own values at once: an unknown participant, course or
    declaration type, and a date we could not read or that is in the future."""
    problems = []
    if teacher is None:
        problems.append(("participant_id", "The participant_id is not one of your participants."))
    if role is None:
        problems.append(("course_identifier", "The course_identifier must be ecf-induction or ecf-mentor."))
    if declaration_type not in ORDER:
        problems.append(("declaration_type", f"The declaration_type must be one of: {', '.join(ORDER)}."))
    if declaration_date is None:
        problems.append(
            (
                "declaration_date",
                "Enter the declaration_date as an RFC 3339 date and time, like 2026-10-01T09:00:00Z.",
            )
        )
    elif declaration_date > now:
        problems.append(("declaration_date", "The declaration_date cannot be in the future."))
    if problems:
        raise DeclarationRefused(*problems)


def _training_declared_on(lead_provider, teacher, role, declaration_date) -> TrainingPeriod:
    """The participant's training with the lead provider on the declaration's day; refused when none."""
    training = _training_on(lead_provider, teacher, role, timezone.localtime(declaration_date).date())
    if training is None:
        raise DeclarationRefused(
            ("participant_id", "The participant was not training with you on the declaration_date.")
        )
    return training


def _payment(
    active: ActiveLeadProvider, *, funded: bool, now: datetime.datetime
) -> tuple[str, Statement | None]:
    """How a declaration made now is paid: eligible, on the lead provider's open statement, when
    the school can have funded training (refused when no statement is open); else no payment."""
    if not funded:
        return PaymentStatus.NO_PAYMENT, None
    statement = open_statement(active, on=timezone.localtime(now).date())
    if statement is None:
        raise DeclarationRefused(
            (
                "cohort",
                f"There is no open statement for your {active.contract_period.year} contract: you cannot make declarations for it now.",
            )
        )
    return PaymentStatus.ELIGIBLE, statement


def _create_declaration(
    training: TrainingPeriod, *, declaration_date: datetime.datetime, **fields
) -> Declaration:
    """The declaration on the training, naming its delivery partner and the ECT's mentor that day;
    a duplicate made meanwhile, which the database refuses, is refused in words."""
    partnership = training.school_partnership
    try:
        with transaction.atomic():
            return Declaration.objects.create(
                training_period=training,
                delivery_partner=partnership.lead_provider_delivery_partnership.delivery_partner
                if partnership
                else None,
                mentor=_mentor_on(training, timezone.localtime(declaration_date).date()),
                declaration_date=declaration_date,
                **fields,
            )
    except IntegrityError:
        raise _duplicate() from None


@transaction.atomic
def declare(
    *,
    lead_provider: LeadProvider,
    teacher: Teacher | None,
    course_identifier: str,
    declaration_type: str,
    declaration_date: datetime.datetime | None,
    evidence_type: str = "",
    now: datetime.datetime | None = None,
) -> Declaration:
    """Record the declaration, or return the same one made before (declaring twice is safe).
    `None` stands for a participant or date we could not read."""
    now = now or clock.now()
    role = COURSES.get(course_identifier)
    _refuse_what_cannot_be_read(
        teacher, role=role, declaration_type=declaration_type, declaration_date=declaration_date, now=now
    )

    Teacher.objects.select_for_update().filter(pk=teacher.pk).first()  # one declaration decision at a time
    existing = _same_declaration(
        lead_provider, teacher, course_identifier, declaration_type, declaration_date, evidence_type
    )
    if existing is not None:
        return existing
    training = _training_declared_on(lead_provider, teacher, role, declaration_date)
    active = _provider_period_of(training)
    cohort = active.contract_period
    _check_rules(
        training,
        role=role,
        cohort=cohort,
        declaration_type=declaration_type,
        declaration_date=declaration_date,
        evidence_type=evidence_type,
        teacher=teacher,
        course_identifier=course_identifier,
    )
    at_school = training.ect_at_school_period or training.mentor_at_school_period
    payment_status, statement = _payment(active, funded=at_school.school.eligible_for_funding, now=now)
    declaration = _create_declaration(
        training,
        teacher=teacher,
        course_identifier=course_identifier,
        lead_provider=lead_provider,
        declaration_type=declaration_type,
        declaration_date=declaration_date,
        evidence_type=evidence_type,
        payment_status=payment_status,
        payment_statement=statement,
    )
    record_event(
        actor=Actor.lead_provider_api(lead_provider),
        event_type="declaration_made",
        heading=f"{lead_provider} declared {teacher.full_name} {declaration_type}",
        subject=declaration,
        teacher=teacher,
        school=at_school.school,
        lead_provider=lead_provider,
    )
    return declaration


def _duplicate() -> DeclarationRefused:
    return DeclarationRefused(
        (
            "declaration_type",
            "A declaration of this type has already been made for this participant and will be, or has been, paid.",
        )
    )


def _same_declaration(
    lead_provider, teacher, course_identifier, declaration_type, declaration_date, evidence_type
):
    """A live declaration of the type: the same one again (returned), or a duplicate (refused)."""
    live = (
        Declaration.objects.filter(
            teacher=teacher, course_identifier=course_identifier, declaration_type=declaration_type
        )
        .exclude(payment_status=PaymentStatus.VOIDED)
        .filter(clawback_status=ClawbackStatus.NO_CLAWBACK)
        .first()
    )
    if live is None:
        return None
    if (
        live.lead_provider_id == lead_provider.pk
        and live.declaration_date == declaration_date
        and live.evidence_type == evidence_type
    ):
        return live
    raise _duplicate()


def _training_on(lead_provider, teacher, role, day) -> TrainingPeriod | None:
    return (
        TrainingPeriod.objects.filter(
            # Through a partnership: training on an expression of interest alone has no delivery
            # partner yet, and the provider cannot see it (docs/decisions/0034).
            school_partnership__lead_provider_delivery_partnership__active_lead_provider__lead_provider=lead_provider,
            **{f"{role}_at_school_period__teacher": teacher},
            started_on__lte=day,
        )
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=day))
        .select_related(
            f"{role}_at_school_period__school",
            "schedule",
            "school_partnership__lead_provider_delivery_partnership__active_lead_provider__contract_period",
            "school_partnership__lead_provider_delivery_partnership__delivery_partner",
        )
        .first()
    )


def _mentor_on(training: TrainingPeriod, day: datetime.date) -> Teacher | None:
    if not training.ect_at_school_period_id:
        return None
    mentorship = (
        MentorshipPeriod.objects.filter(mentee_id=training.ect_at_school_period_id, started_on__lte=day)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=day))
        .select_related("mentor__teacher")
        .first()
    )
    return mentorship.mentor.teacher if mentorship else None


def _check_rules(
    training, *, role, cohort, declaration_type, declaration_date, evidence_type, teacher, course_identifier
):
    problems = []
    day = timezone.localtime(declaration_date).date()
    if cohort.payments_frozen_at is not None:
        raise DeclarationRefused(
            ("cohort", f"Payments for the {cohort.year} cohort have closed: no more declarations.")
        )
    if (
        role == "mentor"
        and cohort.year >= DETAILED_EVIDENCE_FROM
        and declaration_type
        not in (
            DeclarationType.STARTED,
            DeclarationType.COMPLETED,
        )
    ):
        problems.append(
            (
                "declaration_type",
                f"Mentors in the {cohort.year} cohort are paid for started and completed only.",
            )
        )
    milestone = Milestone.objects.filter(
        schedule=training.schedule, declaration_type=declaration_type
    ).first()
    if milestone is None:
        if not problems:
            problems.append(
                (
                    "declaration_type",
                    f"There is no {declaration_type} on the {training.schedule.identifier} schedule.",
                )
            )
    elif day < milestone.start_date or (milestone.milestone_date and day > milestone.milestone_date):
        window = f"from {milestone.start_date:%-d %B %Y}" + (
            f" to {milestone.milestone_date:%-d %B %Y}" if milestone.milestone_date else ""
        )
        problems.append(
            ("declaration_date", f"A {declaration_type} declaration on this schedule must be dated {window}.")
        )
    if training.withdrawn_at and declaration_date >= training.withdrawn_at:
        problems.append(
            (
                "declaration_date",
                f"The participant was withdrawn on {timezone.localtime(training.withdrawn_at):%-d %B %Y at %H:%M}: date it before then.",
            )
        )
    allowed, required = evidence_allowed(declaration_type=declaration_type, role=role, cohort=cohort.year)
    if evidence_type and evidence_type not in allowed:
        problems.append(
            ("evidence_held", f"For this declaration the evidence_held must be one of: {', '.join(allowed)}.")
        )
    elif required and not evidence_type:
        problems.append(("evidence_held", "Enter the evidence_held for this declaration."))
    if cohort.year >= DETAILED_EVIDENCE_FROM and declaration_type in ORDER:
        problems += _out_of_sequence(teacher, course_identifier, declaration_type, declaration_date)
    if problems:
        raise DeclarationRefused(*problems)


def _out_of_sequence(teacher, course_identifier, declaration_type, declaration_date) -> list[tuple[str, str]]:
    """From 2025, milestones are declared in order: not dated before an earlier one nor after a later one."""
    position = ORDER.index(declaration_type)
    for other in (
        Declaration.objects.filter(teacher=teacher, course_identifier=course_identifier)
        .exclude(payment_status=PaymentStatus.VOIDED)
        .filter(clawback_status=ClawbackStatus.NO_CLAWBACK)
    ):
        other_position = ORDER.index(other.declaration_type)
        if (other_position < position and declaration_date < other.declaration_date) or (
            other_position > position and declaration_date > other.declaration_date
        ):
            return [
                (
                    "declaration_date",
                    f"The declaration_date must be in sequence with the participant's {other.declaration_type} declaration.",
                )
            ]
    return []


class VoidRefused(DeclarationRefused):
    pass


@transaction.atomic
def void(
    *, declaration: Declaration, lead_provider: LeadProvider, now: datetime.datetime | None = None
) -> Declaration:
    """The lead provider withdraws its declaration: one not yet paid is voided; a paid one is
    clawed back on the next open statement."""
    return _void(
        declaration,
        actor=Actor.lead_provider_api(lead_provider),
        who=str(lead_provider),
        attribute="participant_declaration_id",
        now=now,
    )


@transaction.atomic
def void_by_staff(
    *, declaration: Declaration, by, reason: str, now: datetime.datetime | None = None
) -> Declaration:
    """Finance staff void a declaration, saying why, as the provider's void does: one not yet paid
    is voided; a paid one is clawed back on the provider's next open statement of the period.
    Refused, naming the field, without a reason, or for a declaration already voided or being
    clawed back, or with no open statement to claw it back on."""
    reason = (reason or "").strip()
    if not reason:
        raise VoidRefused(("reason", "Enter why you are voiding the declaration."))
    return _void(
        declaration,
        actor=Actor.dfe_staff(by),
        who="DfE finance",
        attribute="declaration",
        now=now,
        reason=reason,
    )


def _void(
    declaration: Declaration,
    *,
    actor: Actor,
    who: str,
    attribute: str,
    now: datetime.datetime | None,
    reason: str = "",
) -> Declaration:
    now = now or clock.now()
    # Its statement first, then the declaration: authorising the statement for payment (which
    # locks it, then pays its declarations) waits for this void, or this void for it, and the
    # declaration is read as it then is (paid: clawed back; not: voided).
    statement_id = Declaration.objects.values_list("payment_statement", flat=True).get(pk=declaration.pk)
    if statement_id is not None:
        Statement.objects.select_for_update(no_key=True).filter(pk=statement_id).first()
    declaration = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.payment_status == PaymentStatus.VOIDED:
        raise VoidRefused((attribute, "This declaration has already been voided."))
    if declaration.clawback_status != ClawbackStatus.NO_CLAWBACK:
        raise VoidRefused((attribute, "This declaration is already being clawed back."))
    if declaration.payment_status == PaymentStatus.PAID:
        statement = open_statement(
            declaration.payment_statement.active_lead_provider, on=timezone.localtime(now).date()
        )
        if statement is None:
            raise VoidRefused((attribute, "There is no open statement to claw this declaration back on."))
        declaration.clawback_status, declaration.clawback_statement = (
            ClawbackStatus.AWAITING_CLAWBACK,
            statement,
        )
        event_type, heading = "declaration_clawback", "clawed back"
    else:
        declaration.payment_status, declaration.voided_at = PaymentStatus.VOIDED, now
        event_type, heading = "declaration_voided", "voided"
    declaration.save()
    record_event(
        actor=actor,
        event_type=event_type,
        heading=f"{who} {heading} a {DeclarationType(declaration.declaration_type).label.lower()} declaration",
        subject=declaration,
        teacher=declaration.teacher,
        lead_provider=declaration.lead_provider,
        reason=reason,
    )
    return declaration


@transaction.atomic
def add_statements(active_lead_provider: ActiveLeadProvider, *, months: int = 36) -> int:
    """Monthly statements for the lead provider's contract period, from its first month: cut-off on
    the month's last day, paid on the 25th of the next. Those already there are kept; returns how
    many were made."""
    first = active_lead_provider.contract_period.started_on
    statements = []
    for n in range(months):
        year, month = divmod(first.month - 1 + n, 12)
        year, month = first.year + year, month + 1
        deadline = datetime.date(year, month, calendar.monthrange(year, month)[1])
        statements.append(
            Statement(
                active_lead_provider=active_lead_provider,
                year=year,
                month=month,
                deadline_date=deadline,
                payment_date=(deadline + datetime.timedelta(days=1)).replace(day=25),
            )
        )
    existing = Statement.objects.filter(active_lead_provider=active_lead_provider)
    before = existing.count()
    Statement.objects.bulk_create(statements, ignore_conflicts=True)
    return existing.count() - before


# --- Opening a contract period ----------------------------------------------------------------


@transaction.atomic
def open_contract_period(*, year: int, carry_over: bool, actor: Actor) -> ContractPeriod:
    """Open contract period `year` for registration, as the DfE does before each academic year:
    the period (1 June to 31 May), its schedules and milestones from the rules, and, when
    `carry_over`, the previous year's lead providers with their delivery partners and a year of
    monthly statements each. Refused when the period exists or its year is out of range."""
    if ContractPeriod.objects.filter(year=year).exists():
        raise AttributeProblems(("year", f"Contract period {year} already exists."))
    started_on, finished_on = ContractPeriod.dates_of(year)
    contract_period = ContractPeriod.objects.create(
        year=year, started_on=started_on, finished_on=finished_on, enabled=True
    )
    add_schedules(contract_period)
    carried = _carry_over_lead_providers(contract_period) if carry_over else []
    for active in carried:
        add_statements(active)
    record_event(
        actor=actor,
        event_type="contract_period_opened",
        heading=f"Contract period {contract_period} opened"
        + (f" with {len(carried)} lead providers from {year - 1}" if carried else ""),
        subject=contract_period,
    )
    return contract_period


def _carry_over_lead_providers(contract_period: ContractPeriod) -> list[ActiveLeadProvider]:
    """The lead providers active the year before, active again, each with the delivery partners
    it worked with then."""
    before = ActiveLeadProvider.objects.filter(contract_period_id=contract_period.year - 1)
    carried = []
    for previous in before.select_related("lead_provider").order_by("lead_provider__name"):
        active = ActiveLeadProvider.objects.create(
            lead_provider=previous.lead_provider, contract_period=contract_period
        )
        LeadProviderDeliveryPartnership.objects.bulk_create(
            LeadProviderDeliveryPartnership(active_lead_provider=active, delivery_partner_id=partner_id)
            for partner_id in previous.delivery_partnerships.values_list("delivery_partner_id", flat=True)
        )
        carried.append(active)
    return carried


# --- Contracts -----------------------------------------------------------------------------------


class ContractRefused(AttributeProblems):
    """A contract version that cannot be made, each problem naming its field."""


def _pence(value, field: str, label: str, *, required: bool = True) -> list[tuple[str, str]]:
    """A problem when the value is not a Decimal in pounds and pence, 0 or more."""
    if value is None:
        return [(field, f"Enter the {label}.")] if required else []
    try:
        require_pence(value, label)
    except (TypeError, ValueError):
        return [(field, f"Enter the {label} in pounds and pence, like 1250.00, not less than 0.")]
    return []


def band_problems(bands: Sequence[Band]) -> list[tuple[str, str]]:
    """Problems with a contract version's bands: they are lettered from A in order, the first
    from the first participant (0 or 1), each starting where the one before ended."""
    if not bands:
        return [("bands", "Enter at least one price band.")]
    problems = []
    letters = [band.letter for band in bands]
    if letters != list("ABCD"[: len(bands)]):
        problems.append(("bands", f"Letter the bands A, B, C, D in order, not {', '.join(letters)}."))
    if bands[0].min not in (0, 1):
        problems.append(("bands", "Band A starts from the first participant: 0 or 1."))
    for before, band in itertools.pairwise(bands):
        if band.min != before.max + 1:
            problems.append(
                ("bands", f"Band {band.letter} must start at {before.max + 1:,}, after band {before.letter}.")
            )
    return problems


def contract_problems(
    *,
    active_lead_provider: ActiveLeadProvider,
    in_force_from: datetime.date | None,
    recruitment_target: int,
    set_up_fee: Decimal,
    monthly_service_fee: Decimal | None,
    uplift_amount: Decimal | None,
    mentor_flat_rate: Decimal | None,
    bands: Sequence[Band] | None = None,
) -> list[tuple[str, str]]:
    """Every problem with a new version of the provider's contract, each naming its field (bands
    left unchecked when None, for a form that checks them apart): figures in pounds and pence;
    the mentor flat rate and uplift that the period's type has; a date after the last paid
    statement's deadline (required after the first version)."""
    period = active_lead_provider.contract_period
    contract_type = ContractType.for_year(period.year)
    problems: list[tuple[str, str]] = []
    if in_force_from is None:
        if active_lead_provider.contracts.exists():
            problems.append(("in_force_from", "Enter the date the new version is in force from."))
        in_force_from = period.started_on
    last_paid = (
        Statement.objects.filter(active_lead_provider=active_lead_provider, paid_at__isnull=False)
        .order_by("-deadline_date")
        .first()
    )
    if last_paid is not None and in_force_from <= last_paid.deadline_date:
        problems.append(
            (
                "in_force_from",
                f"The {last_paid.month_year} statement has been paid under the version in force on its "
                f"deadline: a new version must be in force from after {last_paid.deadline_date:%-d %B %Y}.",
            )
        )
    if not isinstance(recruitment_target, int) or recruitment_target < 0:
        problems.append(("recruitment_target", "Enter the recruitment target as a whole number, 0 or more."))
    problems += _pence(set_up_fee, "set_up_fee", "set-up fee")
    problems += _pence(monthly_service_fee, "monthly_service_fee", "monthly service fee", required=False)
    problems += _pence(uplift_amount, "uplift_amount", "uplift amount", required=False)
    problems += _pence(mentor_flat_rate, "mentor_flat_rate", "mentor flat rate", required=False)
    if contract_type == ContractType.ECTS_BANDED_MENTORS_FLAT:
        if mentor_flat_rate is None:
            problems.append(
                ("mentor_flat_rate", f"Enter the flat rate per mentor: {period.year} contracts pay one.")
            )
        if uplift_amount is not None:
            problems.append(("uplift_amount", f"{period.year} contracts pay no uplifts: leave it empty."))
    elif mentor_flat_rate is not None:
        problems.append(
            ("mentor_flat_rate", f"{period.year} contracts pay mentors by the bands: leave it empty.")
        )
    if bands is not None:
        problems += band_problems(tuple(bands))
    return problems


@transaction.atomic
def new_contract_version(
    *,
    active_lead_provider: ActiveLeadProvider,
    recruitment_target: int,
    set_up_fee: Decimal,
    monthly_service_fee: Decimal | None,
    uplift_amount: Decimal | None,
    vat_applicable: bool,
    mentor_flat_rate: Decimal | None,
    bands: Sequence[Band],
    in_force_from: datetime.date | None = None,
    by=None,
    actor: Actor | None = None,
) -> Contract:
    """Make the next version of the provider's contract for the contract period, in force from
    `in_force_from` (for a first version, by default the period's first day). Its type follows
    from the period. Nothing is edited: statements whose deadline is on or after that day are
    calculated with it. Refused, naming each field, with every problem `contract_problems`
    finds. `by` is the member of staff (None for the service itself, with `actor`)."""
    active_lead_provider = (
        ActiveLeadProvider.objects.select_for_update(of=("self",))
        .select_related("lead_provider", "contract_period")
        .get(pk=active_lead_provider.pk)
    )
    bands = tuple(bands)
    problems = contract_problems(
        active_lead_provider=active_lead_provider,
        in_force_from=in_force_from,
        recruitment_target=recruitment_target,
        set_up_fee=set_up_fee,
        monthly_service_fee=monthly_service_fee,
        uplift_amount=uplift_amount,
        mentor_flat_rate=mentor_flat_rate,
        bands=bands,
    )
    if problems:
        raise ContractRefused(*problems)
    period = active_lead_provider.contract_period
    in_force_from = in_force_from or period.started_on
    latest = active_lead_provider.contracts.prefetch_related("bands").order_by("-version").first()
    with connection.cursor() as cursor:
        # The version and its bands are written one after the other and checked together when
        # the transaction commits, even where the caller made every constraint immediate (the
        # demo's reset does, to truncate).
        cursor.execute("SET CONSTRAINTS contract_bands_run_on DEFERRED")
    contract = Contract.objects.create(
        active_lead_provider=active_lead_provider,
        version=(latest.version + 1) if latest else 1,
        in_force_from=in_force_from,
        contract_type=ContractType.for_year(period.year),
        recruitment_target=recruitment_target,
        set_up_fee=set_up_fee,
        monthly_service_fee=monthly_service_fee,
        uplift_amount=uplift_amount,
        vat_applicable=vat_applicable,
        mentor_flat_rate=mentor_flat_rate,
        created_by=by,
    )
    PriceBand.objects.bulk_create(
        PriceBand(contract=contract, letter=band.letter, min=band.min, max=band.max, price=band.price)
        for band in bands
    )
    record_event(
        actor=actor or (Actor.dfe_staff(by) if by else Actor.system()),
        event_type="contract_version_made",
        heading=f"Contract for {active_lead_provider}: version {contract.version} in force from "
        f"{in_force_from:%-d %B %Y}",
        subject=contract,
        lead_provider=active_lead_provider.lead_provider,
        changes=_contract_changes(latest, contract, bands),
    )
    return contract


def _contract_terms_shown(contract: Contract | None, bands: Sequence) -> dict[str, str]:
    if contract is None:
        return {}

    def text(value) -> str:
        return "" if value is None else f"{value:.2f}" if isinstance(value, Decimal) else str(value)

    shown = {
        field: text(getattr(contract, field))
        for field in (
            "in_force_from",
            "recruitment_target",
            "set_up_fee",
            "monthly_service_fee",
            "uplift_amount",
            "vat_applicable",
            "mentor_flat_rate",
        )
    }
    for band in bands:
        shown[f"band {band.letter}"] = f"{band.min} to {band.max} at {text(band.price)}"
    return shown


def _contract_changes(before: Contract | None, after: Contract, bands: Sequence[Band]) -> dict:
    """What the new version changes, field by field: [before, after]."""
    old = _contract_terms_shown(before, sorted(before.bands.all(), key=lambda b: b.letter) if before else ())
    new = _contract_terms_shown(after, bands)
    return {
        name: [old.get(name, ""), new.get(name, "")] for name in new | old if old.get(name) != new.get(name)
    }


# --- The statement lifecycle: open, payable, paid --------------------------------------------------


class StatementRefused(AttributeProblems):
    """A change a statement cannot take in the state it is in."""


@transaction.atomic
def mark_payable(*, today: datetime.date, now: datetime.datetime | None = None) -> int:
    """Every open statement whose deadline has passed by `today` becomes payable: it takes no
    more declarations and waits for finance to authorise it. Run daily (Celery beat); safe to
    run again. Returns how many it marked."""
    now = now or clock.now()
    due = list(
        Statement.objects.select_for_update(of=("self",))
        .filter(deadline_date__lt=today, marked_payable_at__isnull=True, paid_at__isnull=True)
        .select_related("active_lead_provider__lead_provider")
        .order_by("deadline_date", "id")
    )
    Statement.objects.filter(pk__in=[statement.pk for statement in due]).update(marked_payable_at=now)
    # Their eligible declarations are now payable: stamped, so a provider polling for changes
    # (updated_since) sees them move on.
    Declaration.objects.filter(payment_statement__in=due, payment_status=PaymentStatus.ELIGIBLE).update(
        updated_at=now
    )
    for statement in due:
        record_event(
            actor=Actor.system(),
            event_type="statement_payable",
            heading=f"Statement {statement} is payable: its deadline has passed",
            subject=statement,
            lead_provider=statement.active_lead_provider.lead_provider,
        )
    return len(due)


@transaction.atomic
def authorise_for_payment(*, statement: Statement, by, now: datetime.datetime | None = None) -> Statement:
    """Finance authorises a payable statement for payment: what it pays is calculated once more
    and written down on it for good (a paid statement is never calculated again), with who and
    when; its declarations become paid and its clawbacks clawed back. Refused for a statement
    that is not payable, or with no contract in force on its deadline."""
    now = now or clock.now()
    statement = (
        Statement.objects.select_for_update(of=("self",))
        .select_related("active_lead_provider__lead_provider")
        .get(pk=statement.pk)
    )
    if statement.paid_at is not None:
        raise StatementRefused(("statement", f"{statement} has already been authorised for payment."))
    if statement.marked_payable_at is None:
        raise StatementRefused(("statement", f"{statement} is not payable yet: its deadline has not passed."))
    contract = finance_queries.contract_in_force(statement.active_lead_provider, on=statement.deadline_date)
    if contract is None:
        raise StatementRefused(("statement", str(finance_queries.NoContractInForce(statement))))
    calculation = finance_queries.calculate(statement, contract=contract)
    statement.calculation = snapshots.to_json(calculation, contract_id=contract.pk, version=contract.version)
    statement.paid_at, statement.paid_by = now, by
    statement.save(update_fields=["calculation", "paid_at", "paid_by", "updated_at"])
    Declaration.objects.filter(payment_statement=statement, payment_status=PaymentStatus.ELIGIBLE).update(
        payment_status=PaymentStatus.PAID, updated_at=now
    )
    Declaration.objects.filter(
        clawback_statement=statement, clawback_status=ClawbackStatus.AWAITING_CLAWBACK
    ).update(clawback_status=ClawbackStatus.CLAWED_BACK, updated_at=now)
    totals = calculation.totals
    record_event(
        actor=Actor.dfe_staff(by),
        event_type="statement_authorised_for_payment",
        heading=f"Statement {statement} authorised for payment: £{totals.total:,}",
        subject=statement,
        lead_provider=statement.active_lead_provider.lead_provider,
        changes={
            "total": ["", str(totals.total)],
            "contract version": ["", str(contract.version)],
        },
    )
    return statement


# --- Adjustments ---------------------------------------------------------------------------------


def _unpaid(statement: Statement) -> Statement:
    """The statement, locked against being authorised meanwhile; refused once paid."""
    statement = (
        Statement.objects.select_for_update(no_key=True, of=("self",))
        .select_related("active_lead_provider__lead_provider")
        .get(pk=statement.pk)
    )
    if statement.paid_at is not None:
        raise StatementRefused(("statement", f"{statement} has been paid: its adjustments cannot change."))
    return statement


@transaction.atomic
def add_adjustment(
    *, statement: Statement, name: str, amount: Decimal, reason: str, by
) -> StatementAdjustment:
    """Add a named amount (negative to take money off) to an open or payable statement, with the
    reason for it. Refused, naming each field, for a paid statement, an amount of 0 or a fraction
    of a penny, or no name or reason."""
    statement = _unpaid(statement)
    problems = []
    name, reason = (name or "").strip(), (reason or "").strip()
    if not name:
        problems.append(("name", "Enter what the adjustment is for."))
    try:
        amount = require_pence(amount, "amount", allow_negative=True)
        if amount == 0:
            problems.append(("amount", "Enter an amount other than 0."))
    except (TypeError, ValueError):
        problems.append(("amount", "Enter the amount in pounds and pence, like 250.00 or -250.00."))
    if not reason:
        problems.append(("reason", "Enter the reason for the adjustment."))
    if problems:
        raise StatementRefused(*problems)
    adjustment = StatementAdjustment.objects.create(
        statement=statement, name=name, amount=amount, reason=reason, created_by=by
    )
    record_event(
        actor=Actor.dfe_staff(by),
        event_type="statement_adjustment_added",
        heading=f"Adjustment of £{amount:,} added to statement {statement}: {name}",
        subject=statement,
        lead_provider=statement.active_lead_provider.lead_provider,
        reason=reason,
    )
    return adjustment


@transaction.atomic
def remove_adjustment(*, adjustment: StatementAdjustment, by, reason: str = "") -> None:
    """Take an adjustment off a statement that is not yet paid."""
    statement = _unpaid(adjustment.statement)
    adjustment = StatementAdjustment.objects.get(pk=adjustment.pk)
    adjustment.delete()
    record_event(
        actor=Actor.dfe_staff(by),
        event_type="statement_adjustment_removed",
        heading=f"Adjustment of £{adjustment.amount:,} removed from statement {statement}: {adjustment.name}",
        subject=statement,
        lead_provider=statement.active_lead_provider.lead_provider,
        reason=reason,
    )
