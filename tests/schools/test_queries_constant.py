"""Every page an induction tutor lands on takes as many queries with many people, and long
histories behind each, as with a few: counted with four ECTs, one of each kind of history (below),
and their mentors, then again with twelve more, those with longer histories, and more of everything
else a page lists (mentors with more mentees, colleagues, ECTs needing a mentor, the tutor's other
schools and appropriate bodies).

The kinds of history (tests/histories.py), at the tutor's school in partnership with Ambition:
staying put; arriving from another school a week into term; leaving the school; deferred. Every
ECT has had several training periods, mentors, induction periods and retired API ids; half of
them are mentored, by turns, by the same two mentors. The ECT and mentor whose own pages are
counted are made anew each time with the longest history then (`World.subject`, `World.busy`)."""

import datetime
import re

import pytest
from django.urls import reverse

from core import clock
from participants.journeys.register_mentor import REGISTERED_MENTOR
from schools.models import SchoolAccess, SchoolRole
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyAccessFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_of,
    school_set_up_with,
)
from tests.histories import THIS_SEPTEMBER, ect_with_history
from tests.query_counts import assert_same_number, queries_of

pytestmark = pytest.mark.django_db


class World:
    """The tutor's school, set up this year as provider-led with Ambition, in partnership with it."""

    def __init__(self, tutor):
        this_year = ContractPeriodFactory(year=THIS_YEAR)
        ambition = ActiveLeadProviderFactory(
            contract_period=this_year, lead_provider__name="Ambition Institute"
        )
        self.ambition = ambition
        self.school = school_set_up_with(ambition.lead_provider, tutor=tutor, contract_period=this_year)
        self.partnership = self.partnership_at(self.school)
        self.tutor = tutor
        self.busy = []  # the two mentors who mentor half the ECTs, by turns
        self.registered = MentorAtSchoolPeriodFactory(school=self.school, started_on=THIS_SEPTEMBER)
        self.made = 0
        self.with_bodies = False

    def partnership_at(self, school):
        return SchoolPartnershipFactory(
            school=school,
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=self.ambition
            ),
        )

    def add(self, count: int, *, depth: int) -> None:
        """`count` more ECTs, the kinds of history by turns; as many more of everything else a page
        lists; and a new `subject` and pair of `busy` mentors, with histories `depth` long."""
        self.busy = [ect_with_history(school=self.school, partnership=self.partnership, depth=2).mentors[0]]
        self.busy.append(MentorAtSchoolPeriodFactory(school=self.school, started_on=THIS_SEPTEMBER))
        for _ in range(count):
            kind, self.made = self.made % 4, self.made + 1
            mentors = self.busy if kind % 2 else None
            ect_with_history(
                school=self.school,
                partnership=self.partnership,
                depth=depth,
                mentors=mentors,
                came_from=self.partnership_at(SchoolFactory()) if kind == 1 else None,
                leaves_on=datetime.date(THIS_YEAR, 11, 10) if kind == 2 else None,
                deferred=kind == 3,
            )
            needs_a_mentor = ECTAtSchoolPeriodFactory(school=self.school, started_on=THIS_SEPTEMBER)
            TrainingPeriodFactory(ect_at_school_period=needs_a_mentor, school_partnership=self.partnership)
            SchoolAccess.objects.create(user=UserFactory(), school=self.school, role=SchoolRole.COLLEAGUE)
            school_of(self.tutor, name=f"Another school {self.made}")
            if self.with_bodies:
                AppropriateBodyAccessFactory(user=self.tutor)
        self.subject = ect_with_history(
            school=self.school,
            partnership=self.partnership,
            depth=depth,
            came_from=self.partnership_at(SchoolFactory()),
        ).ect

    def grow(self) -> None:
        self.add(12, depth=4)


@pytest.fixture
def tutor():
    return UserFactory(privacy_notice_accepted_at=clock.now())


@pytest.fixture
def world(tutor):
    return World(tutor)


def _at_school(name, **kwargs):
    return lambda world: reverse(name, kwargs={"urn": world.school.urn, **kwargs})


def _year(name):
    return lambda world: reverse(name, kwargs={"urn": world.school.urn, "year": THIS_YEAR})


def _person(name, who, **kwargs):
    return lambda world: reverse(name, kwargs={"urn": world.school.urn, "period_id": who(world).pk, **kwargs})


def _registered(client, world):
    """The mentor just registered (with no mentees yet), as the journey leaves the session."""
    session = client.session
    session[REGISTERED_MENTOR] = {"period": world.registered.pk, "why_no_training": "", "yourself": False}
    session.save()


# (what, its address, query string, a pattern each row of its list matches or None, what to do first)
PAGES = [
    ("school home", _at_school("school_home"), {}, None, None),
    ("ECTs", _year("school_year"), {}, r'/ects/\d+"', None),
    ("ECTs training", _year("school_year"), {"status": "training"}, r'/ects/\d+"', None),
    ("ECTs searched", _year("school_year"), {"q": "3"}, r'/ects/\d+"', None),
    ("mentors", _year("school_year_mentors"), {}, r'/mentors/\d+"', None),
    ("mentors mentoring", _year("school_year_mentors"), {"status": "training"}, r'/mentors/\d+"', None),
    ("your schools", lambda world: reverse("choose_school"), {}, r'href="/schools/\d+"', None),
    (
        "your schools and bodies",
        lambda world: reverse("choose_school"),
        {},
        r'name="use"',
        lambda client, world: setattr(world, "with_bodies", True),
    ),
    ("an ECT's page", _person("ect_page", lambda world: world.subject), {}, None, None),
    ("a mentor's page", _person("mentor_page", lambda world: world.busy[0]), {}, None, None),
    (
        "choosing an ECT's mentor",
        _person("assign_mentor", lambda world: world.subject, step="mentor"),
        {},
        r'name="mentor"',
        None,
    ),
    ("a mentor registered", _at_school("mentor_registered"), {}, "Assign a mentor to", _registered),
]


def rows_in(response, row) -> int:
    return len(re.findall(row, response.content.decode()))


@pytest.mark.parametrize(("what", "address", "query", "row", "first"), PAGES, ids=[page[0] for page in PAGES])
def test_a_page_takes_the_same_queries_however_many_people(
    client, world, tutor, what, address, query, row, first
):
    client.force_login(tutor)
    if first:
        first(client, world)

    def counted():
        queries, response = queries_of(lambda: client.get(address(world), query))
        assert response.status_code in (200, 302), response.status_code
        return queries, rows_in(response, row) if row else None

    world.add(4, depth=2)
    few, few_rows = counted()
    world.grow()
    many, many_rows = counted()
    if row:
        assert 0 < few_rows < many_rows
    assert_same_number(few, many, what)


def test_the_histories_are_what_the_pages_are_checked_with(client, world, tutor):
    """Each kind of history shows where it should on the ECTs' list, and the mentor's page shows
    the ECTs they mentor now."""
    client.force_login(tutor)
    world.add(4, depth=2)
    page = client.get(
        reverse("school_year", kwargs={"urn": world.school.urn, "year": THIS_YEAR})
    ).content.decode()
    for tag in ("Left your school", "Deferred", "Training"):
        assert tag in page
    mentor = client.get(
        reverse("mentor_page", kwargs={"urn": world.school.urn, "period_id": world.busy[0].pk})
    )
    assert mentor.status_code == 200


# --- Setting up a year: the steps that list what to choose from ----------------------------------

# (the step, a pattern each choice it lists matches): the lead providers offering training that
# year, and the appropriate bodies (registering an ECT asks with the same forms).
CHOOSING = [("lead-provider", r'type="radio"'), ("appropriate-body", r"<option value=\"\d+\"")]


@pytest.mark.parametrize(("step", "choice"), CHOOSING, ids=[step for step, _ in CHOOSING])
def test_a_set_up_step_takes_the_same_queries_however_many_choices(client, tutor, step, choice):
    this_year = ContractPeriodFactory(year=THIS_YEAR)
    school = school_of(tutor)
    client.force_login(tutor)

    def step_url(name):
        return reverse("set_up_training", kwargs={"urn": school.urn, "year": THIS_YEAR, "step": name})

    def add_choices(count):
        for _ in range(count):
            ActiveLeadProviderFactory(contract_period=this_year)
            AppropriateBodyFactory()

    def counted():
        queries, response = queries_of(lambda: client.get(step_url(step)))
        assert response.status_code == 200
        return queries, len(re.findall(choice, response.content.decode()))

    add_choices(2)
    for answered, data in [
        ("expects-ects", {"expects_ects": "yes"}),
        ("programme", {"programme": "provider_led"}),
    ]:
        assert client.post(step_url(answered), data).status_code == 302
    if step == "appropriate-body":
        lead_provider = ActiveLeadProviderFactory(contract_period=this_year).lead_provider_id
        assert client.post(step_url("lead-provider"), {"lead_provider": lead_provider}).status_code == 302
    few, few_rows = counted()
    add_choices(20)
    many, many_rows = counted()
    assert 0 < few_rows < many_rows
    assert_same_number(few, many, f"setting up a year: {step}")
