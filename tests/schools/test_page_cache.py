"""The school's pages kept in the cache (issue 19, decision 0046): a year of its dashboard and each
ECT's and mentor's page. The database moves a school's page version with every write its pages
show (schools migration 0010), so a cached page is never older than the data."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from core import clock
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
from schools import queries, services
from schools.models import (
    PageVersionEpoch,
    ReferencePageChange,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolPageChange,
    SchoolRole,
)
from tests.dates import THIS_YEAR
from tests.factories import (
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    MentorshipPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


@pytest.fixture
def this_year():
    return ContractPeriodFactory(year=THIS_YEAR)


def populated_school(this_year, name: str) -> dict:
    """A school set up provider-led this year, with an ECT trained through its partnership, a
    mentor mentoring them, an induction period, and an induction tutor."""
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    school = SchoolFactory(name=name)
    SchoolAccess.objects.create(user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR)
    pairing = LeadProviderDeliveryPartnershipFactory(active_lead_provider__contract_period=this_year)
    services.set_up_training(
        school=school,
        contract_period=this_year,
        set_up_by=tutor,
        expects_ects="yes",
        programme="provider_led",
        lead_provider=pairing.active_lead_provider.lead_provider,
        appropriate_body=AppropriateBodyFactory(),
    )
    partnership = SchoolPartnershipFactory(school=school, lead_provider_delivery_partnership=pairing)
    ect = ECTAtSchoolPeriodFactory(school=school, started_on=THIS_SEPTEMBER)
    training = TrainingPeriodFactory(ect_at_school_period=ect, school_partnership=partnership)
    mentor = MentorAtSchoolPeriodFactory(school=school, started_on=THIS_SEPTEMBER)
    mentorship = MentorshipPeriodFactory(mentee=ect, mentor=mentor)
    induction = InductionPeriodFactory(teacher=ect.teacher, started_on=THIS_SEPTEMBER)
    return {
        "tutor": tutor,
        "school": school,
        "pairing": pairing,
        "partnership": partnership,
        "ect": ect,
        "training": training,
        "mentor": mentor,
        "mentorship": mentorship,
        "induction": induction,
        "choice": SchoolContractPeriodChoice.objects.get(school=school, contract_period=this_year),
    }


@pytest.fixture
def ours(this_year):
    return populated_school(this_year, "Quillfeather Primary School")


@pytest.fixture
def theirs(this_year):
    return populated_school(this_year, "Brambleside Academy")


def version(school: School) -> str:
    return queries.page_version(school.pk)


def school_version(school: School) -> str:
    """The school's own part of its version (after the epoch and the reference version)."""
    return version(school).split(".")[2]


def reference_version(school: School) -> str:
    return version(school).split(".")[1]


# Each write through the ORM, by save() and by a queryset's update(), to a row the school's page
# shows: (name, the write, given the school's objects).
SCHOOL_WRITES = {
    "ECT period saved": lambda o: _save(o["ect"], email="new.ect@example.com"),
    "ECT period updated": lambda o: ECTAtSchoolPeriod.objects.filter(pk=o["ect"].pk).update(
        email="other.ect@example.com"
    ),
    "ECT registered": lambda o: ECTAtSchoolPeriodFactory(school=o["school"], started_on=THIS_SEPTEMBER),
    "ECT period deleted": lambda o: ECTAtSchoolPeriodFactory(school=o["school"]).delete(),
    "mentor period saved": lambda o: _save(o["mentor"], email="new.mentor@example.com"),
    "mentor period updated": lambda o: MentorAtSchoolPeriod.objects.filter(pk=o["mentor"].pk).update(
        email="other.mentor@example.com"
    ),
    "training period saved": lambda o: _save(
        o["training"], withdrawn_at=clock.now(), withdrawal_reason="moved"
    ),
    "training period updated": lambda o: TrainingPeriod.objects.filter(pk=o["training"].pk).update(
        deferred_at=clock.now(), deferral_reason="other"
    ),
    "mentorship saved": lambda o: _save(
        o["mentorship"], started_on=THIS_SEPTEMBER + datetime.timedelta(days=1)
    ),
    "mentorship updated": lambda o: MentorshipPeriod.objects.filter(pk=o["mentorship"].pk).update(
        started_on=THIS_SEPTEMBER + datetime.timedelta(days=2)
    ),
    "mentorship deleted": lambda o: MentorshipPeriod.objects.filter(pk=o["mentorship"].pk).delete(),
    "teacher's name corrected": lambda o: _save(o["ect"].teacher, corrected_name="Ada Lovelace"),
    "teacher updated": lambda o: Teacher.objects.filter(pk=o["mentor"].teacher_id).update(
        trs_last_name="Byron"
    ),
    "induction outcome saved": lambda o: _save(
        o["induction"], finished_on=THIS_SEPTEMBER, number_of_terms=1, outcome="pass"
    ),
    "induction period updated": lambda o: InductionPeriod.objects.filter(pk=o["induction"].pk).update(
        started_on=THIS_SEPTEMBER + datetime.timedelta(days=1)
    ),
    "choice saved": lambda o: _save(o["choice"], programme="school_led", lead_provider=None),
    "choice updated": lambda o: SchoolContractPeriodChoice.objects.filter(pk=o["choice"].pk).update(
        appropriate_body=AppropriateBodyFactory()
    ),
    "partnership created": lambda o: SchoolPartnershipFactory(
        school=o["school"],
        lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=o["pairing"].active_lead_provider
        ),
    ),
    "partnership updated": lambda o: SchoolPartnership.objects.filter(pk=o["partnership"].pk).update(
        lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=o["pairing"].active_lead_provider
        )
    ),
    "colleague given access": lambda o: SchoolAccess.objects.create(
        school=o["school"], user=UserFactory(), role=SchoolRole.COLLEAGUE
    ),
    "access ended": lambda o: SchoolAccess.objects.filter(school=o["school"]).update(ended_at=clock.now()),
    "tutor's name saved": lambda o: _save(o["tutor"], full_name="Grace Hopper"),
    "tutor's email updated": lambda o: User.objects.filter(pk=o["tutor"].pk).update(
        email="grace@example.com"
    ),
    "school renamed": lambda o: _save(o["school"], name="Quillfeather Primary"),
    "school updated": lambda o: School.objects.filter(pk=o["school"].pk).update(urn=999999),
}


def _save(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


@pytest.mark.parametrize("write", SCHOOL_WRITES.values(), ids=SCHOOL_WRITES.keys())
def test_a_write_a_page_shows_moves_that_schools_version_only(write, ours, theirs):
    before, others_before = version(ours["school"]), version(theirs["school"])
    write(ours)
    assert school_version(ours["school"]) != before.split(".")[2]
    assert version(theirs["school"]) == others_before


NOT_SHOWN = {
    # Stamps: the API's change record stamps the teacher on every change to them.
    "teacher's API stamp": lambda o: Teacher.objects.filter(pk=o["ect"].teacher_id).update(
        api_updated_at=clock.now()
    ),
    "tutor signs in": lambda o: User.objects.filter(pk=o["tutor"].pk).update(last_login=clock.now()),
    "school saved unchanged": lambda o: School.objects.get(pk=o["school"].pk).save(),
    "teacher saved unchanged": lambda o: Teacher.objects.get(pk=o["ect"].teacher_id).save(),
}


@pytest.mark.parametrize("write", NOT_SHOWN.values(), ids=NOT_SHOWN.keys())
def test_a_write_no_page_shows_moves_no_version(write, ours):
    before = version(ours["school"])
    write(ours)
    assert version(ours["school"]) == before


REFERENCE_WRITES = {
    "lead provider renamed": lambda o: _save(
        o["pairing"].active_lead_provider.lead_provider, name="Renamed LP"
    ),
    "lead provider updated": lambda o: LeadProvider.objects.filter(
        pk=o["pairing"].active_lead_provider.lead_provider_id
    ).update(name="Updated LP"),
    "delivery partner renamed": lambda o: _save(o["pairing"].delivery_partner, name="Renamed DP"),
    "delivery partner updated": lambda o: DeliveryPartner.objects.filter(
        pk=o["pairing"].delivery_partner_id
    ).update(name="Updated DP"),
    "appropriate body renamed": lambda o: AppropriateBody.objects.filter(
        pk=o["choice"].appropriate_body_id
    ).update(name="Updated AB"),
    "contract period closed": lambda o: ContractPeriod.objects.filter(year=THIS_YEAR).update(enabled=False),
    "contract period added": lambda o: ContractPeriodFactory(year=THIS_YEAR + 1),
    "lead provider's year moved": lambda o: ActiveLeadProvider.objects.filter(
        pk=o["pairing"].active_lead_provider_id
    ).update(lead_provider=LeadProvider.objects.create(name="Another LP")),
    "pairing's delivery partner changed": lambda o: LeadProviderDeliveryPartnership.objects.filter(
        pk=o["pairing"].pk
    ).update(delivery_partner=DeliveryPartner.objects.create(name="Another DP")),
}


@pytest.mark.parametrize("write", REFERENCE_WRITES.values(), ids=REFERENCE_WRITES.keys())
def test_a_write_to_reference_data_moves_every_schools_version(write, ours, theirs):
    before, others_before = version(ours["school"]), version(theirs["school"])
    write(ours)
    assert reference_version(ours["school"]) != before.split(".")[1]
    assert version(theirs["school"]) != others_before


def test_a_bulk_load_moves_every_schools_version(ours, theirs):
    before = version(theirs["school"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL participants.bulk_load = 'on'")
        ECTAtSchoolPeriodFactory(school=ours["school"], started_on=THIS_SEPTEMBER)
        cursor.execute("SET LOCAL participants.bulk_load = 'off'")
    assert version(theirs["school"]) != before


# --- The page --------------------------------------------------------------------------------


def year_url(school, *, mentors=False, **query):
    url = reverse(
        "school_year_mentors" if mentors else "school_year", kwargs={"urn": school.urn, "year": THIS_YEAR}
    )
    return url


def page(client, school, **kwargs) -> str:
    response = client.get(year_url(school, mentors=kwargs.pop("mentors", False)), kwargs)
    assert response.status_code == 200
    # The layout's CSRF token is masked afresh for each request.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
YEAR_PAGE_VARIANTS = [{}, {"mentors": True}, {"status": "training"}, {"page": "2"}, {"status": "", "q": ""}]


def test_the_cached_page_is_the_page_rendered(client, ours, settings):
    client.force_login(ours["tutor"])
    cached = []
    for kwargs in YEAR_PAGE_VARIANTS:
        first = page(client, ours["school"], **kwargs)  # rendered and kept
        cached.append(page(client, ours["school"], **kwargs))  # from the cache
        assert cached[-1] == first
    settings.CACHES = NO_CACHE
    assert [page(client, ours["school"], **kwargs) for kwargs in YEAR_PAGE_VARIANTS] == cached


@pytest.mark.parametrize(
    "query",
    [
        "q=Lovelace",
        "status=training&status=left",
        "status=nonsense",
        "page=100",
        "utm_source=email",
        "page=%32",
    ],
)
def test_a_variant_not_worth_keeping_is_rendered_afresh(client, ours, query):
    """A search, or anything but the page's own filters and page numbers as its links spell them,
    is not kept: no one can fill the cache with pages no one else asks for."""
    client.force_login(ours["tutor"])
    url = f"{year_url(ours['school'])}?{query}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert any("participants_ectatschoolperiod" in query["sql"] for query in captured)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=2",
        "status=training",
        "status=training&page=2",
        "status=training&q=",
        "status=&q=&page=1",
        "status=training&q=&page=9",
    ],
)
def test_a_variant_the_pages_links_make_is_read_from_the_cache(client, ours, query):
    client.force_login(ours["tutor"])
    url = f"{year_url(ours['school'])}?{query}"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert not any("participants_ectatschoolperiod" in query["sql"] for query in captured)


def test_no_page_is_kept_without_the_databases_epoch(client, ours):
    """An epoch removed by hand (a table emptied): versions could repeat, so nothing is kept."""
    PageVersionEpoch.objects.all().delete()
    client.force_login(ours["tutor"])
    first = page(client, ours["school"])
    _save(ours["ect"].teacher, corrected_name="Ada Lovelace")
    assert first != page(client, ours["school"])
    assert "Ada Lovelace" in page(client, ours["school"])


def record_a_pass(o):
    """The appropriate body records the ECT's induction passed, a month in."""
    _save(
        o["induction"],
        finished_on=THIS_SEPTEMBER + datetime.timedelta(days=30),
        number_of_terms=1,
        outcome="pass",
    )


def assign_emmy_noether(o):
    """The ECT's mentorship given to a new mentor, Emmy Noether."""
    MentorshipPeriod.objects.filter(pk=o["mentorship"].pk).update(
        mentor=MentorAtSchoolPeriodFactory(
            school=o["school"],
            started_on=THIS_SEPTEMBER,
            teacher=TeacherFactory(trs_first_name="Emmy", trs_last_name="Noether"),
        )
    )


CHANGES_SHOWN = {
    "an ECT's name corrected": (
        lambda o: _save(o["ect"].teacher, corrected_name="Ada Lovelace"),
        "Ada Lovelace",
    ),
    "a new ECT registered": (
        lambda o: ECTAtSchoolPeriodFactory(
            school=o["school"],
            started_on=THIS_SEPTEMBER,
            teacher=TeacherFactory(trs_first_name="Mary", trs_last_name="Somerville"),
        ),
        "Mary Somerville",
    ),
    "an appropriate body records a pass": (
        record_a_pass,
        'govuk-tag--blue">Completed induction',
    ),
    "a mentor assigned": (
        assign_emmy_noether,
        "Emmy Noether",
    ),
    "the school's choice changed": (
        lambda o: SchoolContractPeriodChoice.objects.filter(pk=o["choice"].pk).update(
            programme="school_led", lead_provider=None
        ),
        "Your own programme",
    ),
    "a delivery partner renamed": (
        lambda o: DeliveryPartner.objects.filter(pk=o["pairing"].delivery_partner_id).update(
            name="Hilbert Hub"
        ),
        "Hilbert Hub",
    ),
    "the tutor's name corrected": (lambda o: _save(o["tutor"], full_name="Grace Hopper"), "Grace Hopper"),
}


@pytest.mark.parametrize("change", CHANGES_SHOWN.values(), ids=CHANGES_SHOWN.keys())
def test_the_page_shows_a_change_made_after_it_was_cached(client, ours, change):
    write, shown = change
    client.force_login(ours["tutor"])
    page(client, ours["school"])
    cached = page(client, ours["school"])
    assert shown not in cached
    write(ours)
    assert shown in page(client, ours["school"])


def test_a_cache_hit_costs_a_few_queries_however_many_people(client, ours, theirs):
    def queries_on_a_hit(school) -> int:
        page(client, school)
        with CaptureQueriesContext(connection) as captured:
            page(client, school)
        return len(captured)

    for _ in range(30):
        ECTAtSchoolPeriodFactory(school=theirs["school"], started_on=THIS_SEPTEMBER)
    SchoolAccess.objects.create(user=ours["tutor"], school=theirs["school"], role=SchoolRole.COLLEAGUE)
    client.force_login(ours["tutor"])
    # Session and user, the school's access check, the versions, the tutor's other schools.
    assert queries_on_a_hit(ours["school"]) == queries_on_a_hit(theirs["school"]) <= 5


# --- The school's home: where it leads ----------------------------------------------------------


def home(client, school) -> str:
    response = client.get(reverse("school_home", kwargs={"urn": school.urn}))
    assert response.status_code == 302
    return response["Location"]


def test_the_home_leads_where_it_did_before_it_was_kept_and_follows_a_change(client, ours, this_year):
    """Where the home leads is kept under the school's version: a change to the contract periods
    (reference data) sends it to set up next year at once, and setting that year up to the year."""
    next_year = ContractPeriodFactory(year=THIS_YEAR + 1)
    client.force_login(ours["tutor"])
    assert home(client, ours["school"]) == year_url(ours["school"])
    with CaptureQueriesContext(connection) as captured:
        assert home(client, ours["school"]) == year_url(ours["school"])
    assert not any("providers_contractperiod" in query["sql"] for query in captured)

    # This year closed to registrations (say, by mistake): next year is the one registering now.
    ContractPeriod.objects.filter(pk=this_year.pk).update(enabled=False)
    set_up = reverse("set_up_start", kwargs={"urn": ours["school"].urn, "year": THIS_YEAR + 1})
    assert home(client, ours["school"]) == set_up
    assert home(client, ours["school"]) == set_up

    services.set_up_training(
        school=ours["school"],
        contract_period=next_year,
        set_up_by=ours["tutor"],
        expects_ects="no",
        programme="school_led",
        lead_provider=None,
        appropriate_body=AppropriateBodyFactory(),
    )
    assert home(client, ours["school"]) == reverse(
        "school_year", kwargs={"urn": ours["school"].urn, "year": THIS_YEAR + 1}
    )


def test_a_home_kept_for_one_school_leads_another_by_its_own_data(client, ours, theirs):
    SchoolAccess.objects.create(user=ours["tutor"], school=theirs["school"], role=SchoolRole.COLLEAGUE)
    client.force_login(ours["tutor"])
    assert home(client, ours["school"]) == year_url(ours["school"])
    assert home(client, theirs["school"]) == year_url(theirs["school"])


# --- An ECT's and a mentor's page ---------------------------------------------------------------


def person_page(client, school, period, role: str = "ect", *, status: int = 200) -> str:
    response = client.get(reverse(f"{role}_page", kwargs={"urn": school.urn, "period_id": period.pk}))
    assert response.status_code == status
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_persons_cached_page_is_the_page_rendered(client, ours, settings):
    client.force_login(ours["tutor"])
    people = [("ect", ours["ect"]), ("mentor", ours["mentor"])]
    cached = []
    for role, period in people:
        first = person_page(client, ours["school"], period, role)
        cached.append(person_page(client, ours["school"], period, role))
        assert cached[-1] == first
        assert period.teacher.trn in first
    settings.CACHES = NO_CACHE
    assert [person_page(client, ours["school"], period, role) for role, period in people] == cached


PERSON_CHANGES_SHOWN = {
    "their name corrected": (
        "ect",
        lambda o: _save(o["ect"].teacher, corrected_name="Ada Lovelace"),
        "Ada Lovelace",
    ),
    "their email changed": ("ect", lambda o: _save(o["ect"], email="ada@example.com"), "ada@example.com"),
    "a mentor assigned": (
        "ect",
        assign_emmy_noether,
        "Emmy Noether",
    ),
    "their mentor's name corrected": (
        "ect",
        lambda o: _save(o["mentor"].teacher, corrected_name="Sophie Germain"),
        "Sophie Germain",
    ),
    "an appropriate body records a pass": (
        "ect",
        record_a_pass,
        'govuk-tag--blue">Completed induction',
    ),
    "their delivery partner renamed": (
        "ect",
        lambda o: DeliveryPartner.objects.filter(pk=o["pairing"].delivery_partner_id).update(
            name="Hilbert Hub"
        ),
        "Hilbert Hub",
    ),
    "a mentee's name corrected": (
        "mentor",
        lambda o: _save(o["ect"].teacher, corrected_name="Mary Somerville"),
        "Mary Somerville",
    ),
}


@pytest.mark.parametrize("change", PERSON_CHANGES_SHOWN.values(), ids=PERSON_CHANGES_SHOWN.keys())
def test_a_persons_page_shows_a_change_made_after_it_was_cached(client, ours, change):
    role, write, shown = change
    client.force_login(ours["tutor"])
    person_page(client, ours["school"], ours[role], role)
    assert shown not in person_page(client, ours["school"], ours[role], role)
    write(ours)
    assert shown in person_page(client, ours["school"], ours[role], role)


def test_a_person_kept_in_the_cache_for_their_school_is_not_found_at_another(client, ours, theirs):
    client.force_login(ours["tutor"])
    person_page(client, ours["school"], ours["ect"])
    SchoolAccess.objects.create(user=ours["tutor"], school=theirs["school"], role=SchoolRole.COLLEAGUE)
    person_page(client, theirs["school"], ours["ect"], status=404)


def test_a_person_whose_period_is_gone_is_not_found_though_their_page_was_kept(client, ours):
    client.force_login(ours["tutor"])
    person_page(client, ours["school"], ours["ect"])
    TrainingPeriod.objects.filter(ect_at_school_period=ours["ect"]).delete()
    MentorshipPeriod.objects.filter(mentee=ours["ect"]).delete()
    ECTAtSchoolPeriod.objects.filter(pk=ours["ect"].pk).delete()
    person_page(client, ours["school"], ours["ect"], status=404)


def test_a_persons_page_from_the_cache_costs_a_few_queries_however_many_mentees(client, ours, theirs):
    def queries_on_a_hit(school, mentor) -> int:
        person_page(client, school, mentor, "mentor")
        with CaptureQueriesContext(connection) as captured:
            person_page(client, school, mentor, "mentor")
        return len(captured)

    for _ in range(20):
        mentee = ECTAtSchoolPeriodFactory(school=theirs["school"], started_on=THIS_SEPTEMBER)
        MentorshipPeriodFactory(mentee=mentee, mentor=theirs["mentor"])
    SchoolAccess.objects.create(user=ours["tutor"], school=theirs["school"], role=SchoolRole.COLLEAGUE)
    client.force_login(ours["tutor"])
    # Session and user, the school's access check, the versions.
    assert (
        queries_on_a_hit(ours["school"], ours["mentor"])
        == queries_on_a_hit(theirs["school"], theirs["mentor"])
        <= 4
    )


def test_collapsing_the_recorded_changes_keeps_every_version(ours, theirs):
    for name in ("Ada", "Grace", "Hedy"):
        _save(ours["ect"].teacher, corrected_name=name)
    for name in ("Renamed Institute", "Renamed Again"):
        LeadProvider.objects.filter(pk=ours["pairing"].active_lead_provider.lead_provider_id).update(
            name=name
        )
    before = {school: version(school) for school in (ours["school"], theirs["school"])}
    assert SchoolPageChange.objects.filter(school_id=ours["school"].pk).count() > 1
    assert ReferencePageChange.objects.count() > 1
    services.collapse_page_changes()
    assert {school: version(school) for school in before} == before
    assert SchoolPageChange.objects.filter(school_id=ours["school"].pk).count() == 1
    assert ReferencePageChange.objects.count() == 1
    _save(ours["ect"].teacher, corrected_name="Mary")
    assert version(ours["school"]) != before[ours["school"]]
    assert version(theirs["school"]) == before[theirs["school"]]


def test_beat_collapses_the_recorded_changes_every_hour(settings):
    assert settings.CELERY_BEAT_SCHEDULE["collapse-school-page-changes"] == {
        "task": "schools.tasks.collapse_school_page_changes",
        "schedule": 3600.0,
    }


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def test_the_reference_datas_changes_have_a_table_of_their_own(ours, theirs):
    """Every cached page reads the version. The reference data's changes were rows with no school,
    summed on each read: with statistics gathered when those rows were all the table held,
    PostgreSQL read the whole table for the sum (0.7 ms a page on the England seed, and growing)."""
    before = {school: version(school) for school in (ours["school"], theirs["school"])}
    counted = ReferencePageChange.objects.aggregate(changes=Sum("changes"))["changes"]
    lead_provider = LeadProvider.objects.filter(pk=ours["pairing"].active_lead_provider.lead_provider_id)
    lead_provider.update(name="Renamed Institute")
    lead_provider.update(name="Renamed Again")
    assert ReferencePageChange.objects.aggregate(changes=Sum("changes"))["changes"] == counted + 2
    for school, was in before.items():
        assert version(school) != was
        assert version(school).split(".")[1] == str(counted + 2)
    # However stale the statistics, no school's changes are read for the reference data's sum.
    SchoolPageChange.objects.bulk_create(
        [SchoolPageChange(school_id=theirs["school"].pk) for _ in range(500)]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE schools_schoolpagechange")
        cursor.execute("EXPLAIN (FORMAT JSON) " + queries.PAGE_VERSION_SQL, [ours["school"].pk])
        [plan] = cursor.fetchone()[0]
    assert not [
        node
        for node in plan_nodes(plan["Plan"])
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] == "schools_schoolpagechange"
    ]


def test_the_version_and_the_year_pages_sql_is_planned_once_per_connection(client, ours):
    """Hand-written SQL on every cached page (the version) and on each one drawn (the school's
    years, its set-up) is prepared: PostgreSQL planned the years' query in 1-4 ms a time."""
    client.force_login(ours["tutor"])
    assert (
        client.get(reverse("school_year", kwargs={"urn": ours["school"].urn, "year": THIS_YEAR})).status_code
        == 200
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = " ".join(row[0] for row in cursor.fetchall())
    assert "FROM schools_schoolpagechange WHERE school_id = $1" in prepared
    assert "FROM providers_contractperiod cp" in prepared
    assert "FROM schools_schoolcontractperiodchoice choice" in prepared
