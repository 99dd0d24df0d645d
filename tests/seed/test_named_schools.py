"""The demo schools the README lists (its "Demo schools" table): each is there after seeding, with
that name and URN, in the state the README gives it, on whichever day the data is seeded.

The table is read from README.md itself, so the README cannot drift from the data."""

import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.models import Event
from core import clock
from demo import named_schools
from participants.models import ECTAtSchoolPeriod, MentorAtSchoolPeriod, MentorshipPeriod, TrainingPeriod
from providers.models import ContractPeriod, SchoolPartnership
from providers.queries import contract_period_for_registration, pairing_in
from schools import queries
from schools.models import NominationLink, School, SchoolAccess, SchoolContractPeriodChoice
from schools.services import nomination_refusal
from tests.dates import NEXT_YEAR, TEST_DAY, in_year, moment

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
TRAINING = re.compile(
    r"^(?P<year>last|this) year: (?:(?P<school_led>school-led)|provider-led, (?P<lead_provider>[^,]+)"
    r"(?:, (?P<confirmation>confirmed|waiting for it to confirm))?)$"
)


@dataclass(frozen=True)
class Listed:
    """One row of the README's table."""

    state: str
    urn: int
    name: str
    training: str


def listed_in_readme() -> list[Listed]:
    """The rows of the table under the README's "### Demo schools" heading."""
    text = README.read_text()
    section = text[text.index("### Demo schools") :]
    section = section[: section.index("\n#", 1)]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header, separator, *rows = (tuple(cell.strip() for cell in line.strip("|").split("|")) for line in lines)
    assert header == ("state", "URN", "school", "training")
    assert set("".join(separator)) <= {"-", ":"}
    return [Listed(state, int(urn), name, training) for state, urn, name, training in rows]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_readme_lists_a_few_schools_in_each_state_and_exactly_the_named_ones():
    listed = listed_in_readme()
    for state in named_schools.STATES:
        assert len([school for school in listed if school.state == state]) >= 2, state
    assert {(s.urn, s.name, s.state) for s in listed} == {
        (s.urn, s.name, s.state) for s in named_schools.NAMED_SCHOOLS
    }
    assert len({s.urn for s in listed}) == len({s.name for s in listed}) == len(listed)


@pytest.mark.parametrize(
    "day",
    [
        TEST_DAY,  # the autumn term
        in_year(3, 15),  # the spring term
        in_year(6, 10),  # next year's contract period has opened; schools still register for this year
        in_year(8, 31),  # the last day of this academic year
        in_year(9, 1, NEXT_YEAR),  # the first of the next
    ],
)
def test_every_school_the_readme_lists_is_there_in_the_state_it_says(service_clock, day):
    service_clock.move_to(moment(day))
    seed()
    today = clock.today()
    this_year = contract_period_for_registration(today)
    assert this_year is not None and this_year.year == clock.academic_year_of(day)
    last_year = ContractPeriod.objects.get(year=this_year.year - 1)

    for listed in listed_in_readme():
        school = School.objects.get(urn=listed.urn)
        assert school.name == listed.name
        # Any of them can be nominated for, and is funded.
        assert nomination_refusal(school) is None
        assert school.eligible_for_funding
        check = {"new": _is_new, "returning": _is_returning, "set up": _is_set_up}[listed.state]
        check(school, listed, this_year=this_year, last_year=last_year, today=today)


def _is_new(school, listed, *, this_year, today, **_):
    assert listed.training == "none"
    assert school.opened_on.month == 9 and school.opened_on.day == 1
    assert school.opened_on.year == this_year.year
    assert not SchoolContractPeriodChoice.objects.filter(school=school).exists()
    assert not SchoolPartnership.objects.filter(school=school).exists()
    assert not ECTAtSchoolPeriod.objects.filter(school=school).exists()
    assert not MentorAtSchoolPeriod.objects.filter(school=school).exists()
    assert not SchoolAccess.objects.filter(school=school).exists()
    assert not NominationLink.objects.filter(school=school).exists()
    assert not Event.objects.filter(school=school).exists()
    assert (school.last_chosen_training_programme, school.last_chosen_lead_provider_id) == ("", None)
    assert school.last_chosen_appropriate_body_id is None
    assert queries.year_needing_set_up(school, today) == this_year


def _is_returning(school, listed, *, this_year, last_year, today):
    training = TRAINING.match(listed.training)
    assert training and training["year"] == "last" and training["confirmation"] is None, listed.training
    _chose(school, last_year, training)
    assert queries.year_needing_set_up(school, today) == this_year
    assert not SchoolContractPeriodChoice.objects.filter(
        school=school, contract_period__year__gte=this_year.year
    ).exists()
    assert not _partnerships(school, this_year).exists()
    previous = queries.last_years_partnership(school, this_year)
    if training["school_led"]:
        assert previous is None
    else:
        # Set-up offers to keep last year's lead provider and delivery partner, who still pair up.
        pairing = previous.lead_provider_delivery_partnership
        assert pairing.active_lead_provider.contract_period == last_year
        assert pairing.active_lead_provider.lead_provider.name == training["lead_provider"]
        assert pairing_in(
            this_year,
            lead_provider_id=pairing.active_lead_provider.lead_provider_id,
            delivery_partner_id=pairing.delivery_partner_id,
        )
    # An ECT in their second year and their mentor; nobody new this year.
    [ect] = _ongoing_ects(school)
    assert last_year.started_on <= ect.started_on <= last_year.finished_on
    _mentored(school, [ect])


def _is_set_up(school, listed, *, this_year, last_year, today):
    training = TRAINING.match(listed.training)
    assert training and training["year"] == "this", listed.training
    _chose(school, this_year, training)
    assert queries.year_needing_set_up(school, today) is None
    partnerships = _partnerships(school, this_year)
    if training["school_led"]:
        assert training["confirmation"] is None
        assert not partnerships.exists()
    elif training["confirmation"] == "confirmed":
        [partnership] = partnerships
        lead_provider = partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
        assert lead_provider.name == training["lead_provider"]
    else:
        assert training["confirmation"] == "waiting for it to confirm"
        assert not partnerships.exists()
    # An ECT in their second year, one in their first, and their mentor.
    second_year, first_year = _ongoing_ects(school)
    assert last_year.started_on <= second_year.started_on <= last_year.finished_on
    assert this_year.started_on <= first_year.started_on <= this_year.finished_on
    _mentored(school, [second_year, first_year])


def _chose(school, contract_period, training):
    choice = queries.choice_for(school, contract_period)
    assert choice is not None and choice.is_set_up
    if training["school_led"]:
        assert (choice.programme, choice.lead_provider) == ("school_led", None)
    else:
        assert choice.programme == "provider_led"
        assert choice.lead_provider.lead_provider.name == training["lead_provider"]
    assert school.last_chosen_training_programme == choice.programme


def _partnerships(school, contract_period):
    return SchoolPartnership.objects.filter(
        school=school,
        lead_provider_delivery_partnership__active_lead_provider__contract_period=contract_period,
    )


def _ongoing_ects(school) -> list[ECTAtSchoolPeriod]:
    ects = list(ECTAtSchoolPeriod.objects.filter(school=school).order_by("started_on"))
    assert all(ect.finished_on is None for ect in ects)
    assert all(
        TrainingPeriod.objects.filter(ect_at_school_period=ect, finished_on=None).exists() for ect in ects
    )
    return ects


def _mentored(school, ects):
    [mentor] = MentorAtSchoolPeriod.objects.filter(school=school, finished_on=None)
    for ect in ects:
        assert MentorshipPeriod.objects.filter(mentee=ect, mentor=mentor, finished_on=None).exists()


def test_a_database_seeded_before_a_named_school_existed_gains_it_at_the_next_seed(monkeypatch):
    everyone = named_schools.NAMED_SCHOOLS
    monkeypatch.setattr(named_schools, "NAMED_SCHOOLS", everyone[:4])
    seed()
    generated = School.objects.exclude(urn__in=[s.urn for s in everyone]).count()
    assert set(School.objects.filter(urn__in=[s.urn for s in everyone]).values_list("urn", flat=True)) == {
        s.urn for s in everyone[:4]
    }

    monkeypatch.setattr(named_schools, "NAMED_SCHOOLS", everyone)
    out = seed()

    assert "already present" in out and "plan the named schools (README)" in out
    assert School.objects.filter(urn__in=[s.urn for s in everyone]).count() == len(everyone)
    assert School.objects.exclude(urn__in=[s.urn for s in everyone]).count() == generated
    assert "plan the named schools" not in seed()  # and then nothing more
