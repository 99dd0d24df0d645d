"""Every list of the lead provider API takes as many queries for a page of many rows, with long
histories behind each, as for a page of a few: counted with four participants of Ambition's (one
of each kind of history below), then again with twelve more and more behind each (more schools,
partnerships, delivery partners, statements and declarations too).

The kinds of history (tests/histories.py), each at a school of its own in partnership with
Ambition through a delivery partner of its own: staying put; arriving from a school where Teach
First trained them and declared them started; arriving from a school where Ambition trained them
last year, then leaving the school with nowhere to go yet; and deferred. Every ECT has had several
training periods, mentors, induction periods and retired API ids; Ambition has declared most of
them and their mentors started, and voided some."""

import datetime

import pytest

from api import listing
from finance import services as finance
from participants.models import ECTAtSchoolPeriod
from schools.models import SchoolAccess, SchoolRole
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    ContractPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    UserFactory,
)
from tests.histories import declare_started, ect_with_history
from tests.query_counts import assert_same_number, queries_during, queries_of

pytestmark = pytest.mark.django_db

EVERYTHING = {"page[per_page]": "3000"}
COHORT = {"filter[cohort]": str(THIS_YEAR)}
LONG_AGO = {"filter[updated_since]": f"{THIS_YEAR - 2}-01-01T00:00:00Z"}

LISTS = [
    ("/api/v3/participants", {}),
    ("/api/v3/participants/ecf", {}),
    ("/api/v3/participants", {**COHORT, "filter[training_status]": "active", "sort": "-updated_at"}),
    ("/api/v3/participants/transfers", {}),
    ("/api/v3/participants/ecf/transfers", {}),
    ("/api/v3/participants/changes", {}),
    ("/api/v3/partnerships", {}),
    ("/api/v3/partnerships/ecf", {}),
    ("/api/v3/schools", COHORT),
    ("/api/v3/schools/ecf", COHORT),
    ("/api/v3/delivery-partners", {}),
    ("/api/v3/participant-declarations", {}),
    ("/api/v3/participant-declarations", COHORT),
    ("/api/v3/statements", {}),
    ("/api/v3/unfunded-mentors", {}),
    ("/api/v3/unfunded-mentors/ecf", {}),
]
# The two lists read from a copy kept per provider (api.listing), also as they answer while the
# copy is too far behind to catch up in the request: built from the periods and declarations.
FROM_THE_COPY = [
    ("/api/v3/participants", {}),
    ("/api/v3/participants", LONG_AGO),
    ("/api/v3/participants", {**COHORT, "filter[training_status]": "deferred"}),
    ("/api/v3/participant-declarations", {}),
    ("/api/v3/participant-declarations", LONG_AGO),
]


class World:
    """Ambition this year and last, Teach First this year, each with statements to declare on."""

    def __init__(self, ambition_this_year):
        self.ambition = ambition_this_year
        self.lead_provider = ambition_this_year.lead_provider
        last_year = ContractPeriodFactory(year=THIS_YEAR - 1)
        self.ambition_last_year = ActiveLeadProviderFactory(
            lead_provider=self.lead_provider, contract_period=last_year
        )
        self.teach_first = ActiveLeadProviderFactory(
            lead_provider__name="Teach First", contract_period=ambition_this_year.contract_period
        )
        finance.add_statements(self.ambition, months=12)
        finance.add_statements(self.teach_first)
        self.made = 0

    def partnership(self, active_lead_provider):
        """A partnership with a school of its own (with an induction tutor), through a delivery
        partner of its own."""
        school = SchoolFactory()
        SchoolAccess.objects.create(user=UserFactory(), school=school, role=SchoolRole.INDUCTION_TUTOR)
        return SchoolPartnershipFactory(
            school=school,
            lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
                active_lead_provider=active_lead_provider
            ),
        )

    def add(self, count: int, *, depth: int) -> None:
        """`count` more ECTs of Ambition's, the kinds of history by turns."""
        for _ in range(count):
            kind, self.made = self.made % 4, self.made + 1
            partnership = self.partnership(self.ambition)
            if kind == 0:
                ect_with_history(
                    school=partnership.school,
                    partnership=partnership,
                    depth=depth,
                    declared_by=self.lead_provider,
                )
            elif kind == 1:
                history = ect_with_history(
                    school=partnership.school,
                    partnership=partnership,
                    depth=depth,
                    came_from=self.partnership(self.teach_first),
                )
                declare_started(
                    self.teach_first.lead_provider,
                    history.ect.teacher,
                    "ecf-induction",
                    on=datetime.datetime(THIS_YEAR, 9, 5, 9, tzinfo=datetime.UTC),
                )
            elif kind == 2:
                ect_with_history(
                    school=partnership.school,
                    partnership=partnership,
                    depth=depth,
                    came_from=self.partnership(self.ambition_last_year),
                    leaves_on=datetime.date(THIS_YEAR, 11, 10),
                    declared_by=self.lead_provider,
                )
            else:
                ect_with_history(
                    school=partnership.school,
                    partnership=partnership,
                    depth=depth,
                    deferred=True,
                    declared_by=self.lead_provider,
                )

    def grow(self) -> None:
        """From four ECTs to sixteen, those added with longer histories; more statements."""
        self.add(12, depth=3)
        finance.add_statements(self.ambition, months=36)
        finance.add_statements(self.ambition_last_year)


@pytest.fixture
def world(ambition_this_year):
    return World(ambition_this_year)


def rows_in(response) -> int:
    assert response.status_code == 200, response.content
    return len(response.json()["data"])


def counted(api, path, params) -> tuple[list[str], int]:
    queries, response = queries_of(lambda: api.get(path, {**params, **EVERYTHING}))
    return queries, rows_in(response)


CASES = [(path, params, False) for path, params in LISTS] + [
    (path, params, True) for path, params in FROM_THE_COPY
]


@pytest.mark.parametrize(("path", "params", "from_the_periods"), CASES)
def test_a_list_takes_the_same_queries_however_many_rows(
    api, world, monkeypatch, path, params, from_the_periods
):
    if from_the_periods:
        monkeypatch.setattr(listing, "catch_up", lambda **_: False)
    world.add(4, depth=2)
    few, few_rows = counted(api, path, params)
    world.grow()
    many, many_rows = counted(api, path, params)
    assert 0 < few_rows < many_rows
    assert_same_number(
        few, many, f"GET {path} {params}" + (", built from the periods" if from_the_periods else "")
    )


@pytest.mark.parametrize("path", ["/api/v3/participants", "/api/v3/participant-declarations"])
def test_catching_up_takes_the_same_queries_however_many_participants_changed(api, world, path):
    """The request that brings the copy up to date writes every changed participant again: as
    many queries for four as for twelve with longer histories."""

    def first_request_after_changes():
        api.get("/api/v3/statements")  # the token's last use, written at most once a minute
        queries, response = queries_during(lambda: api.get(path, EVERYTHING))
        return queries, rows_in(response)

    listing.build(lead_provider=world.lead_provider)
    world.add(4, depth=2)
    few, few_rows = first_request_after_changes()
    world.add(12, depth=3)
    many, many_rows = first_request_after_changes()
    assert 0 < few_rows < many_rows
    assert_same_number(few, many, f"GET {path} catching up")


def test_the_histories_are_what_the_lists_are_checked_with(api, world):
    """Each kind of history shows where it should: a move of each kind, deferred and left."""
    world.add(4, depth=2)
    transfers = api.get("/api/v3/participants/transfers", EVERYTHING).json()["data"]
    kinds = sorted(t["transfer_type"] for row in transfers for t in row["attributes"]["transfers"])
    # The ECTs and the mentors they started with who came from elsewhere; the ECT who left.
    assert kinds == ["new_provider", "new_provider", "new_school", "new_school", "unknown"]
    statuses = [
        e["training_status"]
        for row in api.get("/api/v3/participants", EVERYTHING).json()["data"]
        for e in row["attributes"]["ecf_enrolments"]
    ]
    assert statuses.count("deferred") == 1
    assert ECTAtSchoolPeriod.objects.filter(finished_on__isnull=False).count() == 3
    assert rows_in(api.get("/api/v3/unfunded-mentors", EVERYTHING)) == 4
