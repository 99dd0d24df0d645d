"""ECTs with long histories, for the tests that hold a page to the same number of queries however
many rows it shows and however much lies behind each (tests/query_counts.py).

`ect_with_history(depth=d)` makes an ECT who has, this autumn, at their school: d training
periods one after another (school-led and provider-led by turns, the last with the partnership
given), d mentors one after another (each a mentor at the school since September; every other one
training with the same partnership, the rest not trained, so unfunded for its provider), d - 1
finished induction periods last year and an open one, and d - 1 API ids retired by merges. Asked
to, they came from another school a week into term (the mentor they start with too: a transfer of
each), leave the school, have their training deferred, or are declared "started" by their lead
provider with the trained mentors made for them (from depth 3, the first one's declaration voided)."""

import datetime
import uuid
from dataclasses import dataclass

from finance import services as finance
from participants.models import (
    ECTAtSchoolPeriod,
    MentorAtSchoolPeriod,
    MentorshipPeriod,
    TeacherIdChange,
    TrainingPeriod,
)
from providers.models import LeadProvider, SchoolPartnership
from schools.models import School
from tests.dates import THIS_YEAR
from tests.factories import (
    LAST_SEPTEMBER,
    AppropriateBodyFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    MentorAtSchoolPeriodFactory,
    TeacherFactory,
    TrainingPeriodFactory,
)

THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)
STEP = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)
# Within the September schedules' started window, after every history's last change of training.
DECLARED_AT = datetime.datetime(THIS_YEAR, 10, 20, 9, tzinfo=datetime.UTC)
DEFERRED_AT = datetime.datetime(THIS_YEAR, 11, 1, 9, tzinfo=datetime.UTC)


@dataclass
class History:
    ect: ECTAtSchoolPeriod  # their period at the school
    mentors: list[MentorAtSchoolPeriod]  # at the school, in the order they mentored the ECT
    earlier: ECTAtSchoolPeriod | None  # their period at the school they came from


def ect_with_history(
    *,
    school: School,
    depth: int,
    partnership: SchoolPartnership | None = None,
    came_from: SchoolPartnership | None = None,
    mentors: list[MentorAtSchoolPeriod] | None = None,
    leaves_on: datetime.date | None = None,
    deferred: bool = False,
    declared_by: LeadProvider | None = None,
) -> History:
    """An ECT at `school` with `depth` of everything (above). `partnership` (with `school`): their
    provider-led training, else all school-led. `came_from` (with another school): their first week
    of term there, training through it. `mentors`: mentors already at the school to mentor them
    (by turns), instead of new ones. `declared_by`: the partnership's lead provider, to declare."""
    assert depth >= 1
    teacher = TeacherFactory()
    arrival, earlier = THIS_SEPTEMBER, None
    if came_from is not None:
        arrival = THIS_SEPTEMBER + STEP
        earlier = ECTAtSchoolPeriodFactory(
            teacher=teacher, school=came_from.school, started_on=THIS_SEPTEMBER, finished_on=arrival - DAY
        )
        TrainingPeriodFactory(
            ect_at_school_period=earlier, school_partnership=came_from, finished_on=earlier.finished_on
        )
    ect = ECTAtSchoolPeriodFactory(
        teacher=teacher,
        school=school,
        started_on=arrival,
        finished_on=leaves_on,
        school_reported_appropriate_body=AppropriateBodyFactory(),
    )
    spans = [
        (arrival + k * STEP, arrival + (k + 1) * STEP - DAY if k < depth - 1 else leaves_on)
        for k in range(depth)
    ]
    for k, (started_on, finished_on) in enumerate(spans):
        provider_led = partnership is not None and (k == depth - 1 or k % 2 == 1)
        TrainingPeriodFactory(
            ect_at_school_period=ect,
            school_partnership=partnership if provider_led else None,
            started_on=started_on,
            finished_on=finished_on,
        )
    made_mentors = mentors is None
    if made_mentors:
        mentors = [
            _mentor(school, partnership if k % 2 == 0 else None, came_from if k == 0 else None)
            for k in range(depth)
        ]
    for k, (started_on, finished_on) in enumerate(spans):
        MentorshipPeriod.objects.create(
            mentee=ect, mentor=mentors[k % len(mentors)], started_on=started_on, finished_on=finished_on
        )
    for k in range(depth - 1):
        started_on = LAST_SEPTEMBER + k * 4 * STEP
        InductionPeriodFactory(
            teacher=teacher, started_on=started_on, finished_on=started_on + 3 * STEP, number_of_terms=1
        )
    InductionPeriodFactory(
        teacher=teacher, appropriate_body=ect.school_reported_appropriate_body, started_on=arrival
    )
    for _ in range(depth - 1):
        TeacherIdChange.objects.create(teacher=teacher, from_api_id=uuid.uuid4())
    if declared_by is not None:
        _declare_ect_and_mentors(
            declared_by, ect, mentors if made_mentors else [], void_first_mentors=depth >= 3
        )
    if deferred:
        TrainingPeriod.objects.filter(ect_at_school_period=ect, finished_on=leaves_on).update(
            deferred_at=DEFERRED_AT, deferral_reason="career-break"
        )
    return History(ect=ect, mentors=mentors, earlier=earlier)


def _mentor(school, partnership, came_from) -> MentorAtSchoolPeriod:
    """A mentor at the school since September, training through `partnership` if given; one
    who came from `came_from`'s school, where they mentored last year, when given."""
    mentor = MentorAtSchoolPeriodFactory(school=school, started_on=THIS_SEPTEMBER)
    if partnership is not None:
        TrainingPeriodFactory(
            ect_at_school_period=None, mentor_at_school_period=mentor, school_partnership=partnership
        )
    if came_from is not None:
        before = MentorAtSchoolPeriodFactory(
            teacher=mentor.teacher,
            school=came_from.school,
            started_on=LAST_SEPTEMBER,
            finished_on=THIS_SEPTEMBER - DAY,
        )
        TrainingPeriodFactory(
            ect_at_school_period=None,
            mentor_at_school_period=before,
            school_partnership=came_from,
            finished_on=before.finished_on,
        )
    return mentor


def declare_started(lead_provider, teacher, course_identifier: str, *, on: datetime.datetime = DECLARED_AT):
    """The lead provider declares the teacher started on the course, on `on`."""
    return finance.declare(
        lead_provider=lead_provider,
        teacher=teacher,
        course_identifier=course_identifier,
        declaration_type="started",
        declaration_date=on,
        evidence_type="training-event-attended",
    )


def _declare_ect_and_mentors(lead_provider, ect, mentors, *, void_first_mentors: bool) -> None:
    """The lead provider declares the ECT, and each of their mentors it trains, started."""
    declare_started(lead_provider, ect.teacher, "ecf-induction")
    trained = [mentor for mentor in mentors if mentor.training_periods.exists()]
    for n, mentor in enumerate(trained):
        declaration = declare_started(lead_provider, mentor.teacher, "ecf-mentor")
        if n == 0 and void_first_mentors:
            finance.void(declaration=declaration, lead_provider=lead_provider)
