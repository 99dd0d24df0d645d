"""Reading the mentor grant for schools from the database (the rule is in finance/grants.py,
docs/decisions/0037): three queries however many schools and mentors."""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from finance.grants import (
    Mentor,
    MentorDeclaration,
    School,
    SchoolGrant,
    Term,
    Training,
    rate_area,
    school_grants,
    terms_of,
)
from finance.models import ClawbackStatus, Declaration, PaymentStatus
from participants.models import TrainingPeriod
from schools.models import School as SchoolRow

MENTOR_COURSE = "ecf-mentor"
LIVE_PAYMENT = (PaymentStatus.ELIGIBLE, PaymentStatus.PAID)
# Declarations dated this long before a term may still count in it: one made before its contract
# period's academic year counts in the first term (the contract period starts on 1 June).
EARLY_DECLARATIONS = datetime.timedelta(days=92)


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _local_date(moment: datetime.datetime, zone) -> datetime.date:
    return moment.astimezone(zone).date()


def mentor_grants(*, year: int, term: Term | None = None) -> list[SchoolGrant]:
    """Each school's mentor grant for the term of academic year `year` (the whole year when no
    term is given): one row per school and grant, by school name."""
    terms = terms_of(year, term)
    zone = timezone.get_current_timezone()  # England's, as core.clock.local_date reads it
    first_day, last_day = terms[0].start, terms[-1].end
    # The mentors who may have hours in the terms: those training in them, and those with a
    # declaration dated in (or shortly before) them. A superset: the rule decides.
    training_then = TrainingPeriod.objects.filter(
        Q(finished_on__isnull=True) | Q(finished_on__gte=first_day),
        mentor_at_school_period__isnull=False,
        started_on__lte=last_day,
    ).values("mentor_at_school_period__teacher_id")
    declared_then = Declaration.objects.filter(
        course_identifier=MENTOR_COURSE,
        declaration_date__gte=_start_of(first_day - EARLY_DECLARATIONS),
        declaration_date__lt=_start_of(last_day + datetime.timedelta(days=1)),
    ).values("teacher_id")
    mentors = Q(mentor_at_school_period__teacher_id__in=training_then) | Q(
        mentor_at_school_period__teacher_id__in=declared_then
    )

    trainings = defaultdict(list)
    school_ids = set()
    for teacher_id, school_id, started_on, finished_on, withdrawn_at, deferred_at, cohort in (
        TrainingPeriod.objects.filter(mentors, started_on__lte=last_day)
        .values_list(
            "mentor_at_school_period__teacher_id",
            "mentor_at_school_period__school_id",
            "started_on",
            "finished_on",
            "withdrawn_at",
            "deferred_at",
            "schedule__contract_period_id",
        )
        .order_by()
    ):
        stopped = [_local_date(moment, zone) for moment in (withdrawn_at, deferred_at) if moment is not None]
        trainings[teacher_id].append(
            Training(
                school_id=school_id,
                started_on=started_on,
                finished_on=finished_on,
                stopped_on=min(stopped) if stopped else None,
                contract_period=cohort,
            )
        )
        school_ids.add(school_id)

    declarations = defaultdict(list)
    for teacher_id, declaration_type, declared_at, payment, clawback, school_id, cohort in (
        Declaration.objects.filter(
            Q(teacher_id__in=training_then) | Q(teacher_id__in=declared_then),
            course_identifier=MENTOR_COURSE,
        )
        .values_list(
            "teacher_id",
            "declaration_type",
            "declaration_date",
            "payment_status",
            "clawback_status",
            "training_period__mentor_at_school_period__school_id",
            "training_period__schedule__contract_period_id",
        )
        .order_by()
    ):
        declarations[teacher_id].append(
            MentorDeclaration(
                declaration_type=declaration_type,
                declared_on=_local_date(declared_at, zone),
                live=payment in LIVE_PAYMENT and clawback == ClawbackStatus.NO_CLAWBACK,
                school_id=school_id,
                contract_period=cohort,
            )
        )
        school_ids.add(school_id)

    schools = {
        row["id"]: School(
            school_id=row["id"],
            urn=row["urn"],
            name=row["name"],
            area=rate_area(region=row["region"], local_authority=row["local_authority"]),
            eligible=row["eligible_for_funding"],
        )
        for row in SchoolRow.objects.filter(pk__in=school_ids).values(
            "id", "urn", "name", "region", "local_authority", "eligible_for_funding"
        )
    }
    mentors_found = [
        Mentor(
            mentor_id=teacher_id,
            trainings=tuple(trainings.get(teacher_id, ())),
            declarations=tuple(declarations.get(teacher_id, ())),
        )
        for teacher_id in trainings.keys() | declarations.keys()
    ]
    return school_grants(mentors_found, schools, terms)
