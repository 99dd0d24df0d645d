"""Declarations lead providers made, and the statements that paid them, as England stands on the
seed day.

For each provider-led training period a lead provider can see (one through a school partnership),
its provider declares each milestone of the training's schedule that the participant reached by
yesterday, as the declaration rules allow (finance.services.declare):
- dated inside the milestone's window, while the training ran, before any withdrawal, each
  milestone no earlier than the one before (so in order, as the rules ask from 2025);
- once per participant and course, by whichever of their providers trained them at the time
  (an ECT who moved school may have a started by one provider and retained by another);
- ECTs: started, retained-1 to -4, completed when their induction was completed with the
  training, extended-1 to -3 for those on an extended schedule (until 2024: from 2025 an
  extended one would have to be dated after completed); mentors up to 2024 the same milestones
  up to completed, from 2025 started and completed only; completed when the two years of
  training were done;
- made (created) some days after the date it declares, on the provider's statement of the month
  it was made in (the open one then), or not at all when the contract period has no statement
  that month (after its 36 months), or when it would be made today or later.
Some milestones are never declared, some declarations are voided before they are paid, some
clawed back after (on the statement open when they were voided), and about half of those are
declared again.

The statements then take the state they would have on the seed day: those whose deadline has
passed payable (from just after midnight the day after, when the nightly task runs), and those
whose authorising day (a week before the payment date) has passed paid, with what they paid
written down by the real calculation (finance.queries.statement_inputs and the calculator), and
their declarations paid and their clawbacks clawed back. Every draw is seeded, and every date is
relative to the seed day, so a run on the same day builds the same rows.
"""

import datetime
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from demo.loader import Loader
from demo.people import People
from demo.reference import Reference
from demo.timeline import ONE_DAY, add_years, at, days, seed_day
from finance import queries as finance_queries
from finance import snapshots
from finance.calculator import StatementInput, calculate_statement
from finance.models import ClawbackStatus, Contract, Declaration, PaymentStatus, Statement
from finance.services import DETAILED_EVIDENCE_FROM, evidence_allowed
from providers.models import DeclarationType, Milestone

ORDER = list(DeclarationType.values)
# The order a participant reaches them in: an extended induction's extra terms come before it is
# completed. (Until 2024 declarations need not be made in ORDER; from 2025 there are no extended
# ones here.)
REACHED = [*ORDER[:5], *ORDER[6:], ORDER[5]]
STARTED, COMPLETED = DeclarationType.STARTED.value, DeclarationType.COMPLETED.value
EXTENDED = {
    DeclarationType.EXTENDED_1.value,
    DeclarationType.EXTENDED_2.value,
    DeclarationType.EXTENDED_3.value,
}
ECT_COURSE, MENTOR_COURSE = "ecf-induction", "ecf-mentor"

NEVER_DECLARED = 0.04  # of the milestones a participant reached: the provider never declared it
MEAN_DAYS_TO_DECLARE = 10  # from the day a milestone is reached to the day it is declared
MOST_DAYS_TO_DECLARE = 60
VOIDED = 0.012  # voided soon after it was made (before it was paid, mostly)
CLAWED_BACK = 0.006  # voided months later (after it was paid, mostly: clawed back)
DECLARED_AGAIN = 0.5  # of those voided or clawed back
AUTHORISED_DAYS_BEFORE_PAYMENT = 7  # finance authorises a payable statement a week before paying
MARKED_PAYABLE_AT = (0, 15)  # the nightly task (ecf.settings CELERY_BEAT_SCHEDULE), London time

DECLARATION_COLUMNS = [
    "id",
    "api_id",
    "training_period_id",
    "teacher_id",
    "course_identifier",
    "lead_provider_id",
    "delivery_partner_id",
    "mentor_id",
    "declaration_type",
    "declaration_date",
    "evidence_type",
    "payment_status",
    "payment_statement_id",
    "clawback_status",
    "clawback_statement_id",
    "voided_at",
    "created_at",
    "updated_at",
]


# --- Statements ----------------------------------------------------------------------------------


@dataclass(slots=True)
class StatementPlan:
    id: int
    active_lead_provider_id: int
    year: int
    month: int
    deadline: datetime.date
    payment_date: datetime.date
    marked_payable_at: datetime.datetime | None = None
    paid_at: datetime.datetime | None = None


def statement_state(statement: StatementPlan) -> None:
    """Its state on the seed day: open, payable once its deadline has passed, paid once finance
    would have authorised it (a week before it is paid)."""
    if statement.deadline < seed_day():
        statement.marked_payable_at = at(statement.deadline + ONE_DAY, *MARKED_PAYABLE_AT)
    authorised_on = statement.payment_date - days(AUTHORISED_DAYS_BEFORE_PAYMENT)
    if statement.marked_payable_at is not None and authorised_on < seed_day():
        statement.paid_at = at(authorised_on, 11)


def fresh_statements(active_lead_provider_ids: list[int]) -> list[StatementPlan] | None:
    """The providers' statements, each in its state on the seed day; None unless every one is
    still open and none has a declaration (so the seed can tell their whole story)."""
    statements = Statement.objects.filter(active_lead_provider_id__in=active_lead_provider_ids)
    if (
        statements.filter(marked_payable_at__isnull=False).exists()
        or Declaration.objects.filter(payment_statement__in=statements).exists()
    ):
        return None
    plans = [
        StatementPlan(*row)
        for row in statements.order_by("id").values_list(
            "id", "active_lead_provider_id", "year", "month", "deadline_date", "payment_date"
        )
    ]
    for plan in plans:
        statement_state(plan)
    return plans


# --- Declarations --------------------------------------------------------------------------------


@dataclass(slots=True)
class Training:
    """A training period as the planner needs it."""

    id: int
    teacher_id: int
    course: str
    stint_id: int  # the ECT or mentor at-school period
    started_on: datetime.date
    finished_on: datetime.date | None
    withdrawn_on: datetime.date | None
    schedule_id: int
    year: int  # its contract period
    active_lead_provider_id: int
    lead_provider_id: int
    delivery_partner_id: int
    funded: bool
    completes: bool  # it ends with the participant completing their training


class DeclarationPlanner:
    def __init__(
        self,
        rng: random.Random,
        ref: Reference,
        loader: Loader,
        statements: list[StatementPlan],
        plans: list[tuple[People, list[tuple]]],
    ):
        self.rng = rng
        self.loader = loader
        self.rows: list[list] = []
        self.yesterday = seed_day() - ONE_DAY
        self.statements = {(s.active_lead_provider_id, s.year, s.month): s for s in statements}

        schedule_years = {schedule_id: year for (year, _), schedule_id in ref.schedule_ids.items()}
        self.windows: dict[int, dict[str, tuple[datetime.date, datetime.date | None]]] = defaultdict(dict)
        for schedule_id, declaration_type, start, end in Milestone.objects.filter(
            schedule_id__in=schedule_years
        ).values_list("schedule_id", "declaration_type", "start_date", "milestone_date"):
            self.windows[schedule_id][declaration_type] = (start, end)
        pairings = {
            pairing_id: (year, lead_provider, partner)
            for (year, lead_provider), pairs in ref.pairings.items()
            for pairing_id, partner in pairs
        }

        self.trainings: dict[tuple[int, str], list[Training]] = defaultdict(list)
        # ECT at-school period id -> [(from, to, mentor's teacher id)]
        self.mentors: dict[int, list[tuple[datetime.date, datetime.date | None, int]]] = defaultdict(list)
        for people, partnerships in plans:
            partnership_pairing = {row[0]: row[3] for row in partnerships}
            ects = {stint.id: stint for stint in people.ect_stints}
            mentor_stints = {stint.id: stint for stint in people.mentor_stints}
            for _, mentee_id, mentor_id, started_on, finished_on, _ in people.mentorships:
                self.mentors[mentee_id].append((started_on, finished_on, mentor_stints[mentor_id].teacher.id))
            for row in people.training:
                (
                    training_id,
                    ect_id,
                    mentor_id,
                    started_on,
                    finished_on,
                    _,
                    partnership_id,
                    _,
                    schedule_id,
                ) = row[:9]
                withdrawn_at = row[9]
                if partnership_id is None:  # school-led, or a provider's that has not confirmed it
                    continue
                year, lead_provider, partner = pairings[partnership_pairing[partnership_id]]
                withdrawn_on = withdrawn_at.date() if withdrawn_at else None  # London time
                if ect_id is not None:
                    stint = ects[ect_id]
                    completes = (
                        stint.ended_by == "completed"
                        and finished_on == stint.finished_on
                        and withdrawn_at is None
                    )
                    key = (stint.teacher.id, ECT_COURSE)
                else:
                    stint = mentor_stints[mentor_id]
                    completes = (
                        finished_on is not None
                        and withdrawn_at is None
                        and finished_on == add_years(started_on, 2) - ONE_DAY
                    )
                    key = (stint.teacher.id, MENTOR_COURSE)
                self.trainings[key].append(
                    Training(
                        id=training_id,
                        teacher_id=key[0],
                        course=key[1],
                        stint_id=ect_id if ect_id is not None else mentor_id,
                        started_on=started_on,
                        finished_on=finished_on,
                        withdrawn_on=withdrawn_on,
                        schedule_id=schedule_id,
                        year=year,
                        active_lead_provider_id=ref.active_lead_provider_ids[(lead_provider, year)],
                        lead_provider_id=ref.lead_provider_ids[lead_provider],
                        delivery_partner_id=ref.delivery_partner_ids[partner],
                        funded=stint.school.funded,
                        completes=completes,
                    )
                )

    def plan(self) -> list[list]:
        for trainings in self.trainings.values():
            trainings.sort(key=lambda training: training.started_on)
            self._declare(trainings)
        return self.rows

    # --- One participant's declarations on one course --------------------------------------------

    def _declare(self, trainings: list[Training]) -> None:
        rng = self.rng
        last: datetime.date | None = None  # the date of the latest milestone declared
        for declaration_type in REACHED:
            for training in trainings:
                day = self._day(training, declaration_type, last)
                if day is None:
                    continue
                if rng.random() < NEVER_DECLARED:
                    break
                made_on = day + days(
                    min(int(rng.expovariate(1 / MEAN_DAYS_TO_DECLARE)), MOST_DAYS_TO_DECLARE)
                )
                if made_on > self.yesterday:
                    break  # not declared yet
                # Hours in ORDER, so two milestones declared as reached on one day are in order.
                declared_at = at(day, 8 + ORDER.index(declaration_type), rng.randint(0, 59))
                made_at = at(made_on, rng.randint(9, 17) if made_on > day else 17, rng.randint(0, 59))
                if self._add(training, declaration_type, declared_at, made_at):
                    last = day
                break

    def _day(
        self, training: Training, declaration_type: str, last: datetime.date | None
    ) -> datetime.date | None:
        """A day the milestone can be declared as reached on this training, or None."""
        window = self.windows[training.schedule_id].get(declaration_type)
        if window is None:
            return None
        mentor = training.course == MENTOR_COURSE
        if training.year >= DETAILED_EVIDENCE_FROM and (
            (mentor and declaration_type not in (STARTED, COMPLETED)) or declaration_type in EXTENDED
        ):
            return None
        first = max(window[0], training.started_on, last or window[0])
        final = min(
            window[1] or self.yesterday,
            training.finished_on or self.yesterday,
            training.withdrawn_on - ONE_DAY if training.withdrawn_on else self.yesterday,
            self.yesterday,
        )
        if declaration_type == COMPLETED:
            if not training.completes or training.finished_on > self.yesterday:
                return None
            first = max(first, training.finished_on - days(14))
            final = training.finished_on
        if first > final:
            return None
        return first + days(self.rng.randint(0, (final - first).days))

    def _mentor_on(self, training: Training, day: datetime.date) -> int | None:
        if training.course != ECT_COURSE:
            return None
        for started_on, finished_on, mentor_id in self.mentors.get(training.stint_id, ()):
            if started_on <= day and (finished_on is None or day <= finished_on):
                return mentor_id
        return None

    def _statement(self, training: Training, made_at: datetime.datetime) -> StatementPlan | None:
        made_on = made_at.date()
        return self.statements.get((training.active_lead_provider_id, made_on.year, made_on.month))

    def _add(
        self,
        training: Training,
        declaration_type: str,
        declared_at: datetime.datetime,
        made_at: datetime.datetime,
    ) -> bool:
        """Plan the declaration (and whatever later happened to it); False when it cannot be made
        (no statement open that month)."""
        rng = self.rng
        statement = None
        if training.funded:
            statement = self._statement(training, made_at)
            if statement is None:
                return False
        allowed, required = evidence_allowed(
            declaration_type=declaration_type,
            role="mentor" if training.course == MENTOR_COURSE else "ect",
            cohort=training.year,
        )
        evidence = rng.choice(allowed).value if required or rng.random() < 0.3 else ""
        row = [
            self.loader.next_id(Declaration),
            uuid.UUID(int=rng.getrandbits(128), version=4),
            training.id,
            training.teacher_id,
            training.course,
            training.lead_provider_id,
            training.delivery_partner_id,
            self._mentor_on(training, declared_at.date()),
            declaration_type,
            declared_at,
            evidence,
            PaymentStatus.ELIGIBLE.value if statement else PaymentStatus.NO_PAYMENT.value,
            statement.id if statement else None,
            ClawbackStatus.NO_CLAWBACK.value,
            None,
            None,
            made_at,
            made_at,
        ]
        self.rows.append(row)
        if statement is not None and statement.paid_at is not None:
            row[11], row[17] = PaymentStatus.PAID.value, statement.paid_at

        r = rng.random()
        if r < VOIDED:
            voided_on = made_at.date() + days(rng.randint(1, 25))
        elif r < VOIDED + CLAWED_BACK:
            voided_on = made_at.date() + days(rng.randint(30, 300))
        else:
            return True
        if voided_on > self.yesterday:
            return True
        voided_at = at(voided_on, rng.randint(9, 16), rng.randint(0, 59))
        if statement is not None and statement.paid_at is not None and statement.paid_at < voided_at:
            clawback = self._statement(training, voided_at)
            if clawback is None:
                return True  # no statement open to claw it back on: it stays paid
            clawed_back = clawback.paid_at is not None
            row[13] = (ClawbackStatus.CLAWED_BACK if clawed_back else ClawbackStatus.AWAITING_CLAWBACK).value
            row[14] = clawback.id
            row[17] = clawback.paid_at if clawed_back else voided_at
        else:
            row[11], row[15], row[17] = PaymentStatus.VOIDED.value, voided_at, voided_at

        if rng.random() < DECLARED_AGAIN:
            again_on = voided_on + days(rng.randint(0, 10))
            if again_on <= self.yesterday:
                again_at = at(
                    again_on, 17 if again_on == voided_on else rng.randint(9, 17), rng.randint(0, 59)
                )
                again = self._statement(training, again_at) if training.funded else None
                if again is not None or not training.funded:
                    paid = again is not None and again.paid_at is not None
                    status = PaymentStatus.ELIGIBLE if again else PaymentStatus.NO_PAYMENT
                    self.rows.append(
                        [
                            self.loader.next_id(Declaration),
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            *row[2:11],
                            (PaymentStatus.PAID if paid else status).value,
                            again.id if again else None,
                            ClawbackStatus.NO_CLAWBACK.value,
                            None,
                            None,
                            again_at,
                            again.paid_at if paid else again_at,
                        ]
                    )
        return True


def plan_declarations(
    ref: Reference, loader: Loader, statements: list[StatementPlan], plans: list[tuple[People, list[tuple]]]
) -> list[list]:
    """The declarations' rows (DECLARATION_COLUMNS), for the people planned (each People with
    the partnership rows planned with it)."""
    return DeclarationPlanner(random.Random("demo-declarations"), ref, loader, statements, plans).plan()


# --- The statements' lifecycle ---------------------------------------------------------------------


def settle_statements(statements: list[StatementPlan]) -> tuple[int, int]:
    """Give the statements their state on the seed day, once their declarations are loaded:
    payable, then paid with what the calculation makes of them written down (in deadline order,
    each provider's statements counted together). A statement whose provider has no contract in
    force on its deadline stays payable. Returns (payable, paid)."""
    payable = [s for s in statements if s.marked_payable_at is not None]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE finance_statement s SET marked_payable_at = v.at, updated_at = v.at
            FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) WHERE s.id = v.id
            """,
            [[s.id for s in payable], [s.marked_payable_at for s in payable]],
        )

    paid_rows = []
    by_provider: dict[int, list[StatementPlan]] = defaultdict(list)
    for statement in statements:
        if statement.paid_at is not None:
            by_provider[statement.active_lead_provider_id].append(statement)
    for active_lead_provider_id, to_pay in sorted(by_provider.items()):
        versions = list(finance_queries.contract_versions(active_lead_provider_id))
        inputs = finance_queries.statement_inputs(active_lead_provider_id)
        for statement in sorted(to_pay, key=lambda s: s.deadline):
            contract = _in_force(versions, statement.deadline)
            if contract is None:
                statement.paid_at = None
                continue
            calculation = calculate_statement(
                finance_queries.contract_terms(contract), inputs.get(statement.id, StatementInput())
            )
            snapshot = snapshots.to_json(calculation, contract_id=contract.pk, version=contract.version)
            paid_rows.append((statement.paid_at, json.dumps(snapshot), statement.paid_at, statement.id))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE finance_statement SET paid_at = %s, calculation = %s::jsonb, updated_at = %s WHERE id = %s",
            paid_rows,
        )
    return len(payable) - len(paid_rows), len(paid_rows)


def _in_force(versions: list[Contract], day: datetime.date) -> Contract | None:
    """The version in force on a day (as finance.queries.contract_in_force picks it)."""
    in_force = [contract for contract in versions if contract.in_force_from <= day]
    return max(in_force, key=lambda contract: contract.version) if in_force else None
