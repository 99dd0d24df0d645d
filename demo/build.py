"""Build the demo data set: the small one the dev server seeds at every start, or all of
England for benchmarks.

Both run the same stages at different sizes:
  1. reference data (contract periods, lead providers, delivery partners, pairings,
     appropriate bodies), idempotent through the ORM;
  2. schools and their yearly choices, planned in Python;
  3. ECT journeys, then mentors school by school, with training and induction periods; then
     what each school told the service about each year (SchoolContractPeriodChoice), which
     depends on who was there;
  4. one COPY per table, in foreign-key order;
  5. (the small demo) the named schools the README lists, planned by rule (named_schools.py),
     added whenever the database lacks one, even to data seeded before they existed;
  6. on a fresh seed, the declarations lead providers made for the people planned, COPYed in,
     then the statements they are on given their state on the seed day (declarations.py);
  7. audit events.
Everything happens in one transaction, so a failed run leaves nothing behind, and the small
demo is "present" exactly when its schools are.
"""

import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from api import listing
from audit.models import Event
from demo import declarations, events, named_bodies, named_schools, people, reference, schools
from demo.loader import Loader, truncate
from demo.reference import ensure_reference_data
from demo.timeline import at, contract_period_dates, contract_year_of, seed_day, seeding
from finance.models import Declaration, Statement
from participants.models import (
    ECTAtSchoolPeriod,
    InductionPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
)
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    SchoolPartnership,
)
from schools.models import School, SchoolContractPeriodChoice, SchoolFundingFlags

Log = Callable[[str], None]

# Tables the generator writes with COPY, in the order their foreign keys need.
LOADED_MODELS = [
    School,
    SchoolFundingFlags,
    SchoolPartnership,
    SchoolContractPeriodChoice,
    Teacher,
    ECTAtSchoolPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    TrainingPeriod,
    InductionPeriod,
    Declaration,
    Event,
]
REFERENCE_MODELS = [
    ContractPeriod,
    LeadProvider,
    ActiveLeadProvider,
    DeliveryPartner,
    LeadProviderDeliveryPartnership,
    AppropriateBody,
    Statement,
]
ALL_MODELS = REFERENCE_MODELS + LOADED_MODELS


@dataclass(frozen=True)
class Scale:
    schools: int
    delivery_partners: int
    hub_appropriate_bodies: int
    # Mean new ECTs a year for a school of middling size, relative to KINDS' rates: tuned so
    # 25,000 schools take on ~30,000 ECTs a year.
    ects_per_school_year: float = 0.9


DEMO = Scale(schools=300, delivery_partners=20, hub_appropriate_bodies=20)
ENGLAND_SCHOOLS = 25_000


def england(fraction: float = 1.0) -> Scale:
    """England's size, or a fraction of it (schools and so teachers scale; reference data does not)."""
    return Scale(
        schools=max(1, round(ENGLAND_SCHOOLS * fraction)), delivery_partners=100, hub_appropriate_bodies=90
    )


class AlreadySeeded(Exception):
    pass


@contextmanager
def stage(log: Log, name: str):
    started = time.monotonic()
    result: dict = {}
    yield result
    detail = f" {result['detail']}" if "detail" in result else ""
    log(f"  {name:<40}{detail} ({time.monotonic() - started:.1f} s)")


def row_counts() -> dict[str, int]:
    return {model._meta.db_table: model.objects.count() for model in ALL_MODELS}


def _reference(log: Log, scale: Scale) -> reference.Reference:
    with stage(log, "reference data") as s:
        ref = ensure_reference_data(
            delivery_partners=scale.delivery_partners, hub_appropriate_bodies=scale.hub_appropriate_bodies
        )
        created = ", ".join(f"{n} {what}" for what, n in ref.counts.items() if n) or "nothing new"
        s["detail"] = f"created: {created}"
    return ref


def _build_people(
    log: Log, scale: Scale, ref: reference.Reference, loader: Loader
) -> tuple[people.People, list[tuple]]:
    """Plan schools and people in Python, then COPY them in; returns the plan and its partnership
    rows (for declarations and events)."""
    with stage(log, "plan schools and their choices") as s:
        planned_schools = schools.plan_schools(random.Random("demo-schools"), scale.schools, ref, loader)
        schools.plan_cohort_sizes(random.Random("demo-cohorts"), planned_schools, scale.ects_per_school_year)
        partnerships = schools.plan_choices(random.Random("demo-choices"), planned_schools, ref, loader)
        s["detail"] = f"{len(planned_schools):,} schools"
    with stage(log, "plan ECTs, mentors, training, induction") as s:
        taken = set(Teacher.objects.values_list("trn", flat=True))
        planner = people.PeoplePlanner(
            random.Random("demo-people"), planned_schools, ref, loader, partnerships, taken
        )
        planner.plan_ects()
        planner.plan_mentors()
        plan = planner.people
        s["detail"] = f"{len(plan.teachers):,} teachers"
    with stage(log, "plan what schools said about each year") as s:
        present, arrived = plan.school_years_with_people()
        schools.plan_answers(
            random.Random("demo-answers"), planned_schools, present, arrived, loader, partnerships
        )
        s["detail"] = f"{sum(len(school.answers) for school in planned_schools):,} school years"
    _load(log, loader, ref, planned_schools, partnerships, plan)
    return plan, partnerships


def _add_named_schools(
    log: Log, ref: reference.Reference, loader: Loader
) -> tuple[people.People, list[tuple]] | None:
    """Add the named demo schools the README lists that the database lacks (all of them after a
    fresh seed; any added since, to data seeded before), with their people. Returns their people
    and partnership rows, or None when none was missing."""
    urns = [named.urn for named in named_schools.NAMED_SCHOOLS]
    present = set(School.objects.filter(urn__in=urns).values_list("urn", flat=True))
    missing = [named for named in named_schools.NAMED_SCHOOLS if named.urn not in present]
    if not missing:
        return None
    with stage(log, "plan the named schools (README)") as s:
        taken = set(Teacher.objects.values_list("trn", flat=True))
        plans, partnerships, planner = named_schools.plan_named_schools(missing, ref, loader, taken)
        s["detail"] = f"{len(plans)} schools, {len(planner.people.teachers)} teachers"
    _load(log, loader, ref, plans, partnerships, planner.people)
    return planner.people, partnerships


def _declarations(
    log: Log, ref: reference.Reference, loader: Loader, plans: list[tuple[people.People, list[tuple]]]
) -> None:
    """The declarations the lead providers made for the people planned, COPYed in while every
    statement is still open, then the statements given their state on the seed day: payable, or
    paid with their calculation written down. Only on statements with no history yet (a fresh
    seed): otherwise left out, and said so."""
    with stage(log, "plan declarations") as s:
        statements = declarations.fresh_statements(sorted(ref.active_lead_provider_ids.values()))
        if statements is None:
            s["detail"] = "none: the statements have declarations or have moved on already"
            return
        rows = declarations.plan_declarations(ref, loader, statements, plans)
        s["detail"] = f"{len(rows):,} declarations"
    with stage(log, f"copy {Declaration._meta.db_table}") as s:
        # The statements are all still open, as the database requires of a declaration put on one
        # (the check is skipped for this load, participants.bulk_load, as it is set in _load).
        s["detail"] = f"{loader.copy(Declaration, declarations.DECLARATION_COLUMNS, rows):,} rows"
    del rows
    # The statements are calculated from what was just loaded, still uncommitted: statistics
    # gathered now (ANALYZE sees this transaction's rows) give the planner the tables' real sizes,
    # not whatever an earlier, emptier state left (a nested loop over thousands of rows, otherwise).
    _analyze(log, ALL_MODELS)
    with stage(log, "statements: payable and paid") as s:
        payable, paid = declarations.settle_statements(statements)
        s["detail"] = f"{paid:,} paid, {payable:,} payable, {len(statements) - paid - payable:,} open"


def _analyze(log: Log, models) -> None:
    with stage(log, "analyze"), connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _load(
    log: Log,
    loader: Loader,
    ref: reference.Reference,
    planned_schools: list[schools.SchoolPlan],
    partnerships: list[tuple],
    plan: people.People,
) -> None:
    """COPY planned schools and people in, table by table in foreign-key order."""
    with connection.cursor() as cursor:
        # The load writes history with its own times: its teachers' API "updated at" is the load's
        # time, and recording each row as a participant change would only slow it.
        cursor.execute("SET LOCAL participants.bulk_load = 'on'")

    def load(model, columns, rows):
        with stage(log, f"copy {model._meta.db_table}") as s:
            s["detail"] = f"{loader.copy(model, columns, rows):,} rows"

    load(School, schools.SCHOOL_COLUMNS, schools.school_rows(planned_schools, ref))
    load(SchoolFundingFlags, schools.FUNDING_FLAG_COLUMNS, schools.funding_flag_rows(planned_schools))
    load(SchoolPartnership, schools.PARTNERSHIP_COLUMNS, partnerships)
    load(SchoolContractPeriodChoice, schools.CHOICE_COLUMNS, schools.choice_rows(planned_schools, ref))
    load(Teacher, people.TEACHER_COLUMNS, people.teacher_rows(plan.teachers))
    load(ECTAtSchoolPeriod, people.ECT_PERIOD_COLUMNS, people.ect_period_rows(plan.ect_stints))
    load(MentorAtSchoolPeriod, people.MENTOR_PERIOD_COLUMNS, people.mentor_period_rows(plan.mentor_stints))
    load(MentorshipPeriod, people.MENTORSHIP_COLUMNS, plan.mentorships)
    load(TrainingPeriod, people.TRAINING_COLUMNS, plan.training)
    load(InductionPeriod, people.INDUCTION_COLUMNS, plan.inductions)


def _participant_listings(log: Log) -> None:
    """Build the lead providers' participant listings the load left behind (it records no
    participant changes for them to be kept from: api.listing), each in its own transaction."""
    with stage(log, "participant listings (API)") as s:
        built = {
            provider.name: listing.build(lead_provider=provider)
            for provider in LeadProvider.objects.order_by("name")
            if not listing.position(provider).built
        }
        listing.vacuum()
        s["detail"] = (
            f"{sum(built.values()):,} participants of {len(built)} providers" if built else "up to date"
        )


def _truncate(log: Log) -> None:
    with stage(log, "truncate") as s:
        emptied = truncate(ALL_MODELS)
        s["detail"] = f"{len(emptied)} tables: {', '.join(emptied)}"


def seed_demo(*, reset: bool = False, log: Log = print) -> dict[str, int]:
    """The small demo: reference data always (idempotent); schools and people once."""
    started = time.monotonic()
    log("Seeding demo data")
    with seeding() as day, transaction.atomic():
        log(f"  as England stands on {day:%-d %B %Y}")
        if reset:
            _truncate(log)
        ref = _reference(log, DEMO)
        loader = Loader(LOADED_MODELS)
        loader.lock()  # before looking, so two runs at once cannot both decide to build
        low, high = schools.DEMO_URN_RANGE
        present = School.objects.filter(urn__range=(low, high)).count()
        if present:
            log(f"  demo schools and teachers already present ({present:,} schools): left as they are")
        else:
            built = _build_people(log, DEMO, ref, loader)
        named = _add_named_schools(log, ref, loader)
        if not present:
            _declarations(log, ref, loader, [built] + ([named] if named else []))
            with stage(log, "audit events") as s:
                s["detail"] = f"{events.record_demo_events()} events"
        loader.advance_sequences()
        # After the sequences: these rows are made the ordinary way.
        with stage(log, "appropriate body users (README)") as s:
            given = named_bodies.add_named_body_users()
            s["detail"] = f"{given} given access, {named_bodies.fill_review_lists()} review lists filled"
    _participant_listings(log)
    counts = row_counts()
    log(f"Done in {time.monotonic() - started:.1f} s")
    return counts


def seed_england(*, fraction: float = 1.0, reset: bool = False, log: Log = print) -> dict[str, int]:
    """England-scale data (or a fraction of it) into an empty database, or after --reset."""
    started = time.monotonic()
    scale = england(fraction)
    log(f"Seeding England-scale demo data: {scale.schools:,} schools (fraction {fraction:g})")
    with seeding() as day, transaction.atomic():
        log(f"  as England stands on {day:%-d %B %Y}")
        if reset:
            _truncate(log)
        elif School.objects.exists() or Teacher.objects.exists():
            raise AlreadySeeded(
                f"The database already has {School.objects.count():,} schools and {Teacher.objects.count():,} "
                "teachers. Pass --reset to empty the school, provider, participant and audit tables first."
            )
        ref = _reference(log, scale)
        loader = Loader(LOADED_MODELS)
        loader.lock()
        plan, partnerships = _build_people(log, scale, ref, loader)
        _declarations(log, ref, loader, [(plan, partnerships)])
        with stage(log, "copy audit_event (this year's registrations)") as s:
            rows = events.registration_event_rows(loader, plan, since=at(current_contract_period_start(), 0))
            s["detail"] = f"{loader.copy(Event, events.EVENT_COLUMNS, rows):,} rows"
        loader.advance_sequences()
    _analyze(log, ALL_MODELS)
    _participant_listings(log)
    counts = row_counts()
    log(f"Done in {time.monotonic() - started:.1f} s")
    return counts


def current_contract_period_start():
    """The first day of the contract period the demo's today falls in."""
    started_on, _ = contract_period_dates(contract_year_of(seed_day()))
    return started_on
