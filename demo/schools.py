"""Schools, their yearly training choices, what they told the service about each year, and
their partnerships with lead providers.

Schools are made up (names from made-up places, URNs from a range GIAS does not use) but
shaped like GIAS: mostly state-funded primaries, ~10% independent (not eligible for funded
training unless section 41 approved), ~2% closed, a few opened since 2021, and a handful
of British schools overseas (ESP is their appropriate body).
"""

import datetime
import random
import uuid
from dataclasses import dataclass, field

from demo.loader import Loader
from demo.names import REGION_SHARES, REGIONS, SAINTS, STREET_KINDS, STREETS, hub_region, place_names
from demo.reference import LEAD_PROVIDERS, Reference
from demo.timeline import FIRST_YEAR, at, contract_period_dates, days, registration_year, seed_day, years
from providers.models import LAST_YEAR_WITH_UPLIFTS, SchoolPartnership
from schools.eligibility import decide_funding_eligibility
from schools.models import ExpectsECTs, School, SchoolContractPeriodChoice, TrainingProgramme, YearProgramme

# URNs from here up are the demo's; real GIAS URNs are six digits below 160000.
DEMO_FIRST_URN = 700001
DEMO_URN_RANGE = (700000, 799999)

PROVIDER_LED = TrainingProgramme.PROVIDER_LED.value
SCHOOL_LED = TrainingProgramme.SCHOOL_LED.value

# Share of funded schools choosing provider-led training, by year (it grew after 2021).
PROVIDER_LED_SHARE = {2021: 0.70, 2022: 0.78, 2023: 0.84, 2024: 0.88, 2025: 0.90}
LATER_PROVIDER_LED_SHARE = 0.92
# Of provider-led choices, the share the lead provider has confirmed: 0.72 in the year being
# registered for, which is still filling in, and 0.97 in earlier years.
# What schools told the service about a year (SchoolContractPeriodChoice). Only a year with no
# ECT, no mentor and no partnership at the school is answered "no ECTs".
NO_ECTS_SHARE = 0.25  # of those quiet years: the school said it expected no ECTs
NOT_SURE_SHARE = 0.06  # of the years set up without ECTs in them: "we do not know yet"
# In the year being registered for, some open schools have not set it up (so see the set-up
# journey): ~10% gave no answer at all, a few more only the headteacher's "expects ECTs".
NOT_ANSWERED_SHARE = 0.10
NOT_SET_UP_SHARE = 0.03


@dataclass(frozen=True)
class Kind:
    establishment_type: str
    weight: float
    phases: tuple[tuple[str, float], ...]  # (phase, weight)
    ects_per_year: float  # mean new ECTs a year, for a school of middling size


_MAINSTREAM = (("Primary", 0.80), ("Secondary", 0.18), ("All-through", 0.02))
KINDS = [
    Kind("Community school", 0.27, _MAINSTREAM, 1),
    Kind("Academy converter", 0.23, _MAINSTREAM, 1),
    Kind("Academy sponsor led", 0.08, _MAINSTREAM, 1),
    Kind("Voluntary aided school", 0.09, _MAINSTREAM, 1),
    Kind("Voluntary controlled school", 0.07, _MAINSTREAM, 1),
    Kind("Foundation school", 0.03, _MAINSTREAM, 1),
    Kind("Free schools", 0.03, _MAINSTREAM, 1),
    Kind("Community special school", 0.02, (("Not applicable", 1),), 0.7),
    Kind("Academy special converter", 0.015, (("Not applicable", 1),), 0.7),
    Kind("Pupil referral unit", 0.01, (("Not applicable", 1),), 0.4),
    Kind("Other independent school", 0.085, (("Not applicable", 0.7), ("All-through", 0.3)), 0.5),
    Kind("Other independent special school", 0.02, (("Not applicable", 1),), 0.5),
    Kind("British schools overseas", 0.002, (("Not applicable", 1),), 1),
]
PHASE_ECT_FACTOR = {"Primary": 0.8, "Secondary": 3.6, "All-through": 3.6, "Not applicable": 1}


@dataclass(slots=True)
class Choice:
    """A school's answer for a year: programme and, for provider-led, who it works with."""

    programme: str
    lead_provider: int | None = None  # index into LEAD_PROVIDERS
    pairing_id: int | None = None
    delivery_partner: int | None = None  # index
    confirmed: bool = False
    partnership_id: int | None = None  # set once the SchoolPartnership row is planned


@dataclass(slots=True)
class Answer:
    """What the school told the service about a year: a SchoolContractPeriodChoice row."""

    id: int
    expects_ects: str
    programme: str  # a YearProgramme, or "" when the year is not set up
    lead_provider: int | None  # index into LEAD_PROVIDERS, for provider-led
    appropriate_body_id: int | None
    answered_at: datetime.datetime

    @property
    def runs_training(self) -> bool:
        return self.programme in (YearProgramme.PROVIDER_LED, YearProgramme.SCHOOL_LED)


@dataclass(slots=True)
class SchoolPlan:
    id: int
    urn: int
    name: str
    kind: Kind
    phase: str
    region: str
    local_authority: str
    town: str
    address_line: str
    postcode: str
    opened_on: datetime.date
    closed_on: datetime.date | None
    section_41: bool
    appropriate_body_id: int
    ect_rate: float
    cohort_sizes: dict[int, int] = field(default_factory=dict)
    choices: dict[int, Choice] = field(default_factory=dict)
    answers: dict[int, Answer] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """GIAS status on the demo's today (closures are all in the past, openings too)."""
        return "Closed" if self.closed_on else "Open"

    @property
    def funded(self) -> bool:
        """Eligible for funded training while open, by the rule the GIAS import applies."""
        return eligible_when_open(self.kind, self.region, self.section_41)

    @property
    def eligible_now(self) -> bool:
        """Eligible for funded training today, as the GIAS import would decide it."""
        return decide_funding_eligibility(
            status=self.status,
            establishment_type=self.kind.establishment_type,
            region=self.region,
            section_41_approved=self.section_41,
        ).eligible

    def takes_cohort(self, year: int) -> bool:
        """Open at the start of the academic year and not closing within the term."""
        september = datetime.date(year, 9, 1)
        return self.opened_on <= september and (
            self.closed_on is None or self.closed_on > september + days(90)
        )

    def open_on(self, day: datetime.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on >= day)


def eligible_when_open(kind: Kind, region: str, section_41: bool) -> bool:
    """Whether a school of this kind, region and section 41 approval is eligible while it is open."""
    return decide_funding_eligibility(
        status="Open",
        establishment_type=kind.establishment_type,
        region=region,
        section_41_approved=section_41,
    ).eligible


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method: fine for the small means used here)."""
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def _school_name(rng: random.Random, kind: Kind, phase: str, place: str) -> str:
    t = kind.establishment_type
    if t == "British schools overseas":
        return f"The British International School {place}"
    if t == "Pupil referral unit":
        return f"{place} {rng.choice(['Pupil Referral Unit', 'Short Stay School', 'Learning Centre'])}"
    if "special" in t:
        return f"{place} {rng.choice(['School', 'Academy', 'Specialist School'])}"
    if "independent" in t:
        return f"{place} {rng.choice(['Preparatory School', 'House School', 'College', 'School'])}"
    if t in ("Voluntary aided school", "Voluntary controlled school") and rng.random() < 0.7:
        faith = "Catholic" if t == "Voluntary aided school" and rng.random() < 0.5 else "Church of England"
        level = (
            "Primary School" if phase == "Primary" else "High School" if phase == "Secondary" else "School"
        )
        return f"{place} St {rng.choice(SAINTS)}'s {faith} {level}"
    if phase == "Primary":
        academy = t.startswith("Academy") or t == "Free schools"
        endings = (
            ["Primary Academy", "Primary School"]
            if academy
            else ["Primary School"] * 6 + ["Infant School", "Junior School", "Community Primary School"]
        )
        return f"{place} {rng.choice(endings)}"
    if phase == "Secondary":
        return f"{place} {rng.choice(['High School', 'Academy', 'School', 'Community College'])}"
    return f"{place} {rng.choice(['School', 'Academy', 'All-through School'])}"


def _places_by_authority() -> dict[str, list[str]]:
    """Share the made-up places among the local authorities, so a town stays in one place."""
    places = place_names()[200:]  # the first 200 name the hubs
    authorities = [authority for _, _, pairs in REGIONS for authority, _ in pairs]
    return {authority: places[k :: len(authorities)] for k, authority in enumerate(authorities)}


def _unique_name(rng: random.Random, kind: Kind, phase: str, place: str, taken: set[str]) -> str:
    """A school name not used yet, where a few tries find one ("Upper Elmbank", "Elmbank Meadow")."""
    variants = [
        place,
        f"{place} {rng.choice(STREETS)}",
        f"{rng.choice(['North', 'South', 'East', 'West', 'Upper', 'Lower', 'Great', 'Little'])} {place}",
    ]
    for variant in variants * 2:
        name = _school_name(rng, kind, phase, variant)
        if name not in taken:
            break
    taken.add(name)
    return name


def plan_schools(rng: random.Random, count: int, ref: Reference, loader: Loader) -> list[SchoolPlan]:
    places_in = _places_by_authority()
    kind_weights = [k.weight for k in KINDS]
    names: set[str] = set()
    schools = []
    for index in range(count):
        kind = rng.choices(KINDS, kind_weights)[0]
        phase = rng.choices([p for p, _ in kind.phases], [w for _, w in kind.phases])[0]
        region, _, authorities = rng.choices(REGIONS, REGION_SHARES)[0]
        authority, postcode_area = rng.choice(authorities)
        place = rng.choice(places_in[authority])
        section_41 = kind.establishment_type == "Other independent special school" and rng.random() < 0.6

        opened_on = datetime.date(rng.randint(1950, 2019), rng.randint(1, 12), 1)
        if rng.random() < 0.04:  # a new school: opened at the start of a year since 2021
            opened_on = datetime.date(rng.randint(FIRST_YEAR, registration_year() - 1), 9, 1)
        closed_on = None
        if opened_on.year < 2021 and rng.random() < 0.021:
            closed_on = datetime.date(rng.randint(FIRST_YEAR + 1, registration_year() - 1), 8, 31)

        if kind.establishment_type == "British schools overseas":
            region, authority, postcode_area = "Not applicable", "Does not apply", ""
            appropriate_body = ref.esp_id
        elif not eligible_when_open(kind, region, section_41):
            appropriate_body = ref.istip_id
        else:
            appropriate_body = rng.choice(ref.appropriate_bodies_in(region) or ref.hub_appropriate_body_ids)

        postcode = ""
        if postcode_area:
            postcode = f"{postcode_area}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        size = rng.uniform(0.5, 1.5)
        schools.append(
            SchoolPlan(
                id=loader.next_id(School),
                urn=DEMO_FIRST_URN + index,
                name=_unique_name(rng, kind, phase, place, names),
                kind=kind,
                phase=phase,
                region=region,
                local_authority=authority,
                town=place,
                address_line=f"{rng.randint(1, 120)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
                postcode=postcode,
                opened_on=opened_on,
                closed_on=closed_on,
                section_41=section_41,
                appropriate_body_id=appropriate_body,
                ect_rate=kind.ects_per_year * PHASE_ECT_FACTOR[phase] * size,
            )
        )
    return schools


def plan_cohort_sizes(rng: random.Random, schools: list[SchoolPlan], ects_per_school_year: float) -> None:
    """How many new ECTs each school takes on each year (0 in most small schools most years)."""
    for school in schools:
        for year in years():
            if school.takes_cohort(year):
                school.cohort_sizes[year] = poisson(rng, school.ect_rate * ects_per_school_year)


def plan_choices(
    rng: random.Random, schools: list[SchoolPlan], ref: Reference, loader: Loader
) -> list[tuple]:
    """Each open school's programme and provider per year, sticky from year to year.

    Returns the SchoolPartnership rows for the school-years that expect ECTs (or, for
    some, that set up a partnership anyway); others are added on first use by
    `ensure_partnership`, so every training period has a partnership to point at.
    """
    lead_provider_weights = [p.market_share for p in LEAD_PROVIDERS]
    partnerships: list[tuple] = []
    for school in schools:
        previous: Choice | None = None
        for year in years():
            if not school.open_on(datetime.date(year, 9, 1)):
                continue
            choice = _choose(rng, school, year, previous, ref, lead_provider_weights)
            school.choices[year] = choice
            previous = choice
            if school.cohort_sizes.get(year) or rng.random() < 0.3:
                ensure_partnership(rng, school, year, loader, partnerships)
    return partnerships


def _choose(rng, school: SchoolPlan, year: int, previous: Choice | None, ref: Reference, weights) -> Choice:
    if not school.funded:
        return Choice(SCHOOL_LED)
    if previous is not None and rng.random() < 0.85:
        programme = previous.programme
    else:
        programme = (
            PROVIDER_LED
            if rng.random() < PROVIDER_LED_SHARE.get(year, LATER_PROVIDER_LED_SHARE)
            else SCHOOL_LED
        )
    if programme == SCHOOL_LED:
        return Choice(SCHOOL_LED)

    confirmed = rng.random() < (0.72 if year == registration_year() else 0.97)
    # Stay with last year's lead provider and delivery partner when that pair still works together.
    if previous is not None and previous.lead_provider is not None and rng.random() < 0.9:
        for pairing_id, partner in ref.pairings.get((year, previous.lead_provider), []):
            if partner == previous.delivery_partner:
                return Choice(PROVIDER_LED, previous.lead_provider, pairing_id, partner, confirmed)
    active = ref.active_lead_providers(year)
    lead_provider = rng.choices(active, [weights[i] for i in active])[0]
    pairs = ref.pairings.get((year, lead_provider), [])
    if not pairs:  # a provider with no delivery partner this year: the school waits on it
        return Choice(PROVIDER_LED, lead_provider)
    nearby = [p for p in pairs if hub_region(p[1]) == school.region]
    pairing_id, partner = rng.choice(nearby or pairs)
    return Choice(PROVIDER_LED, lead_provider, pairing_id, partner, confirmed)


def ensure_partnership(
    rng: random.Random, school: SchoolPlan, year: int, loader: Loader, rows: list[tuple]
) -> None:
    """Plan the SchoolPartnership row for a confirmed provider-led choice, once."""
    choice = school.choices.get(year)
    if choice is None or not choice.confirmed or choice.partnership_id is not None:
        return
    choice.partnership_id = loader.next_id(SchoolPartnership)
    confirmed_at = at(datetime.date(year, rng.choice([6, 7, 9, 10]), rng.randint(1, 28)), rng.randint(8, 17))
    rows.append(
        (
            choice.partnership_id,
            uuid.UUID(int=rng.getrandbits(128), version=4),
            school.id,
            choice.pairing_id,
            confirmed_at,
            confirmed_at,
        )
    )


def plan_answers(
    rng: random.Random,
    schools: list[SchoolPlan],
    present: set[tuple[int, int]],
    arrived: set[tuple[int, int]],
    loader: Loader,
    partnerships: list[tuple],
) -> None:
    """What each school told the service about each year it was open, from its planned choices,
    once its people are planned: `present` and `arrived` are the (school id, year)s with an ECT
    or mentor at the school during the year, and with one starting there that year.

    A year is set up as planned, except that a quiet year (nobody there, no partnership) is
    sometimes answered "no ECTs", and that in the year being registered for, some open schools
    that have registered nobody for it yet have not answered, or not set it up. A confirmed
    provider-led choice that is set up has its partnership (planned here when nobody needed it
    before); an unconfirmed one is still waiting for the lead provider.
    """

    def partnered(school: SchoolPlan, year: int) -> bool:
        return school.choices[year].partnership_id is not None

    # The year being registered for: which open schools that registered nobody for it yet (their
    # ECTs and mentors, if any, carry on from earlier years) have not answered, or not set it up.
    year = registration_year()
    open_schools = [s for s in schools if s.closed_on is None and year in s.choices]
    candidates = [s for s in open_schools if (s.id, year) not in arrived and not partnered(s, year)]
    unanswered = rng.sample(candidates, min(len(candidates), round(NOT_ANSWERED_SHARE * len(open_schools))))
    skipped = {s.id for s in unanswered}
    rest = [s for s in candidates if s.id not in skipped]
    not_set_up = {s.id for s in rng.sample(rest, min(len(rest), round(NOT_SET_UP_SHARE * len(open_schools))))}

    for school in schools:
        first_day = max(school.opened_on, datetime.date(FIRST_YEAR, 5, 4))
        for year, choice in school.choices.items():
            if year == registration_year() and school.id in skipped:
                continue
            answered_on = min(
                max(datetime.date(year, 3, 15), first_day) + days(rng.randint(0, 60)), seed_day()
            )
            answered_at = at(answered_on, rng.randint(8, 17), rng.randint(0, 59))
            quiet = (school.id, year) not in present and not partnered(school, year)
            if year == registration_year() and school.id in not_set_up:
                expects = ExpectsECTs.YES if rng.random() < 0.7 else ExpectsECTs.NOT_SURE
                answer = Answer(
                    loader.next_id(SchoolContractPeriodChoice), expects, "", None, None, answered_at
                )
            elif quiet and rng.random() < NO_ECTS_SHARE:
                answer = Answer(
                    loader.next_id(SchoolContractPeriodChoice),
                    ExpectsECTs.NO,
                    YearProgramme.NO_ECTS,
                    None,
                    None,
                    answered_at,
                )
            else:
                expects = ExpectsECTs.NOT_SURE if quiet and rng.random() < NOT_SURE_SHARE else ExpectsECTs.YES
                answer = Answer(
                    loader.next_id(SchoolContractPeriodChoice),
                    expects,
                    choice.programme,
                    choice.lead_provider,
                    school.appropriate_body_id,
                    answered_at,
                )
                ensure_partnership(rng, school, year, loader, partnerships)
            school.answers[year] = answer


CHOICE_COLUMNS = [
    "id",
    "school_id",
    "contract_period_id",
    "expects_ects",
    "programme",
    "lead_provider_id",
    "appropriate_body_id",
    "created_at",
    "updated_at",
]


def choice_rows(schools: list[SchoolPlan], ref: Reference):
    for school in schools:
        for year, answer in school.answers.items():
            lead_provider = (
                ref.active_lead_provider_ids[(answer.lead_provider, year)]
                if answer.lead_provider is not None
                else None
            )
            yield (
                answer.id,
                school.id,
                year,
                str(answer.expects_ects),
                str(answer.programme),
                lead_provider,
                answer.appropriate_body_id,
                answer.answered_at,
                answer.answered_at,
            )


PARTNERSHIP_COLUMNS = [
    "id",
    "api_id",
    "school_id",
    "lead_provider_delivery_partnership_id",
    "created_at",
    "updated_at",
]

SCHOOL_COLUMNS = [
    "id",
    "urn",
    "name",
    "establishment_type",
    "status",
    "phase",
    "local_authority",
    "region",
    "address_line",
    "town",
    "postcode",
    "contact_email",
    "section_41_approved",
    "opened_on",
    "closed_on",
    "eligible_for_funding",
    "eligibility_decided_on",
    "last_chosen_training_programme",
    "last_chosen_lead_provider_id",
    "last_chosen_appropriate_body_id",
    "created_at",
    "updated_at",
]


def school_rows(schools: list[SchoolPlan], ref: Reference):
    first_contract_period_start, _ = contract_period_dates(years()[0])
    for s in schools:
        # The last answers it gave about training (not "no ECTs"), offered as its defaults.
        trained = [year for year, answer in s.answers.items() if answer.runs_training]
        latest = s.answers[max(trained)] if trained else None
        decided_on = max(s.opened_on, first_contract_period_start)
        if s.closed_on:
            decided_on = s.closed_on  # eligibility was withdrawn when it closed
        created = at(max(s.opened_on, datetime.date(FIRST_YEAR, 5, 4)), 6)
        lead_provider_id = None
        if latest and latest.lead_provider is not None:
            lead_provider_id = ref.lead_provider_ids[latest.lead_provider]
        yield (
            s.id,
            s.urn,
            s.name,
            s.kind.establishment_type,
            s.status,
            s.phase,
            s.local_authority,
            s.region,
            s.address_line,
            s.town,
            s.postcode,
            f"office.{s.urn}@schools.example.org",
            s.section_41,
            s.opened_on,
            s.closed_on,
            s.eligible_now,
            decided_on,
            str(latest.programme) if latest else "",
            lead_provider_id,
            latest.appropriate_body_id if latest else None,
            created,
            created,
        )


FUNDING_FLAG_COLUMNS = ["school_id", "contract_period_id", "pupil_premium", "sparsity"]
# Roughly the shares of schools the DfE's uplift lists named (about a third pupil premium, one in
# eight sparse), for the contract periods that paid uplifts.
PUPIL_PREMIUM_SHARE, SPARSITY_SHARE = 0.35, 0.12


def funding_flag_rows(schools: list[SchoolPlan]):
    """Each school's pupil premium and sparsity flags in the contract periods that pay uplifts;
    a school with neither has no row."""
    rng = random.Random("demo-funding-flags")
    for school in schools:
        for year in years():
            if year > LAST_YEAR_WITH_UPLIFTS:
                break
            pupil_premium, sparsity = rng.random() < PUPIL_PREMIUM_SHARE, rng.random() < SPARSITY_SHARE
            if pupil_premium or sparsity:
                yield (school.id, year, pupil_premium, sparsity)
