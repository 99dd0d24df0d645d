"""What a lead provider changes about a participant's training through the API: withdraw, defer,
resume and change schedule. Each acts on the participant's latest training with that provider in
one role (their "enrolment"), in one transaction, with an event naming the provider.

Refusals are `ActionRefused`, naming each problem with the request field it is about, so the API
can answer with all of them at once.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import Actor, record_event
from core import clock
from core.refusals import AttributeProblems
from finance.models import ClawbackStatus, Declaration, PaymentStatus
from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod, Teacher, TrainingPeriod
from participants.services.common import Refused, _day, _start_training
from providers.models import ActiveLeadProvider, ContractPeriod, LeadProvider
from providers.schedules import IDENTIFIERS, KINDS_FOR_ROLE, schedule_for
from schools.queries import partnership_in

COURSES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}
WITHDRAWAL_REASONS = (
    "left-teaching-profession",
    "moved-school",
    "mentor-no-longer-being-mentor",
    "switched-to-school-led",
    "changed-lead-provider",
    "other",
)
DEFERRAL_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")


class ActionRefused(AttributeProblems, Refused):
    """A refusal naming each problem with its attribute (core.refusals)."""


def _provider_of(training: TrainingPeriod) -> ActiveLeadProvider:
    if training.school_partnership_id:
        return training.school_partnership.lead_provider_delivery_partnership.active_lead_provider
    return training.expression_of_interest


def enrolment_training(
    teacher: Teacher, *, lead_provider: LeadProvider, course_identifier: str, lock: bool = False
) -> TrainingPeriod:
    """The teacher's latest training with the lead provider on that course; ActionRefused if none."""
    role = COURSES.get(course_identifier)
    if role is None:
        raise ActionRefused(
            ("course_identifier", "The course_identifier must be ecf-induction or ecf-mentor.")
        )
    trainings = TrainingPeriod.objects.filter(
        Q(
            school_partnership__lead_provider_delivery_partnership__active_lead_provider__lead_provider=lead_provider
        )
        | Q(expression_of_interest__lead_provider=lead_provider),
        **{f"{role}_at_school_period__teacher": teacher},
    ).order_by("-started_on", "-id")
    if lock:
        trainings = trainings.select_for_update(of=("self",))
    training = trainings.select_related(
        f"{role}_at_school_period__school",
        "schedule",
        "school_partnership__lead_provider_delivery_partnership__active_lead_provider__contract_period",
        "expression_of_interest__contract_period",
    ).first()
    if training is None:
        raise ActionRefused(
            ("course_identifier", f"The participant has no {course_identifier} training with you.")
        )
    return training


def _locked(teacher: Teacher, lead_provider: LeadProvider, course_identifier: str) -> TrainingPeriod:
    # Lock the teacher first, as registering and the school's changes do, so the two cannot deadlock.
    Teacher.objects.select_for_update().filter(pk=teacher.pk).first()
    return enrolment_training(
        teacher, lead_provider=lead_provider, course_identifier=course_identifier, lock=True
    )


def _at_school(training: TrainingPeriod) -> ECTAtSchoolPeriod | MentorAtSchoolPeriod:
    return training.ect_at_school_period or training.mentor_at_school_period


def _end_today(training: TrainingPeriod, *, today: datetime.date, verb: str, now_true: dict) -> None:
    """End training that has started today (if it has not already ended), setting `now_true`."""
    if training.started_on > today:
        raise ActionRefused(
            (
                "participant_id",
                f"You cannot {verb} a participant before their training starts on {_day(training.started_on)}.",
            )
        )
    if training.finished_on is None or training.finished_on > today:
        training.finished_on = today
    for field, value in now_true.items():
        setattr(training, field, value)
    training.save()


@transaction.atomic
def withdraw(
    *,
    teacher: Teacher,
    lead_provider: LeadProvider,
    course_identifier: str,
    reason: str,
    today: datetime.date | None = None,
) -> TrainingPeriod:
    """The participant has stopped training with the lead provider for good: their training ends today."""
    today = today or clock.today()
    problems = []
    if reason not in WITHDRAWAL_REASONS:
        problems.append(("reason", f"The reason must be one of: {', '.join(WITHDRAWAL_REASONS)}."))
    elif reason == "mentor-no-longer-being-mentor" and course_identifier == "ecf-induction":
        problems.append(("reason", "mentor-no-longer-being-mentor is a reason for mentors only."))
    training = _locked(teacher, lead_provider, course_identifier)
    if training.withdrawn_at:
        problems.append(("participant_id", "The participant is already withdrawn."))
    if problems:
        raise ActionRefused(*problems)
    _end_today(
        training,
        today=today,
        verb="withdraw",
        now_true={
            "withdrawn_at": clock.now(),
            "withdrawal_reason": reason,
            "deferred_at": None,
            "deferral_reason": "",
        },
    )
    _record(
        training, lead_provider, "training_withdrawn", f"{lead_provider} withdrew {teacher.full_name}", reason
    )
    return training


@transaction.atomic
def defer(
    *,
    teacher: Teacher,
    lead_provider: LeadProvider,
    course_identifier: str,
    reason: str,
    today: datetime.date | None = None,
) -> TrainingPeriod:
    """The participant pauses training with the lead provider, to resume later: it ends today."""
    today = today or clock.today()
    problems = []
    if reason not in DEFERRAL_REASONS:
        problems.append(("reason", f"The reason must be one of: {', '.join(DEFERRAL_REASONS)}."))
    training = _locked(teacher, lead_provider, course_identifier)
    if training.withdrawn_at:
        problems.append(
            ("participant_id", "The participant is withdrawn: a withdrawn participant cannot be deferred.")
        )
    elif training.deferred_at:
        problems.append(("participant_id", "The participant is already deferred."))
    if problems:
        raise ActionRefused(*problems)
    _end_today(
        training,
        today=today,
        verb="defer",
        now_true={"deferred_at": clock.now(), "deferral_reason": reason},
    )
    _record(
        training, lead_provider, "training_deferred", f"{lead_provider} deferred {teacher.full_name}", reason
    )
    return training


@transaction.atomic
def resume(
    *,
    teacher: Teacher,
    lead_provider: LeadProvider,
    course_identifier: str,
    today: datetime.date | None = None,
) -> TrainingPeriod:
    """A withdrawn or deferred participant trains with the lead provider again, from today, on the
    same schedule."""
    today = today or clock.today()
    training = _locked(teacher, lead_provider, course_identifier)
    at_school = _at_school(training)
    if not (training.withdrawn_at or training.deferred_at):
        raise ActionRefused(("participant_id", "The participant is already training with you."))
    if training.finished_on is not None and training.finished_on >= today:
        raise ActionRefused(
            (
                "participant_id",
                f"Their training stopped on {_day(training.finished_on)}: you can resume it from the day after.",
            )
        )
    if at_school.finished_on is not None and at_school.finished_on < today:
        raise ActionRefused(
            (
                "participant_id",
                f"The participant left {at_school.school.name} on {_day(at_school.finished_on)}. "
                "Ask their new school's induction tutor to tell us who trains them.",
            )
        )
    ongoing_elsewhere = at_school.training_periods.filter(
        Q(finished_on__isnull=True) | Q(finished_on__gte=today)
    )
    if ongoing_elsewhere.exists():
        raise ActionRefused(("participant_id", "The participant is now training with another provider."))
    resumed = _start_training(
        at_school,
        started_on=today,
        training_programme=training.training_programme,
        active_lead_provider=_provider_of(training),
        finished_on=at_school.finished_on,
        schedule=training.schedule,
    )
    _record(
        resumed,
        lead_provider,
        "training_resumed",
        f"{lead_provider} resumed training for {teacher.full_name}",
    )
    return resumed


@transaction.atomic
def change_schedule(
    *,
    teacher: Teacher,
    lead_provider: LeadProvider,
    course_identifier: str,
    schedule_identifier: str,
    cohort: int | None = None,
    today: datetime.date | None = None,
) -> TrainingPeriod:
    """Put the participant's training on another schedule, in their cohort or (with a partnership
    with their school there) another one."""
    today = today or clock.today()
    training = _locked(teacher, lead_provider, course_identifier)
    role = "ect" if training.ect_at_school_period_id else "mentor"
    current = _provider_of(training).contract_period
    year = cohort if cohort is not None else current.year
    problems = []
    kind = schedule_identifier.split("-")[1] if schedule_identifier in IDENTIFIERS else None
    if kind is None:
        problems.append(("schedule_identifier", "The schedule_identifier is not a schedule we know."))
    elif kind not in KINDS_FOR_ROLE[role]:
        problems.append(
            (
                "schedule_identifier",
                f"{'An ECT' if role == 'ect' else 'A mentor'} cannot be on a {kind} schedule.",
            )
        )
    target = ContractPeriod.objects.filter(year=year).first()
    if target is None:
        problems.append(("cohort", f"There is no {year} cohort."))
    if training.withdrawn_at:
        problems.append(("participant_id", "The participant is withdrawn: resume them first."))
    elif training.finished_on is not None and training.finished_on < today:
        problems.append(("participant_id", "The participant has left your training."))
    if problems:
        raise ActionRefused(*problems)
    if target.pk == current.pk and training.schedule.identifier == schedule_identifier:
        raise ActionRefused(("schedule_identifier", "The participant is already on this schedule."))
    before = {"schedule": f"{training.schedule.identifier} ({current.year})"}
    if target.pk != current.pk:
        _move_to_cohort(training, target, lead_provider=lead_provider)
    schedule = schedule_for(target, schedule_identifier)
    _refuse_if_declarations_would_not_fit(training, schedule, course_identifier=course_identifier)
    training.schedule = schedule
    training.save()
    _record(
        training,
        lead_provider,
        "training_schedule_changed",
        f"{lead_provider} changed {teacher.full_name}'s schedule to {schedule_identifier} ({target.year})",
        changes={"schedule": [before["schedule"], f"{schedule_identifier} ({target.year})"]},
    )
    return training


def _refuse_if_declarations_would_not_fit(training, schedule, *, course_identifier: str) -> None:
    """A schedule change must leave every live declaration for the participant inside its
    milestone's window on the new schedule (declarations are what the provider is paid on)."""
    windows = {m.declaration_type: m for m in schedule.milestones.all()}
    teacher = _at_school(training).teacher
    live = (
        Declaration.objects.filter(teacher=teacher, course_identifier=course_identifier)
        .exclude(payment_status=PaymentStatus.VOIDED)
        .filter(clawback_status=ClawbackStatus.NO_CLAWBACK)
    )
    for declaration in live:
        window, day = (
            windows.get(declaration.declaration_type),
            timezone.localtime(declaration.declaration_date).date(),
        )
        if (
            window is None
            or day < window.start_date
            or (window.milestone_date and day > window.milestone_date)
        ):
            raise ActionRefused(
                (
                    "schedule_identifier",
                    f"The participant's {declaration.declaration_type} declaration would not fit the "
                    f"{schedule.identifier} schedule: void it first, or choose another schedule.",
                )
            )


def _move_to_cohort(training: TrainingPeriod, target: ContractPeriod, *, lead_provider: LeadProvider) -> None:
    school = _at_school(training).school
    if target.payments_frozen_at is not None:
        raise ActionRefused(
            ("cohort", f"Payments for the {target.year} cohort have closed: no one can move into it.")
        )
    partnership = partnership_in(school, target, lead_provider_id=lead_provider.pk)
    if partnership is None:
        raise ActionRefused(
            (
                "cohort",
                f"You are not in partnership with {school.name} in {target.year}: confirm that partnership first.",
            )
        )
    training.school_partnership, training.expression_of_interest = partnership, None


def _record(training, lead_provider, event_type, heading, reason="", changes=None):
    at_school = _at_school(training)
    record_event(
        actor=Actor.lead_provider_api(lead_provider),
        event_type=event_type,
        heading=heading,
        subject=training,
        teacher=at_school.teacher,
        school=at_school.school,
        lead_provider=lead_provider,
        reason=reason,
        changes=changes,
    )
