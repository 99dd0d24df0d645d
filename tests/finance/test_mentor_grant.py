"""The mentor grant for schools (docs/decisions/0037), from worked examples. Every expected figure
is worked out by hand in the comments from the rule, never by calling the code:

- backfill (training in a contract period up to 2024): 6 hours a term the mentor trained, at most
  6 terms (36 hours); a live started declaration first; the 4th to 6th terms also need a live
  retained-3, retained-4 or completed one; nothing after a live completed declaration;
- ECTPM (from 2025): 4 hours on a live started declaration, 16 on a live completed one;
- hourly rates: inner London £53.59, outer London £48.2539, fringe £45.09, rest of England
  £43.7806 (backfill); £36.084 everywhere (ECTPM); amount = hours × rate, rounded to the penny.

The grant's years are the DfE's (backfill up to the 2024 contract period, ECTPM from 2025), so the
dates here are those years written out: nothing depends on the day the tests run."""

import csv
import datetime
import io
import subprocess
import sys
from decimal import Decimal

import pytest

from finance.calculator.money import to_pence
from finance.grant_queries import mentor_grants
from finance.grants import (
    Grant,
    Mentor,
    MentorDeclaration,
    RateArea,
    SchoolTerm,
    Term,
    Training,
    hourly_rate,
    mentor_hours,
    rate_area,
)
from finance.models import Declaration, Statement
from providers.models import ActiveLeadProvider, LeadProvider
from tests.admin.conftest import staff_in
from tests.factories import (
    ContractPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

D = Decimal
day = datetime.date
AUTUMN_2023 = SchoolTerm.of(2023, Term.AUTUMN)


# --- Terms, areas and rates ------------------------------------------------------------------------


def test_terms_start_in_september_january_and_april_and_cover_every_day():
    spring = SchoolTerm.of(2023, Term.SPRING)
    assert (spring.start, spring.end) == (day(2024, 1, 1), day(2024, 3, 31))
    assert (AUTUMN_2023.start, AUTUMN_2023.end) == (day(2023, 9, 1), day(2023, 12, 31))
    summer = SchoolTerm.of(2023, Term.SUMMER)
    assert (summer.start, summer.end) == (day(2024, 4, 1), day(2024, 8, 31))
    assert SchoolTerm.containing(day(2024, 8, 31)) == summer
    assert SchoolTerm.containing(day(2024, 9, 1)) == SchoolTerm.of(2024, Term.AUTUMN)
    assert summer.label == "Summer term 2023 to 2024"


@pytest.mark.parametrize(
    ("region", "authority", "area"),
    [
        ("London", "Camden", RateArea.INNER_LONDON),
        ("London", "Newham", RateArea.INNER_LONDON),  # inner in the pay document's sense
        ("London", "Croydon", RateArea.OUTER_LONDON),
        ("South East", "Surrey", RateArea.FRINGE),
        ("South East", "Slough", RateArea.FRINGE),
        ("East of England", "Thurrock", RateArea.FRINGE),
        ("South East", "Kent", RateArea.REST_OF_ENGLAND),  # only partly in the fringe: by district
        ("North West", "Manchester", RateArea.REST_OF_ENGLAND),
    ],
)
def test_a_schools_rate_area_comes_from_its_region_and_local_authority(region, authority, area):
    assert rate_area(region=region, local_authority=authority) is area


def test_the_hourly_rates_give_back_the_published_costs_of_36_and_20_hours():
    # The DfE's 36-hour costs: £1,929.24, £1,737.14, £1,623.24, £1,576.10; ECTPM: £721.68 for 20
    # hours, paid £144.34 on the start and £577.34 on completion.
    published = {
        RateArea.INNER_LONDON: D("1929.24"),
        RateArea.OUTER_LONDON: D("1737.14"),
        RateArea.FRINGE: D("1623.24"),
        RateArea.REST_OF_ENGLAND: D("1576.10"),
    }
    for area, cost in published.items():
        assert to_pence(36 * hourly_rate(Grant.BACKFILL, area, 2023)) == cost
    rate = hourly_rate(Grant.ECTPM, RateArea.INNER_LONDON, 2025)
    assert (to_pence(20 * rate), to_pence(4 * rate), to_pence(16 * rate)) == (
        D("721.68"),
        D("144.34"),
        D("577.34"),
    )


def test_the_rule_needs_no_django():
    """finance/grants.py works on plain values: importing it loads nothing of Django's."""
    check = "import sys, finance.grants; sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0


# --- The rule for one mentor, as plain values -------------------------------------------------------


SEPTEMBER_2023 = day(2023, 9, 1)


def training(school_id=1, started_on=SEPTEMBER_2023, finished_on=None, stopped_on=None, cohort=2023):
    return Training(school_id, started_on, finished_on, stopped_on, cohort)


def declared(declaration_type, on, *, live=True, school_id=1, cohort=2023):
    return MentorDeclaration(declaration_type, on, live, school_id, cohort)


def hours(mentor, year, term, eligible=frozenset({1, 2})):
    return [
        (h.school_id, h.grant, h.hours)
        for h in mentor_hours(mentor, [SchoolTerm.of(year, term)], eligible=set(eligible))
    ]


STARTED = declared("started", day(2023, 10, 2))


def test_a_backfill_mentor_earns_6_hours_a_term_for_three_terms_then_needs_the_second_years_confirmation():
    mentor = Mentor(7, (training(),), (STARTED,))
    assert hours(mentor, 2023, Term.AUTUMN) == [(1, Grant.BACKFILL, 6)]
    assert hours(mentor, 2023, Term.SUMMER) == [(1, Grant.BACKFILL, 6)]
    # The 4th term is the second year's: no retained-3, retained-4 or completed yet.
    assert hours(mentor, 2024, Term.AUTUMN) == []
    confirmed = Mentor(7, (training(),), (STARTED, declared("retained-3", day(2024, 11, 1))))
    assert hours(confirmed, 2024, Term.AUTUMN) == [(1, Grant.BACKFILL, 6)]
    assert hours(confirmed, 2024, Term.SUMMER) == [(1, Grant.BACKFILL, 6)]  # the 6th: 36 hours
    assert hours(confirmed, 2025, Term.AUTUMN) == []  # a 7th term is beyond 36 hours


def test_nothing_without_a_live_start_and_nothing_after_completing():
    voided = Mentor(7, (training(),), (declared("started", day(2023, 10, 2), live=False),))
    assert hours(voided, 2023, Term.AUTUMN) == []
    # Completed early, on 20 July 2024, in the summer term: that term counts, the next does not,
    # though the provider never ended the training.
    completed = Mentor(7, (training(),), (STARTED, declared("completed", day(2024, 7, 20))))
    assert hours(completed, 2023, Term.SUMMER) == [(1, Grant.BACKFILL, 6)]
    assert hours(completed, 2024, Term.AUTUMN) == []


def test_a_term_is_paid_once_to_the_school_the_mentor_was_at_latest_in_it():
    # Moved on 15 February 2024: the spring term goes to school 2, and is the mentor's 2nd term.
    moved = Mentor(
        7,
        (training(1, finished_on=day(2024, 2, 14)), training(2, started_on=day(2024, 2, 15))),
        (STARTED,),
    )
    assert hours(moved, 2023, Term.AUTUMN) == [(1, Grant.BACKFILL, 6)]
    assert hours(moved, 2023, Term.SPRING) == [(2, Grant.BACKFILL, 6)]
    assert hours(moved, 2024, Term.AUTUMN) == []  # still their 4th term, not their 5th


def test_withdrawn_early_registered_or_ineligible_schools_earn_nothing_for_those_terms():
    withdrawn = Mentor(7, (training(stopped_on=day(2023, 12, 20)),), (STARTED,))
    assert hours(withdrawn, 2023, Term.AUTUMN) == [(1, Grant.BACKFILL, 6)]
    assert hours(withdrawn, 2023, Term.SPRING) == []
    # Registered in June for the 2023 contract period: training counts from 1 September.
    early = Mentor(7, (training(started_on=day(2023, 6, 15)),), (STARTED,))
    assert hours(early, 2022, Term.SUMMER) == []
    assert hours(early, 2023, Term.AUTUMN) == [(1, Grant.BACKFILL, 6)]
    assert hours(Mentor(7, (training(),), (STARTED,)), 2023, Term.AUTUMN, eligible={2}) == []


def test_an_ectpm_mentor_earns_4_hours_on_the_start_and_16_on_completion():
    mentor = Mentor(
        8,
        (training(started_on=day(2025, 9, 1), cohort=2025),),
        (
            declared("started", day(2025, 7, 20), cohort=2025),  # before the year: counts in autumn
            declared("completed", day(2026, 6, 30), cohort=2025),
        ),
    )
    assert hours(mentor, 2024, Term.SUMMER) == []
    assert hours(mentor, 2025, Term.AUTUMN) == [(1, Grant.ECTPM, 4)]
    assert hours(mentor, 2025, Term.SPRING) == []
    assert hours(mentor, 2025, Term.SUMMER) == [(1, Grant.ECTPM, 16)]


# --- From the database ------------------------------------------------------------------------------


LEAD_PROVIDER_NAME = "Fictional Lead Provider for grants"


def partnership(school, year):
    lead_provider = LeadProvider.objects.get_or_create(name=LEAD_PROVIDER_NAME)[0]
    active, _ = ActiveLeadProvider.objects.get_or_create(
        lead_provider=lead_provider, contract_period=ContractPeriodFactory(year=year)
    )
    pairing = LeadProviderDeliveryPartnershipFactory(active_lead_provider=active)
    return SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)


def mentor_trained(school_partnership, started_on, finished_on=None):
    at_school = MentorAtSchoolPeriodFactory(
        school=school_partnership.school, teacher=TeacherFactory(), started_on=started_on
    )
    return TrainingPeriodFactory(
        ect_at_school_period=None,
        mentor_at_school_period=at_school,
        school_partnership=school_partnership,
        started_on=started_on,
        finished_on=finished_on,
    )


def declare(training, declaration_type, on, payment_status="eligible"):
    pairing = training.school_partnership.lead_provider_delivery_partnership
    statement, _ = Statement.objects.get_or_create(
        active_lead_provider=pairing.active_lead_provider,
        year=on.year,
        month=on.month,
        defaults={"deadline_date": on, "payment_date": on},
    )
    return Declaration.objects.create(
        training_period=training,
        teacher=training.mentor_at_school_period.teacher,
        course_identifier="ecf-mentor",
        lead_provider=pairing.active_lead_provider.lead_provider,
        delivery_partner=pairing.delivery_partner,
        declaration_type=declaration_type,
        declaration_date=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        payment_status=payment_status,
        payment_statement=statement,
        voided_at=datetime.datetime.combine(on, datetime.time(13), tzinfo=datetime.UTC)
        if payment_status == "voided"
        else None,
    )


@pytest.fixture
def schools(db):
    """Ashgrove (rest of England): mentors A and B funded, C completed early, D's start voided.
    Brunswick Park (inner London) and Coombe Wood (outer London): one funded mentor each."""
    ashgrove = SchoolFactory(name="Ashgrove Primary School", region="South East", local_authority="Kent")
    with_2023 = partnership(ashgrove, 2023)
    for name in ("A", "B"):
        trained = mentor_trained(with_2023, day(2023, 9, 1))
        declare(trained, "started", day(2023, 10, 2), "paid" if name == "A" else "eligible")
    # C trained from January 2023 in the 2022 contract period and completed on 20 July 2023: their
    # funding ended then, though the provider left the training open.
    c = mentor_trained(partnership(ashgrove, 2022), day(2023, 1, 3))
    declare(c, "started", day(2023, 2, 1), "paid")
    declare(c, "completed", day(2023, 7, 20), "paid")
    d = mentor_trained(with_2023, day(2023, 9, 1))
    declare(d, "started", day(2023, 10, 2), "voided")

    brunswick = SchoolFactory(name="Brunswick Park Primary School", region="London", local_authority="Camden")
    declare(mentor_trained(partnership(brunswick, 2023), day(2023, 9, 1)), "started", day(2023, 9, 20))
    coombe = SchoolFactory(name="Coombe Wood School", region="London", local_authority="Croydon")
    declare(mentor_trained(partnership(coombe, 2023), day(2023, 9, 1)), "started", day(2023, 9, 20))
    return ashgrove, brunswick, coombe


def test_each_school_is_paid_for_its_funded_mentors_hours_at_its_areas_rate(schools):
    rows = [
        (r.school_name, r.area, r.grant, r.period, r.mentors, r.hours, r.hourly_rate, r.amount)
        for r in mentor_grants(year=2023, term=Term.AUTUMN)
    ]
    assert rows == [
        # A and B: 2 × 6 = 12 hours × £43.7806 = £525.3672 → £525.37 (C has completed, D's start is void).
        (
            "Ashgrove Primary School",
            RateArea.REST_OF_ENGLAND,
            Grant.BACKFILL,
            "Autumn term 2023 to 2024",
            2,
            12,
            D("43.7806"),
            D("525.37"),
        ),
        # 6 hours × £53.59 = £321.54.
        (
            "Brunswick Park Primary School",
            RateArea.INNER_LONDON,
            Grant.BACKFILL,
            "Autumn term 2023 to 2024",
            1,
            6,
            D("53.5900"),
            D("321.54"),
        ),
        # 6 hours × £48.2539 = £289.5234 → £289.52.
        (
            "Coombe Wood School",
            RateArea.OUTER_LONDON,
            Grant.BACKFILL,
            "Autumn term 2023 to 2024",
            1,
            6,
            D("48.2539"),
            D("289.52"),
        ),
    ]


def test_the_whole_year_is_its_three_terms_added_up_each_rounded_once(schools):
    rows = {r.school_name: (r.period, r.mentors, r.hours, r.amount) for r in mentor_grants(year=2023)}
    # Ashgrove: A and B, 6 hours each a term = 12 hours × £43.7806 = £525.3672 → £525.37 a term,
    # three terms £1,576.11 (not 36 hours rounded once: £1,576.10).
    assert rows["Ashgrove Primary School"] == ("Whole year 2023 to 2024", 2, 36, D("1576.11"))
    # Brunswick Park: 6 hours × £53.59 = £321.54 a term, three terms £964.62.
    assert rows["Brunswick Park Primary School"] == ("Whole year 2023 to 2024", 1, 18, D("964.62"))
    # The year before: only C, in the spring and summer terms of 2022 to 2023 (6 hours × £43.7806
    # = £262.6836 → £262.68 a term).
    assert [(r.school_name, r.mentors, r.hours, r.amount) for r in mentor_grants(year=2022)] == [
        ("Ashgrove Primary School", 1, 12, D("525.36"))
    ]
    for year in (2022, 2023):
        by_term = [r.amount for term in Term for r in mentor_grants(year=year, term=term)]
        assert sum(r.amount for r in mentor_grants(year=year)) == sum(by_term)


def test_an_ectpm_mentor_is_paid_on_the_start_in_its_term(db):
    dunmore = SchoolFactory(name="Dunmore Academy", region="North West", local_authority="Bolton")
    trained = mentor_trained(partnership(dunmore, 2025), day(2025, 9, 1))
    declare(trained, "started", day(2025, 9, 20))
    rows = mentor_grants(year=2025, term=Term.AUTUMN)
    # 4 hours × £36.084 = £144.336 → £144.34.
    assert [(r.school_name, r.grant, r.mentors, r.hours, r.amount) for r in rows] == [
        ("Dunmore Academy", Grant.ECTPM, 1, 4, D("144.34"))
    ]


def test_a_school_not_eligible_for_funding_gets_nothing(db):
    closed = SchoolFactory(eligible_for_funding=False, eligibility_decided_on=None)
    declare(mentor_trained(partnership(closed, 2023), day(2023, 9, 1)), "started", day(2023, 9, 20))
    assert mentor_grants(year=2023, term=Term.AUTUMN) == []


@pytest.mark.parametrize("school_count", [2, 6])
def test_the_grant_is_three_queries_however_many_schools(db, django_assert_num_queries, school_count):
    for n in range(school_count):
        school_partnership = partnership(SchoolFactory(name=f"School {n:02d}"), 2023)
        for _ in range(2):
            declare(mentor_trained(school_partnership, day(2023, 9, 1)), "started", day(2023, 9, 20))
    with django_assert_num_queries(3):
        rows = mentor_grants(year=2023, term=Term.AUTUMN)
    assert [(r.school_name, r.mentors, r.hours) for r in rows] == [
        (f"School {n:02d}", 2, 12) for n in range(school_count)
    ]


# --- The page and the CSV ----------------------------------------------------------------------------


PAGE = "/finance/grants/mentors"
CSV = "/finance/grants/mentors.csv"


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_has_one_row_per_school_and_no_totals(client, schools):
    ashgrove, *_ = schools
    ashgrove.name = "=Ashgrove Primary School"  # a name a spreadsheet would read as a formula
    ashgrove.save()
    client.force_login(staff_in("finance"))
    response = client.get(CSV, {"year": "2023", "term": "autumn"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mentor-grant-2023-autumn.csv"'
    assert read_csv(response) == [
        [
            "URN",
            "School name",
            "Rate area",
            "Grant",
            "Term",
            "Mentors funded",
            "Hours",
            "Hourly rate (£)",
            "Amount (£)",
        ],
        [
            str(ashgrove.urn),
            "'=Ashgrove Primary School",
            "Rest of England",
            "ECF mentor training backfill",
            "Autumn term 2023 to 2024",
            "2",
            "12",
            "43.7806",
            "525.37",
        ],
        [
            str(schools[1].urn),
            "Brunswick Park Primary School",
            "Inner London",
            "ECF mentor training backfill",
            "Autumn term 2023 to 2024",
            "1",
            "6",
            "53.5900",
            "321.54",
        ],
        [
            str(schools[2].urn),
            "Coombe Wood School",
            "Outer London",
            "ECF mentor training backfill",
            "Autumn term 2023 to 2024",
            "1",
            "6",
            "48.2539",
            "289.52",
        ],
    ]


def test_the_page_offers_the_contract_periods_years_and_the_terms(client, schools):
    client.force_login(staff_in("finance"))
    page = client.get(PAGE).content.decode()
    assert '<h1 class="govuk-heading-l">Mentor grant for schools</h1>' in page
    assert f'action="{CSV}"' in page and 'method="get"' in page
    assert "2023 to 2024" in page and "2022 to 2023" in page
    assert "Autumn term" in page and "The whole year" in page
    assert 'class="govuk-back-link"' in page


def test_a_download_without_a_year_and_term_shows_the_page_with_the_errors(client, db):
    ContractPeriodFactory(year=2023)
    client.force_login(staff_in("finance"))
    response = client.get(CSV, {"year": "1999"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select one of the academic years listed" in page
    assert "Select the term" in page
    assert "<title>Error: " in page


@pytest.mark.parametrize("path", [PAGE, f"{CSV}?year=2023&term=autumn"])
def test_only_finance_staff_may_see_the_grant(client, db, path):
    ContractPeriodFactory(year=2023)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")

    for someone in (staff_in("support"), UserFactory(is_staff=True), UserFactory(is_staff=False)):
        client.force_login(someone)
        assert client.get(path).status_code == 403

    client.force_login(staff_in("finance"))
    assert client.get(path).status_code == 200
