"""Teachers and their periods: where ECTs and mentors were, who mentored whom, how they
trained, and how their induction went.

Each ECT's journey is planned from a few draws (start date, full or part time, whether
they leave, transfer, defer or are withdrawn, how induction ends) and turned into periods
that satisfy the database's rules by construction:
- a transfer finishes the old ECT period the day before the new one starts;
- a training period sits inside its at-school period;
- a mentorship is cut where the mentor's period ends, and the ECT gets another mentor from
  the next day, so it always lies inside both periods and both are at the same school.
Mentors are planned school by school after all ECT periods are known (transfers put ECTs
into other schools), from a pool of that school's mentors.
"""

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from demo.loader import Loader
from demo.names import FIRST_NAMES, LAST_NAMES, SHORT_NAMES
from demo.reference import Reference
from demo.schools import PROVIDER_LED, SCHOOL_LED, SchoolPlan, ensure_partnership
from demo.timeline import (
    ONE_DAY,
    add_years,
    at,
    contract_year_of,
    days,
    earlier,
    payments_frozen_at,
    registration_year,
    seed_day,
    terms_between,
    years,
)
from participants.models import (
    ECTAtSchoolPeriod,
    InductionOutcome,
    InductionPeriod,
    InductionStatus,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    Teacher,
    TrainingPeriod,
    WorkingPattern,
)
from providers.schedules import identifier_for_start

# How often things happen to an ECT (per journey) and to a mentor.
LEAVES = 0.065  # leaves the school mid-induction (a quarter of them come back elsewhere later)
RETURNS_AFTER_LEAVING = 0.25
TRANSFERS = 0.055  # moves to another school mid-induction
DEFERS = 0.025  # training deferred (parental leave, sickness), mostly resumed later
WITHDRAWN = 0.02  # lead provider withdraws them while they stay at the school
PART_TIME = 0.08
EXTENDED = 0.03  # induction extended by one to three terms
FAILS = 0.008
MENTOR_MEAN_YEARS = 4  # how long a mentor stays at a school, on average
NEW_MENTOR_RATHER_THAN_EXISTING = 0.1
MENTOR_AT_ANOTHER_SCHOOL_TOO = 0.04
FORMER_ECT_BECOMES_MENTOR = 0.12
MENTOR_TRAINING_FUNDED = 0.85  # the others did mentor training before

WITHDRAWAL_REASONS = ["switched-to-school-led", "other"]
DEFERRAL_REASONS = ["parental-leave", "long-term-sickness", "career-break", "bereavement", "other"]


@dataclass(slots=True)
class TeacherPlan:
    id: int
    trn: str
    first_name: str
    last_name: str
    corrected_name: str
    email: str
    qts_on: datetime.date
    registered_at: datetime.datetime
    induction_status: str = InductionStatus.IN_PROGRESS.value
    api_id: uuid.UUID | None = None

    @property
    def full_name(self) -> str:
        return self.corrected_name or f"{self.first_name} {self.last_name}"


@dataclass(slots=True)
class ECTStint:
    """One ECT at-school period."""

    id: int
    teacher: TeacherPlan
    school: SchoolPlan
    started_on: datetime.date
    finished_on: datetime.date | None
    part_time: bool
    reported_appropriate_body_id: int | None
    registered_at: datetime.datetime
    ended_by: str  # ongoing, completed, failed, left, transferred
    training_year: int
    programme: str = ""
    extended: bool = False  # induction extended: trained on an extended schedule


@dataclass(slots=True)
class MentorStint:
    """One mentor at-school period, with the spans of its mentorships so far."""

    id: int
    teacher: TeacherPlan
    school: SchoolPlan
    started_on: datetime.date
    finished_on: datetime.date | None
    registered_at: datetime.datetime
    capacity: int
    mentorships: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)

    def covers(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.finished_on is None or day <= self.finished_on)

    def load_on(self, day: datetime.date) -> int:
        return sum(1 for start, end in self.mentorships if start <= day and (end is None or day <= end))


@dataclass
class People:
    """Everything the stage plans, ready for COPY."""

    teachers: list[TeacherPlan] = field(default_factory=list)
    ect_stints: list[ECTStint] = field(default_factory=list)
    mentor_stints: list[MentorStint] = field(default_factory=list)
    mentorships: list[tuple] = field(default_factory=list)
    training: list[tuple] = field(default_factory=list)
    inductions: list[tuple] = field(default_factory=list)

    def school_years_with_people(self) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
        """(school id, contract year)s where an ECT or mentor was at the school during the year
        (their at-school period overlaps the contract period, as the dashboard counts them), and
        those where one was registered to start (their period starts in that year)."""
        present, arrived = set(), set()
        last_year = years()[-1]
        for stint in [*self.ect_stints, *self.mentor_stints]:
            first = contract_year_of(stint.started_on)
            last = contract_year_of(stint.finished_on) if stint.finished_on else last_year
            arrived.add((stint.school.id, first))
            for year in range(max(first, years()[0]), min(last, last_year) + 1):
                present.add((stint.school.id, year))
        return present, arrived


class PeoplePlanner:
    def __init__(
        self,
        rng: random.Random,
        schools: list[SchoolPlan],
        ref: Reference,
        loader: Loader,
        partnerships: list[tuple],
        taken_trns: set[str],
    ):
        self.rng = rng
        self.schools = schools
        self.ref = ref
        self.loader = loader
        self.partnerships = partnerships  # rows added as training first needs them
        self.taken_trns = taken_trns
        self.people = People()
        self._teacher_seq = 0
        self.open_schools_by_region: dict[str, list[SchoolPlan]] = defaultdict(list)
        for school in schools:
            if school.closed_on is None:
                self.open_schools_by_region[school.region].append(school)
        self.mentors_by_region: dict[str, list[MentorStint]] = defaultdict(list)

    # --- Teachers ---------------------------------------------------------------------------

    def _next_trn(self) -> str:
        # A fixed permutation of the 7-digit numbers: unique, stable and not obviously sequential.
        while True:
            self._teacher_seq += 1
            trn = f"{1_000_000 + (4_321_987 + self._teacher_seq * 7_919) % 9_000_000}"
            if trn not in self.taken_trns:
                return trn

    def new_teacher(self, qts_on: datetime.date, registered_at: datetime.datetime) -> TeacherPlan:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        corrected = ""
        if first in SHORT_NAMES and rng.random() < 0.25:
            corrected = f"{SHORT_NAMES[first]} {last}"
        elif rng.random() < 0.01:  # married since TRS last heard
            corrected = f"{first} {rng.choice(LAST_NAMES)}"
        trn = self._next_trn()
        local = f"{first}.{last}".lower().replace("'", "")
        teacher = TeacherPlan(
            id=self.loader.next_id(Teacher),
            trn=trn,
            first_name=first,
            last_name=last,
            corrected_name=corrected,
            email=f"{local}.{self._teacher_seq}@example.com",
            qts_on=qts_on,
            registered_at=registered_at,
            api_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        )
        self.people.teachers.append(teacher)
        return teacher

    def registered_before(self, day: datetime.date) -> datetime.datetime:
        """When a school registered someone starting on `day`: a little before, never after today."""
        when = min(day - days(self.rng.randint(0, 30)), seed_day() - days(self.rng.randint(0, 10)))
        return at(when, self.rng.randint(8, 17), self.rng.randint(0, 59))

    # --- ECTs -------------------------------------------------------------------------------

    def plan_ects(self) -> None:
        for year in years():
            for school in self.schools:
                for _ in range(school.cohort_sizes.get(year, 0)):
                    start = self._draw_start(year)
                    if school.open_on(start) and (
                        school.closed_on is None or start + days(60) < school.closed_on
                    ):
                        self.plan_ect_journey(school, year, start)

    def _draw_start(self, year: int) -> datetime.date:
        """Most ECTs start in September; some in January or April (the same contract period)."""
        r = self.rng.random()
        if r < 0.78 or (year == registration_year() and r < 0.95):
            return datetime.date(year, 9, self.rng.randint(1, 10))
        if r < 0.82:
            return datetime.date(year, 9, 11) + days(self.rng.randint(0, 60))
        if r < 0.95:
            return datetime.date(year + 1, 1, self.rng.randint(3, 10))
        return datetime.date(year + 1, 4, self.rng.randint(14, 24))

    def plan_ect_journey(self, school: SchoolPlan, cohort: int, start: datetime.date) -> None:
        rng = self.rng
        registered_at = self.registered_before(start)
        teacher = self.new_teacher(start - days(rng.randint(40, 400)), registered_at)
        part_time = rng.random() < PART_TIME
        planned_end = add_years(start, 3 if part_time else 2) - ONE_DAY
        extended = rng.random() < EXTENDED
        if extended:
            planned_end += days(rng.choice([60, 120, 180]))
        fails = rng.random() < FAILS

        # At most one thing happens to the journey (besides a school closing under them).
        move: tuple[str, datetime.date] | None = None  # (kind, first day no longer at the school)
        training_event: tuple | None = None
        r = rng.random()
        if r < LEAVES:
            move = ("leave", start + days(rng.randint(45, (planned_end - start).days - 30)))
        elif r < LEAVES + TRANSFERS:
            day = self._transfer_day(start, planned_end)
            move = ("transfer", day) if day else None
        elif school.closed_on is None and r < LEAVES + TRANSFERS + DEFERS:
            deferred_on = start + days(rng.randint(60, 400))
            gap = rng.randint(90, 300)
            if deferred_on < seed_day():
                planned_end += days(gap)  # induction pauses while training is deferred
                training_event = ("deferred", deferred_on, gap, rng.choice(DEFERRAL_REASONS))
        elif school.closed_on is None and r < LEAVES + TRANSFERS + DEFERS + WITHDRAWN:
            withdrawn_on = start + days(rng.randint(45, 500))
            if withdrawn_on < min(planned_end, seed_day()):
                training_event = ("withdrawn", withdrawn_on, rng.choice(WITHDRAWAL_REASONS))

        stints: list[ECTStint] = []
        at_school, stint_start = school, start
        while True:
            if move and not (stint_start < move[1] <= planned_end):
                move = None
            # A closing school sends its ECTs elsewhere (or out of teaching) when it closes.
            last_day = move[1] - ONE_DAY if move else planned_end
            if at_school.closed_on is not None and at_school.closed_on < last_day:
                move = ("transfer" if rng.random() < 0.75 else "leave", at_school.closed_on + ONE_DAY)
            if move and move[1] > seed_day():
                move = None  # would happen after today: not yet

            if move is None:
                finished = planned_end if planned_end <= seed_day() else None
                ended_by = "ongoing" if finished is None else "failed" if fails else "completed"
                stints.append(
                    self._ect_stint(
                        teacher, at_school, stint_start, finished, part_time, ended_by, cohort, not stints
                    )
                )
                break

            kind, day = move
            move = None
            ended_by = "transferred" if kind == "transfer" else "left"
            stints.append(
                self._ect_stint(
                    teacher, at_school, stint_start, day - ONE_DAY, part_time, ended_by, cohort, not stints
                )
            )
            if kind == "leave":
                # Most leavers are gone for good; some come back to teach elsewhere after a break.
                gap = rng.randint(150, 450)
                if rng.random() >= RETURNS_AFTER_LEAVING or day + days(gap) > seed_day():
                    break
                day += days(gap)
                planned_end += days(gap)
            next_school = self._another_school(at_school, day)
            if next_school is None:
                stints[-1].ended_by = "left"
                break
            at_school, stint_start = next_school, day

        for stint in stints:
            stint.extended = extended
            event = training_event if stint is stints[0] else None
            self.plan_ect_training(stint, event)
        self.plan_induction(teacher, stints)

    def plan_steady_ect(self, school: SchoolPlan, start: datetime.date) -> ECTStint:
        """An ECT who started at the school on `start` (within the last two years) and is there
        still, nothing having happened to their training: for the named demo schools, whose
        state the README promises whatever the draws."""
        registered_at = self.registered_before(start)
        teacher = self.new_teacher(start - days(self.rng.randint(40, 400)), registered_at)
        assert add_years(start, 2) > seed_day(), "a steady ECT is still in induction"
        stint = self._ect_stint(teacher, school, start, None, False, "ongoing", contract_year_of(start), True)
        self.plan_ect_training(stint, None)
        self.plan_induction(teacher, [stint])
        return stint

    def plan_steady_mentor(self, school: SchoolPlan, mentees: list[ECTStint]) -> MentorStint:
        """A mentor at the school from their first mentee's first day, mentoring each of them from
        theirs, and there still."""
        rng = self.rng
        start = min(mentee.started_on for mentee in mentees)
        teacher = self.new_teacher(
            datetime.date(rng.randint(2005, 2018), 7, rng.randint(1, 28)), self.registered_before(start)
        )
        teacher.induction_status = InductionStatus.PASSED.value
        mentor = MentorStint(
            id=self.loader.next_id(MentorAtSchoolPeriod),
            teacher=teacher,
            school=school,
            started_on=start,
            finished_on=None,
            registered_at=self.registered_before(start),
            capacity=len(mentees),
        )
        self.people.mentor_stints.append(mentor)
        for mentee in mentees:
            mentor.mentorships.append((mentee.started_on, None))
            self.people.mentorships.append(
                (
                    self.loader.next_id(MentorshipPeriod),
                    mentee.id,
                    mentor.id,
                    mentee.started_on,
                    None,
                    at(min(mentee.started_on, seed_day()), 13),
                )
            )
        self.plan_mentor_training(mentor)
        return mentor

    def _transfer_day(self, start: datetime.date, planned_end: datetime.date) -> datetime.date | None:
        """A move at the start of a later term, or now and then in the middle of one."""
        earliest, latest = start + days(90), planned_end - days(60)
        if latest <= earliest:
            return None
        if self.rng.random() < 0.4:
            return earliest + days(self.rng.randint(0, (latest - earliest).days))
        term_starts = [
            day
            for year in range(start.year, planned_end.year + 1)
            for day in (datetime.date(year, 1, 6), datetime.date(year, 4, 20), datetime.date(year, 9, 2))
            if earliest <= day <= latest
        ]
        return self.rng.choice(term_starts) if term_starts else None

    def _another_school(self, current: SchoolPlan, day: datetime.date) -> SchoolPlan | None:
        candidates = self.open_schools_by_region[current.region]
        for _ in range(10 if candidates else 0):
            school = self.rng.choice(candidates)
            if school is not current and school.opened_on <= day:
                return school
        return None

    def _ect_stint(
        self, teacher, school, started_on, finished_on, part_time, ended_by, cohort, first
    ) -> ECTStint:
        # Once in a contract period, an ECT stays in it, unless its payments are frozen by the
        # time they start here: then the training counts in the period open at that date.
        frozen_at = payments_frozen_at(cohort)
        training_year = cohort
        if frozen_at is not None and frozen_at.date() <= started_on:
            training_year = contract_year_of(started_on)
        registered_at = teacher.registered_at if first else self.registered_before(started_on)
        reported = school.appropriate_body_id
        if finished_on is None and self.rng.random() < 0.05:
            reported = None  # the school has not said yet
        stint = ECTStint(
            id=self.loader.next_id(ECTAtSchoolPeriod),
            teacher=teacher,
            school=school,
            started_on=started_on,
            finished_on=finished_on,
            part_time=part_time,
            reported_appropriate_body_id=reported,
            registered_at=registered_at,
            ended_by=ended_by,
            training_year=training_year,
        )
        self.people.ect_stints.append(stint)
        return stint

    # --- Training ---------------------------------------------------------------------------

    def _provider(self, school: SchoolPlan, year: int) -> tuple[str, int | None, int | None, int]:
        """(programme, school partnership id, expression-of-interest active lead provider id, year)."""
        choice = school.choices.get(year)
        if choice is None or choice.programme == SCHOOL_LED:
            return SCHOOL_LED, None, None, year
        if choice.confirmed:
            ensure_partnership(self.rng, school, year, self.loader, self.partnerships)
            return PROVIDER_LED, choice.partnership_id, None, year
        return PROVIDER_LED, None, self.ref.active_lead_provider_ids[(choice.lead_provider, year)], year

    def _training_row(
        self,
        *,
        ect=None,
        mentor=None,
        start,
        finish,
        provider,
        withdrawn=None,
        deferred=None,
        created_at,
        kind="standard",
    ) -> None:
        programme, partnership_id, eoi_id, year = provider
        schedule_id = (
            self.ref.schedule_ids[(year, identifier_for_start(start, kind=kind))]
            if programme == PROVIDER_LED
            else None
        )
        withdrawn_at, withdrawal_reason = withdrawn or (None, "")
        deferred_at, deferral_reason = deferred or (None, "")
        updated_at = max(created_at, withdrawn_at or deferred_at or at(finish or start, 18))
        self.people.training.append(
            (
                self.loader.next_id(TrainingPeriod),
                ect,
                mentor,
                start,
                finish,
                programme,
                partnership_id,
                eoi_id,
                schedule_id,
                withdrawn_at,
                withdrawal_reason,
                deferred_at,
                deferral_reason,
                created_at,
                min(updated_at, at(seed_day(), 18)),
            )
        )

    def plan_ect_training(self, stint: ECTStint, event: tuple | None) -> None:
        rng = self.rng
        provider = self._provider(stint.school, stint.training_year)
        stint.programme = provider[0]
        start, finish, created = stint.started_on, stint.finished_on, stint.registered_at
        kind = "extended" if stint.extended else "standard"
        inside = event is not None and start < event[1] and (finish is None or event[1] < finish)

        if inside and event[0] == "deferred":
            _, deferred_on, gap, reason = event
            self._training_row(
                ect=stint.id,
                start=start,
                finish=deferred_on,
                provider=provider,
                kind=kind,
                deferred=(at(deferred_on, 15), reason),
                created_at=created,
            )
            resumed_on = deferred_on + days(gap)
            if resumed_on <= seed_day() and (finish is None or resumed_on <= finish):
                self._training_row(
                    ect=stint.id,
                    start=resumed_on,
                    finish=finish,
                    provider=provider,
                    kind=kind,
                    created_at=at(resumed_on, 9),
                )
            return
        if inside and event[0] == "withdrawn" and provider[0] == PROVIDER_LED:
            _, withdrawn_on, reason = event
            self._training_row(
                ect=stint.id,
                start=start,
                finish=withdrawn_on,
                provider=provider,
                kind=kind,
                withdrawn=(at(withdrawn_on, 14), reason),
                created_at=created,
            )
            if reason == "switched-to-school-led":
                self._training_row(
                    ect=stint.id,
                    start=withdrawn_on + ONE_DAY,
                    finish=finish,
                    provider=(SCHOOL_LED, None, None, None),
                    created_at=at(withdrawn_on + ONE_DAY, 9),
                )
            return

        withdrawn = None
        if stint.ended_by == "left" and provider[0] == PROVIDER_LED and rng.random() < 0.5:
            when = min(finish + days(rng.randint(3, 40)), seed_day())
            withdrawn = (at(when, 11), "left-teaching-profession")
        self._training_row(
            ect=stint.id,
            start=start,
            finish=finish,
            provider=provider,
            kind=kind,
            withdrawn=withdrawn,
            created_at=created,
        )

    # --- Induction --------------------------------------------------------------------------

    def plan_induction(self, teacher: TeacherPlan, stints: list[ECTStint]) -> None:
        """Induction periods as appropriate bodies record them: one per body and programme,
        running on across a transfer when neither changes."""
        last = stints[-1]
        teacher.induction_status = {
            "completed": InductionStatus.PASSED,
            "failed": InductionStatus.FAILED,
        }.get(last.ended_by, InductionStatus.IN_PROGRESS).value
        started = [s for s in stints if s.started_on <= seed_day()]
        if not started:
            teacher.induction_status = InductionStatus.REQUIRED_TO_COMPLETE.value
            return
        if (
            last.finished_on is None
            and contract_year_of(stints[0].started_on) >= registration_year()
            and self.rng.random() < 0.15
        ):
            return  # the appropriate body has not recorded the start of induction yet

        periods: list[list] = []  # [body, programme, started_on, finished_on]
        for stint in started:
            body = stint.school.appropriate_body_id
            previous = periods[-1] if periods else None
            if (
                previous
                and previous[0] == body
                and previous[1] == stint.programme
                and previous[3] is not None
                and previous[3] + ONE_DAY == stint.started_on
            ):
                previous[3] = stint.finished_on
            else:
                periods.append([body, stint.programme, stint.started_on, stint.finished_on])

        full_time_equivalent = 2 / 3 if last.part_time else 1.0
        for index, (body, programme, started_on, finished_on) in enumerate(periods):
            terms = outcome = None
            if finished_on is not None:
                terms = Decimal(str(terms_between(started_on, finished_on + ONE_DAY, full_time_equivalent)))
            final = index == len(periods) - 1
            if final and last.ended_by == "completed":
                outcome = InductionOutcome.PASS.value
            elif final and last.ended_by == "failed":
                outcome = InductionOutcome.FAIL.value
            recorded_at = at(started_on + days(self.rng.randint(5, 40)), 12)
            updated_at = at(finished_on + days(self.rng.randint(1, 20)), 12) if finished_on else recorded_at
            self.people.inductions.append(
                (
                    self.loader.next_id(InductionPeriod),
                    teacher.id,
                    body,
                    started_on,
                    finished_on,
                    programme,
                    terms,
                    outcome or "",
                    min(recorded_at, at(seed_day(), 9)),
                    min(updated_at, at(seed_day(), 9)),
                )
            )

    # --- Mentors ----------------------------------------------------------------------------

    def plan_mentors(self) -> None:
        stints_by_school: dict[int, list[ECTStint]] = defaultdict(list)
        completed_by_school: dict[int, list[ECTStint]] = defaultdict(list)
        for stint in self.people.ect_stints:
            stints_by_school[stint.school.id].append(stint)
            if stint.ended_by == "completed":
                completed_by_school[stint.school.id].append(stint)

        for school in self.schools:
            pool: list[MentorStint] = []
            here: set[int] = set()  # teachers with a mentor period at this school already
            for stint in sorted(stints_by_school.get(school.id, []), key=lambda s: (s.started_on, s.id)):
                window = self._mentorship_window(stint)
                if window is None:
                    continue
                segment_start, end = window
                while True:
                    mentor = self._pick_mentor(pool, segment_start) or self._new_mentor(
                        school, segment_start, pool, here, completed_by_school[school.id]
                    )
                    segment_end = earlier(end, mentor.finished_on)
                    mentor.mentorships.append((segment_start, segment_end))
                    self.people.mentorships.append(
                        (
                            self.loader.next_id(MentorshipPeriod),
                            stint.id,
                            mentor.id,
                            segment_start,
                            segment_end,
                            at(min(segment_start, seed_day()), 13),
                        )
                    )
                    if segment_end == end:
                        break
                    # The mentor left first: the ECT is given another mentor from the next day.
                    segment_start = segment_end + ONE_DAY

    def _mentorship_window(self, stint: ECTStint) -> tuple[datetime.date, datetime.date | None] | None:
        rng = self.rng
        if stint.finished_on is None:
            # Some current ECTs are still waiting for a mentor, more of them among this year's.
            waiting = 0.12 if contract_year_of(stint.started_on) >= registration_year() else 0.02
            if rng.random() < waiting:
                return None
        start = stint.started_on + days(0 if rng.random() < 0.8 else rng.randint(1, 40))
        if stint.finished_on is not None and start > stint.finished_on:
            start = stint.started_on
        return start, stint.finished_on

    def _pick_mentor(self, pool: list[MentorStint], day: datetime.date) -> MentorStint | None:
        candidates = [m for m in pool if m.covers(day) and m.load_on(day) < m.capacity]
        if not candidates or self.rng.random() < NEW_MENTOR_RATHER_THAN_EXISTING:
            return None
        return self.rng.choice(candidates)

    def _new_mentor(
        self,
        school: SchoolPlan,
        first_mentee_on: datetime.date,
        pool: list[MentorStint],
        here: set[int],
        completed_here: list[ECTStint],
    ) -> MentorStint:
        rng = self.rng
        start = max(first_mentee_on - days(rng.randint(0, 25)), school.opened_on)
        finish = start + days(200 + int(rng.expovariate(1 / (MENTOR_MEAN_YEARS * 365))))
        if finish > seed_day():
            finish = None
        if school.closed_on is not None:
            finish = earlier(finish, school.closed_on)

        teacher, funded = None, rng.random() < MENTOR_TRAINING_FUNDED
        r = rng.random()
        if r < MENTOR_AT_ANOTHER_SCHOOL_TOO:
            teacher, funded = self._mentor_from_another_school(school, start, here), False
        elif r < MENTOR_AT_ANOTHER_SCHOOL_TOO + FORMER_ECT_BECOMES_MENTOR and completed_here:
            # An ECT who passed induction here a year or more ago now mentors.
            former = rng.choice(completed_here)
            if former.finished_on + days(365) < start and former.teacher.id not in here:
                teacher = former.teacher
        if teacher is None:
            teacher = self.new_teacher(
                datetime.date(rng.randint(1994, 2021), 7, rng.randint(1, 28)), self.registered_before(start)
            )
            # Qualified before statutory induction began (May 1999): exempt from it.
            exempt = teacher.qts_on < datetime.date(1999, 5, 7)
            teacher.induction_status = (InductionStatus.EXEMPT if exempt else InductionStatus.PASSED).value

        capacity = rng.choices([1, 2, 3, 4], [40, 35, 20, 5])[0]
        mentor = MentorStint(
            id=self.loader.next_id(MentorAtSchoolPeriod),
            teacher=teacher,
            school=school,
            started_on=start,
            finished_on=finish,
            registered_at=self.registered_before(start),
            capacity=capacity,
        )
        pool.append(mentor)
        here.add(teacher.id)
        self.people.mentor_stints.append(mentor)
        if finish is None:
            self.mentors_by_region[school.region].append(mentor)
        if funded:
            self.plan_mentor_training(mentor)
        return mentor

    def _mentor_from_another_school(self, school: SchoolPlan, start: datetime.date, here: set[int]):
        candidates = self.mentors_by_region[school.region]
        for _ in range(5):
            if not candidates:
                return None
            other = self.rng.choice(candidates)
            if other.school is not school and other.teacher.id not in here and other.started_on <= start:
                return other.teacher
        return None

    def plan_mentor_training(self, mentor: MentorStint) -> None:
        """Funded mentor training (provider-led only) over two years, or until they leave."""
        provider = self._provider(mentor.school, contract_year_of(mentor.started_on))
        if provider[0] != PROVIDER_LED:
            return
        planned_end = add_years(mentor.started_on, 2) - ONE_DAY
        finish = earlier(planned_end, mentor.finished_on)
        withdrawn = None
        if mentor.finished_on is not None and mentor.finished_on < planned_end and self.rng.random() < 0.5:
            when = min(mentor.finished_on + days(self.rng.randint(3, 40)), seed_day())
            withdrawn = (at(when, 11), "mentor-no-longer-being-mentor")
        self._training_row(
            mentor=mentor.id,
            start=mentor.started_on,
            finish=finish if finish <= seed_day() else None,
            provider=provider,
            withdrawn=withdrawn,
            created_at=mentor.registered_at,
        )


# --- Rows for COPY ------------------------------------------------------------------------------

# trs_induction_started_on is left NULL: it is the start TRS held before any induction period with
# us, and every demo teacher's induction began with a body through this service (or has not begun).
TEACHER_COLUMNS = [
    "id",
    "api_id",
    "trn",
    "trs_first_name",
    "trs_last_name",
    "corrected_name",
    "trs_qts_awarded_on",
    "trs_induction_status",
    "trs_data_refreshed_at",
    "created_at",
    "updated_at",
]
ECT_PERIOD_COLUMNS = [
    "id",
    "teacher_id",
    "school_id",
    "started_on",
    "finished_on",
    "email",
    "working_pattern",
    "school_reported_appropriate_body_id",
    "created_at",
    "updated_at",
]
MENTOR_PERIOD_COLUMNS = [
    "id",
    "teacher_id",
    "school_id",
    "started_on",
    "finished_on",
    "email",
    "created_at",
    "updated_at",
]
MENTORSHIP_COLUMNS = ["id", "mentee_id", "mentor_id", "started_on", "finished_on", "created_at"]
TRAINING_COLUMNS = [
    "id",
    "ect_at_school_period_id",
    "mentor_at_school_period_id",
    "started_on",
    "finished_on",
    "training_programme",
    "school_partnership_id",
    "expression_of_interest_id",
    "schedule_id",
    "withdrawn_at",
    "withdrawal_reason",
    "deferred_at",
    "deferral_reason",
    "created_at",
    "updated_at",
]
INDUCTION_COLUMNS = [
    "id",
    "teacher_id",
    "appropriate_body_id",
    "started_on",
    "finished_on",
    "induction_programme",
    "number_of_terms",
    "outcome",
    "created_at",
    "updated_at",
]


def _finished_at(finished_on: datetime.date | None, registered_at: datetime.datetime) -> datetime.datetime:
    return max(registered_at, at(min(finished_on, seed_day()), 17)) if finished_on else registered_at


def teacher_rows(teachers: list[TeacherPlan]):
    for t in teachers:
        yield (
            t.id,
            t.api_id,
            t.trn,
            t.first_name,
            t.last_name,
            t.corrected_name,
            t.qts_on,
            t.induction_status,
            t.registered_at,
            t.registered_at,
            t.registered_at,
        )


def ect_period_rows(stints: list[ECTStint]):
    for s in stints:
        pattern = WorkingPattern.PART_TIME if s.part_time else WorkingPattern.FULL_TIME
        yield (
            s.id,
            s.teacher.id,
            s.school.id,
            s.started_on,
            s.finished_on,
            s.teacher.email,
            pattern.value,
            s.reported_appropriate_body_id,
            s.registered_at,
            _finished_at(s.finished_on, s.registered_at),
        )


def mentor_period_rows(stints: list[MentorStint]):
    for s in stints:
        yield (
            s.id,
            s.teacher.id,
            s.school.id,
            s.started_on,
            s.finished_on,
            s.teacher.email,
            s.registered_at,
            _finished_at(s.finished_on, s.registered_at),
        )
