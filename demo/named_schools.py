"""Named demo schools: always there, with the same names and URNs, each in the state the README
lists it in, so a newcomer knows which school to try a journey with.

- new: no history at all. Opened on 1 September of the year being registered for, never
  nominated, no year answered, no partnership, nobody registered: a school to nominate an
  induction tutor for and set up from nothing.
- returning: set up every year up to last year, not yet the year being registered for, with an
  ECT (and their mentor) carrying on from last year. Set-up first asks a provider-led one whether
  it keeps last year's lead provider and delivery partner, who still work together.
- set up: this year done as well, so signing in shows the dashboard, with an ECT from last year
  and one from this year.

The rest of the demo is drawn at random (demo/schools.py), so which generated school is in
which state changes with the day the data is seeded; these do not. Each named school is planned
by rule, with its own random draws only for its people's names and dates, and is added to a
database seeded before it existed. tests/seed/test_named_schools.py checks every school the
README lists against the data.
"""

import datetime
import random
import uuid
from dataclasses import dataclass

from demo.loader import Loader
from demo.people import PeoplePlanner
from demo.reference import LEAD_PROVIDERS, Reference
from demo.schools import KINDS, PROVIDER_LED, SCHOOL_LED, Answer, Choice, SchoolPlan
from demo.timeline import FIRST_YEAR, at, registration_year, seed_day
from providers.models import SchoolPartnership
from schools.models import ExpectsECTs, School, SchoolContractPeriodChoice

NEW, RETURNING, SET_UP = "new", "returning", "set up"
STATES = (NEW, RETURNING, SET_UP)
# Well above the generated schools' URNs (700001 up, 725000 at England scale), inside the demo's range.
NAMED_URNS = range(799_001, 799_999)
PARTNERSHIP_API_IDS = uuid.uuid5(uuid.NAMESPACE_DNS, "named-schools.demo.invalid")


@dataclass(frozen=True)
class NamedSchool:
    urn: int
    name: str
    state: str
    establishment_type: str
    phase: str
    region: str
    local_authority: str
    postcode: str
    # Returning: what it chose every year up to last year; set up: up to this year. None when new.
    programme: str | None = None
    lead_provider: str | None = None
    # Set up, provider-led: whether the lead provider has confirmed this year's partnership yet.
    confirmed: bool = True


NAMED_SCHOOLS = [
    NamedSchool(799101, "Newbuild Primary School", NEW, "Free schools", "Primary", "North West", "Manchester", "M14 5RB"),
    NamedSchool(799102, "Newbuild Academy", NEW, "Academy sponsor led", "Secondary", "West Midlands", "Birmingham", "B23 6QT"),
    NamedSchool(799103, "Newbuild Infant School", NEW, "Community school", "Primary", "South West", "Devon", "EX4 8JN"),
    NamedSchool(
        799201, "Homeward Primary School", RETURNING, "Community school", "Primary", "North East",
        "Sunderland", "SR3 2LT", PROVIDER_LED, "Ambition Institute",
    ),
    NamedSchool(
        799202, "Homeward High School", RETURNING, "Academy converter", "Secondary", "Yorkshire and the Humber",
        "Leeds", "LS9 7HD", PROVIDER_LED, "Teach First",
    ),
    NamedSchool(
        799203, "Homeward Church of England Primary School", RETURNING, "Voluntary controlled school",
        "Primary", "East of England", "Norfolk", "NR7 0PA", SCHOOL_LED,
    ),
    NamedSchool(
        799301, "Readyford Primary School", SET_UP, "Community school", "Primary", "East Midlands",
        "Nottinghamshire", "NG5 9BW", PROVIDER_LED, "Ambition Institute",
    ),
    NamedSchool(
        799302, "Readyford Academy", SET_UP, "Academy converter", "Secondary", "South East", "Kent",
        "ME14 2DF", PROVIDER_LED, "Best Practice Network", confirmed=False,
    ),
    NamedSchool(
        799303, "Readyford Junior School", SET_UP, "Foundation school", "Primary", "London", "Camden",
        "NW5 1RN", SCHOOL_LED,
    ),
]  # fmt: skip


def last_year_set_up(school: NamedSchool) -> int:
    """The last contract year the school has set up."""
    return registration_year() - (1 if school.state == RETURNING else 0)


def plan_named_schools(
    missing: list[NamedSchool], ref: Reference, loader: Loader, taken_trns: set[str]
) -> tuple[list[SchoolPlan], list[tuple], PeoplePlanner]:
    """Plan the named schools not in the database yet: (their plans, partnership rows, their people)."""
    # Seeded by which schools are planned: the same every fresh seed, and other draws (teachers'
    # API ids) when a later seed adds one to a database that has the others.
    rng = random.Random("demo-named-schools:" + ",".join(str(named.urn) for named in missing))
    kinds = {kind.establishment_type: kind for kind in KINDS}
    plans, partnerships = [], []
    for named in missing:
        assert named.urn in NAMED_URNS and named.state in STATES
        new = named.state == NEW
        plan = SchoolPlan(
            id=loader.next_id(School),
            urn=named.urn,
            name=named.name,
            kind=kinds[named.establishment_type],
            phase=named.phase,
            region=named.region,
            local_authority=named.local_authority,
            town=named.name.split()[0],
            address_line="1 School Lane",
            postcode=named.postcode,
            opened_on=datetime.date(registration_year(), 9, 1) if new else datetime.date(1998, 9, 1),
            closed_on=None,
            section_41=False,
            appropriate_body_id=(ref.appropriate_bodies_in(named.region) or ref.hub_appropriate_body_ids)[0],
            ect_rate=0,
        )
        assert plan.funded, f"{named.name} is meant to be eligible for funded training"
        if not new:
            for year in range(FIRST_YEAR, last_year_set_up(named) + 1):
                _set_up(plan, named, year, ref, loader, partnerships)
        plans.append(plan)

    planner = PeoplePlanner(rng, plans, ref, loader, partnerships, taken_trns)
    for plan, named in zip(plans, missing, strict=True):
        if named.state == NEW:
            continue
        # An ECT in their second year; at a school set up this year, one in their first as well.
        starts = [datetime.date(registration_year() - 1, 9, 1)]
        if named.state == SET_UP:
            starts.append(datetime.date(registration_year(), 9, 1))
        ects = [planner.plan_steady_ect(plan, start) for start in starts]
        planner.plan_steady_mentor(plan, ects)
    return plans, partnerships, planner


def _set_up(plan: SchoolPlan, named: NamedSchool, year: int, ref: Reference, loader: Loader, rows) -> None:
    """The school's answer for a year: its programme, with the lead provider's partnership once
    confirmed (every year but, when the README says so, this one)."""
    lead_provider = None
    choice = Choice(named.programme)
    if named.programme == PROVIDER_LED:
        lead_provider = next(i for i, p in enumerate(LEAD_PROVIDERS) if p.name == named.lead_provider)
        pairing_id, partner = _home_pairing(ref, year, lead_provider)
        confirmed = named.confirmed or year < registration_year()
        choice = Choice(PROVIDER_LED, lead_provider, pairing_id, partner, confirmed)
        if confirmed:
            choice.partnership_id = loader.next_id(SchoolPartnership)
            confirmed_at = at(min(datetime.date(year, 7, 1), seed_day()), 11)
            rows.append(
                (
                    choice.partnership_id,
                    uuid.uuid5(PARTNERSHIP_API_IDS, f"{plan.urn}/{year}"),  # the same every seed
                    plan.id,
                    pairing_id,
                    confirmed_at,
                    confirmed_at,
                )
            )
    plan.choices[year] = choice
    plan.answers[year] = Answer(
        loader.next_id(SchoolContractPeriodChoice),
        ExpectsECTs.YES,
        named.programme,
        lead_provider,
        plan.appropriate_body_id,
        at(min(datetime.date(year, 5, 20), seed_day()), 10),
    )


def _home_pairing(ref: Reference, year: int, lead_provider: int) -> tuple[int, int]:
    """The lead provider's pairing with a delivery partner it works with every year (its "home"
    partners, reference.plan_pairings), so last year's pair still works together this year."""
    pairs = ref.pairings[(year, lead_provider)]
    home = [pair for pair in pairs if pair[1] % len(LEAD_PROVIDERS) == lead_provider]
    return min(home or pairs, key=lambda pair: pair[1])
