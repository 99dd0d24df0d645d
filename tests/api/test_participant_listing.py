"""The participant listing (api.listing) answers GET /api/v3/participants with the very bytes the
serialiser writes from the periods themselves (api.views.participants_page), whatever happened
before: random histories of schools registering, moving and pairing people, providers confirming
partnerships and withdrawing, deferring and resuming training, support correcting names and URNs
and retiring ids, and the calendar moving on, with every filter, sort and page compared after
them; the copy kept change by change is the copy built from nothing; and it stays exact when
readers and writers overlap."""

import datetime
import threading
import uuid
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note_outcome
from hypothesis import strategies as st

from api import listing, views
from api import queries as api_queries
from api.models import DeclarationListing, ParticipantListing
from core import clock
from core.refusals import AttributeProblems
from finance import services as finance_services
from finance.models import Declaration
from participants import services
from participants.models import (
    ECTAtSchoolPeriod,
    MentorAtSchoolPeriod,
    Teacher,
    TeacherIdChange,
    TrainingPeriod,
)
from participants.services import provider_actions
from providers import services as provider_services
from providers.models import ContractPeriod, LeadProviderDeliveryPartnership, SchoolPartnership
from schools.models import School
from tests.api.conftest import THIS_SEPTEMBER, api_for
from tests.dates import THIS_YEAR, moment
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TrainingPeriodFactory,
    UserFactory,
)
from tests.finance.helpers import add_contract
from tests.participants.test_random_histories import TODAY, World, nth, take, teacher_record
from tests.participants.test_random_histories import steps as school_steps

pytestmark = pytest.mark.django_db

LIST = "/api/v3/participants"
COURSES = {True: "ecf-induction", False: "ecf-mentor"}


@pytest.fixture
def world(service_clock):
    year = ContractPeriodFactory(year=THIS_YEAR, enabled=True)
    providers = [ActiveLeadProviderFactory(contract_period=year) for _ in range(2)]
    pairings = [
        LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=active, delivery_partner=DeliveryPartnerFactory()
        )
        for active in providers
    ]
    schools = [SchoolFactory(name=f"School {n}") for n in range(3)]
    # Schools 0 and 1 are in partnership with providers 0 and 1; school 2 with nobody yet, so
    # training with a provider there rests on its expression of interest until one confirms.
    SchoolPartnershipFactory(school=schools[0], lead_provider_delivery_partnership=pairings[0])
    SchoolPartnershipFactory(school=schools[1], lead_provider_delivery_partnership=pairings[1])
    for active in providers:
        finance_services.add_statements(active, months=24)
        add_contract(active)
    service_clock.move_to(moment(TODAY))
    return World(
        schools=schools,
        lead_providers=[active.lead_provider for active in providers],
        appropriate_body=AppropriateBodyFactory(),
        tutor=UserFactory(),
    )


provider = st.integers(0, 1)
pick = st.integers(0, 1000)

steps = st.one_of(
    school_steps,
    st.tuples(
        st.just("provider action"),
        st.sampled_from(["withdraw", "defer", "resume"]),
        provider,
        pick,
        st.sampled_from(["ecf-induction", "ecf-mentor"]),
    ),
    st.tuples(st.just("confirm partnership"), st.integers(0, 2), provider),
    st.tuples(st.just("correct name"), pick),
    st.tuples(st.just("new delivery partner"), provider),
    st.tuples(st.just("new URN"), st.integers(0, 2)),
    st.tuples(st.just("retire id"), pick),
    st.tuples(st.just("days pass"), st.integers(1, 75)),
    st.tuples(
        st.just("declare"),
        provider,
        pick,
        st.sampled_from(["ecf-induction", "ecf-mentor"]),
        st.sampled_from(["started", "retained-1"]),
        st.integers(0, 40),
    ),
    st.tuples(st.just("void"), pick),
)


# People each provider sees from the start, teacher n the nth: ECTs at the school in partnership
# with it, mentors funded through provider 0 at its school.
registered = st.lists(
    st.tuples(st.integers(0, 1), st.integers(-45, 30), st.booleans(), st.booleans()), min_size=2, max_size=5
)


def registration(n: int, school: int, offset: int, ect: bool, declared: bool) -> tuple:
    if ect:
        return ("register ECT", n, school, offset, f"provider {school}")
    return ("register mentor", n, 0, offset, True)


def declare(lead_provider, teacher, course: str, declaration_type: str, days_in: int) -> None:
    """The provider declares a milestone `days_in` days into its latest training of the teacher
    in the course's role (or now, if that is later than now)."""
    role = "ect" if course == "ecf-induction" else "mentor"
    training = (
        TrainingPeriod.objects.filter(
            api_queries.trained_by(lead_provider), **{f"{role}_at_school_period__teacher": teacher}
        )
        .order_by("-started_on")
        .first()
    )
    if training is not None:
        finance_services.declare(
            lead_provider=lead_provider,
            teacher=teacher,
            course_identifier=course,
            declaration_type=declaration_type,
            declaration_date=min(clock.now(), moment(training.started_on + datetime.timedelta(days=days_in))),
            evidence_type="training-event-attended",
        )


def act(step, world: World, service_clock) -> None:
    kind, *args = step
    if kind == "provider action":
        action, which, who, course = args
        teacher = nth(Teacher.objects.all(), who)
        if teacher is None:
            return
        reasons = {"withdraw": {"reason": "other"}, "defer": {"reason": "other"}, "resume": {}}[action]
        getattr(provider_actions, action)(
            teacher=teacher, lead_provider=world.lead_providers[which], course_identifier=course, **reasons
        )
    elif kind == "confirm partnership":
        where, which = args
        lead_provider = world.lead_providers[which]
        provider_services.confirm_partnership(
            lead_provider=lead_provider,
            school=world.schools[where],
            contract_period=ContractPeriod.objects.get(year=THIS_YEAR),
            delivery_partner=LeadProviderDeliveryPartnership.objects.filter(
                active_lead_provider__lead_provider=lead_provider
            )
            .first()
            .delivery_partner,
        )
    elif kind == "correct name":
        teacher = nth(Teacher.objects.all(), args[0])
        if teacher is not None:
            Teacher.objects.filter(pk=teacher.pk).update(corrected_name=f"Corrected {uuid.uuid4().hex[:6]}")
    elif kind == "new delivery partner":
        pairing = LeadProviderDeliveryPartnership.objects.filter(
            active_lead_provider__lead_provider=world.lead_providers[args[0]]
        ).first()
        LeadProviderDeliveryPartnership.objects.filter(pk=pairing.pk).update(
            delivery_partner=DeliveryPartnerFactory()
        )
    elif kind == "new URN":
        school = world.schools[args[0]]
        School.objects.filter(pk=school.pk).update(urn=School.objects.get(pk=school.pk).urn + 1000)
    elif kind == "retire id":
        teacher = nth(Teacher.objects.all(), args[0])
        if teacher is not None:
            TeacherIdChange.objects.create(teacher=teacher, from_api_id=uuid.uuid4())
    elif kind == "declare":
        which, who, course, declaration_type, days_in = args
        lead_provider = world.lead_providers[which]
        teacher = nth(api_queries.participants(lead_provider), who)  # one it trains
        if teacher is not None:
            declare(lead_provider, teacher, course, declaration_type, days_in)
    elif kind == "void":
        declaration = nth(Declaration.objects.all(), args[0])
        if declaration is not None:
            finance_services.void(declaration=declaration, lead_provider=declaration.lead_provider)
    elif kind == "days pass":
        service_clock.move_to(moment(clock.today() + datetime.timedelta(days=args[0])))
    else:
        take(step, world)


# --- Comparing the two ---------------------------------------------------------------------------------


def from_listing(lead_provider, params: dict) -> bytes:
    filters, page = views.participants_asked(QueryDict(urlencode(params)))
    today = clock.today()
    at = listing.position(lead_provider)
    assert listing.catch_up(lead_provider=lead_provider, at=at, today=today)
    rows = listing.page_rows(lead_provider=lead_provider, filters=filters, page=page, today=today)
    assert rows is not None
    return listing.as_data(rows)


def from_periods(lead_provider, params: dict) -> bytes:
    filters, page = views.participants_asked(QueryDict(urlencode(params)))
    return views.participants_page(lead_provider, filters, page, today=clock.today()).content


def assert_same(lead_provider, params: dict) -> None:
    listed, built = from_listing(lead_provider, params), from_periods(lead_provider, params)
    assert listed == built, params


def declarations_from_listing(lead_provider, params: dict) -> bytes:
    asked = views.declarations_asked(QueryDict(urlencode(params)))
    at = listing.position(lead_provider)
    assert listing.catch_up(lead_provider=lead_provider, at=at, today=clock.today())
    return listing.as_data(listing.declaration_page_rows(lead_provider=lead_provider, **asked))


def declarations_from_themselves(lead_provider, params: dict) -> bytes:
    asked = views.declarations_asked(QueryDict(urlencode(params)))
    return views.declarations_page(lead_provider, asked.pop("page"), **asked).content


def assert_same_declarations(lead_provider, params: dict) -> None:
    listed, read = (
        declarations_from_listing(lead_provider, params),
        declarations_from_themselves(lead_provider, params),
    )
    assert listed == read, params


def every_declarations_query(since: list[str]) -> list[dict]:
    teachers = [str(api_id) for api_id in Teacher.objects.order_by("pk").values_list("api_id", flat=True)[:3]]
    partners = [
        str(api_id)
        for api_id in LeadProviderDeliveryPartnership.objects.values_list(
            "delivery_partner__api_id", flat=True
        )
    ]
    return [
        {},
        {"page[per_page]": "1", "page[page]": "2"},
        {"page[per_page]": "2", "page[page]": "1"},
        {"filter[cohort]": str(THIS_YEAR)},
        {"filter[cohort]": f"{THIS_YEAR - 1}"},
        {"filter[cohort]": "abc"},
        {"filter[participant_id]": ",".join(teachers)},
        {"filter[participant_id]": teachers[0] if teachers else "x"},
        {"filter[delivery_partner_id]": ",".join(partners)},
        {"filter[delivery_partner_id]": partners[0], "filter[cohort]": str(THIS_YEAR)},
        *({"filter[updated_since]": when} for when in since),
    ]


def every_query(since: list[str], from_ids: list[str]) -> list[dict]:
    """Each filter and sort, alone and together, and pages of several sizes."""
    years = [str(THIS_YEAR), str(THIS_YEAR - 1), f"{THIS_YEAR},{THIS_YEAR - 1}", "abc"]
    statuses = ["active", "deferred", "withdrawn", "resting"]
    sorts = [
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
        "updated_at,-created_at",
        "-updated_at,name",
    ]
    queries = [{}, {"page[per_page]": "1", "page[page]": "2"}, {"page[per_page]": "2", "page[page]": "2"}]
    queries += [{"page[per_page]": "3", "page[page]": str(n), "sort": "-updated_at"} for n in (1, 2, 5)]
    queries += [{"sort": sort} for sort in sorts]
    queries += [{"filter[cohort]": year} for year in years]
    queries += [{"filter[training_status]": status} for status in statuses]
    queries += [
        {"filter[cohort]": year, "filter[training_status]": status, "sort": "-created_at"}
        for year in years[:2]
        for status in statuses[:3]
    ]
    queries += [{"filter[updated_since]": when} for when in since]
    queries += [
        {"filter[updated_since]": since[-1], "filter[training_status]": "active", "sort": "-updated_at"},
        {"filter[from_participant_id]": str(uuid.uuid4())},
    ]
    queries += [{"filter[from_participant_id]": from_id} for from_id in from_ids]
    return queries


def db_now() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0].isoformat()


def listing_rows(lead_provider) -> list[tuple]:
    return list(
        ParticipantListing.objects.filter(lead_provider=lead_provider)
        .order_by("teacher")
        .values_list(
            "teacher",
            "created_at",
            "updated_at",
            "cohorts",
            "training_statuses",
            "enrolments",
            "valid_from",
            "valid_until",
            "json",
        )
    )


def declaration_rows(lead_provider) -> list[tuple]:
    return list(
        DeclarationListing.objects.filter(lead_provider=lead_provider)
        .order_by("declaration")
        .values_list(
            "declaration",
            "teacher",
            "created_at",
            "updated_at",
            "cohort",
            "participant_api_id",
            "delivery_partner_api_id",
            "json",
        )
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=registered, history=st.lists(steps, min_size=1, max_size=12))
def test_the_listing_answers_as_the_serialiser_after_any_history(
    world, service_clock, client, start, history
):
    with transaction.atomic():
        service_clock.move_to(moment(TODAY))
        for n, person in enumerate(start):
            act(registration(n, *person), world, service_clock)
        for n, (school, _, ect, declared) in enumerate(start):  # their first milestone, some of them
            if declared:
                teacher = Teacher.objects.get(trn=teacher_record(n).trn)
                try:
                    with transaction.atomic():
                        declare(
                            world.lead_providers[school if ect else 0], teacher, COURSES[ect], "started", 3
                        )
                except AttributeProblems:
                    pass
        since = [db_now()]
        for lead_provider in world.lead_providers:  # kept from here on, change by change
            assert_same(lead_provider, {"page[per_page]": "3000"})
        for step in history:
            since.append(db_now())
            try:
                with transaction.atomic():
                    act(step, world, service_clock)
                note_outcome(f"{step[0]}: done")
            except (services.Refused, AttributeProblems) as refusal:
                note_outcome(
                    f"{step[0]}: {type(refusal).__name__}"
                    + (f" {refusal}"[:90] if step[0] == "declare" else "")
                )
            for lead_provider in world.lead_providers:
                assert_same(lead_provider, {"page[per_page]": "3000"})
                assert_same_declarations(lead_provider, {"page[per_page]": "3000"})
        from_ids = [str(change.from_api_id) for change in TeacherIdChange.objects.all()]
        listed = declarations = 0
        for lead_provider in world.lead_providers:
            for params in every_query(since[-2:] + since[:1], from_ids):
                assert_same(lead_provider, params)
            for params in every_declarations_query(since[-2:] + since[:1]):
                assert_same_declarations(lead_provider, params)
            # The copy kept change by change is the copy built from nothing.
            kept, declared = listing_rows(lead_provider), declaration_rows(lead_provider)
            listed += len(kept)
            declarations += len(declared)
            listing.build(lead_provider=lead_provider)
            assert listing_rows(lead_provider) == kept
            assert declaration_rows(lead_provider) == declared
        note_outcome(f"participants listed (both providers): {min(listed, 6)}{'+' if listed >= 6 else ''}")
        note_outcome(
            f"declarations listed (both providers): {min(declarations, 3)}{'+' if declarations >= 3 else ''}"
        )
        # And over HTTP, headers and all.
        api = api_for(client, world.lead_providers[0])
        response = api.get(LIST, {"sort": "-updated_at"})
        assert response.content == from_periods(world.lead_providers[0], {"sort": "-updated_at"})
        assert response["Content-Type"] == "application/json"
        transaction.set_rollback(True)  # the next history starts from the same world


# --- Days, bulk loads, budgets --------------------------------------------------------------------------


def test_a_row_written_for_another_day_is_written_again(api, amara, ambition_lp, service_clock):
    """Ben mentors Amara through October: before it her JSON names no mentor, in it Ben, after it
    none again. Nothing is written on those days; the listing's row says which days it holds."""
    from tests.factories import MentorAtSchoolPeriodFactory, MentorshipPeriodFactory

    october = (datetime.date(THIS_YEAR, 10, 1), datetime.date(THIS_YEAR, 10, 31))
    service_clock.move_to(moment(THIS_SEPTEMBER))
    ben = MentorAtSchoolPeriodFactory(school=amara.school, started_on=THIS_SEPTEMBER)
    MentorshipPeriodFactory(mentee=amara, mentor=ben, started_on=october[0], finished_on=october[1])
    mentors, held = [], []
    for day in (THIS_SEPTEMBER, *october, october[1] + datetime.timedelta(days=1)):
        service_clock.move_to(moment(day))
        mentors.append(api.get(LIST).json()["data"][0]["attributes"]["ecf_enrolments"][0]["mentor_id"])
        row = ParticipantListing.objects.get(teacher=amara.teacher)
        held.append((row.valid_from, row.valid_until))
        assert from_listing(ambition_lp, {}) == from_periods(ambition_lp, {})

    ben_id = str(ben.teacher.api_id)
    assert mentors == [None, ben_id, ben_id, None]
    november = october[1] + datetime.timedelta(days=1)
    assert held == [
        (THIS_SEPTEMBER, october[0]),
        (october[0], november),
        (october[0], november),
        (november, None),
    ]


def test_a_bulk_load_is_seen_and_the_listing_built_again(api, amara, ambition_this_year, ambition_lp):
    """A load that records no changes (the seeds) moves the count of bulk loads: the listing is
    built again rather than read as it was."""
    assert len(api.get(LIST).json()["data"]) == 1
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL participants.bulk_load = 'on'")
    period = ECTAtSchoolPeriodFactory(school=amara.school, started_on=THIS_SEPTEMBER)
    TrainingPeriodFactory(
        ect_at_school_period=period,
        school_partnership=SchoolPartnership.objects.get(school=amara.school),
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL participants.bulk_load = 'off'")

    assert not listing.position(ambition_lp).built
    assert len(api.get(LIST).json()["data"]) == 2
    assert listing.position(ambition_lp).current


def test_past_its_budget_a_request_answers_from_the_periods_and_the_rest_is_caught_up_later(
    api, amara, ambition_this_year, ambition_lp, monkeypatch
):
    from tests.api.test_participants import mentor_and_ect

    api.get(LIST)
    for _ in range(3):
        mentor_and_ect(ambition_this_year)
    monkeypatch.setattr(listing, "INLINE_BUDGET", 2)

    assert len(api.get(LIST).json()["data"]) == 7  # from the periods; two of six caught up
    assert not listing.position(ambition_lp).current
    listing.refresh(lead_provider=ambition_lp)
    assert listing.position(ambition_lp).current
    assert ParticipantListing.objects.filter(lead_provider=ambition_lp).count() == 7
    assert from_listing(ambition_lp, {}) == from_periods(ambition_lp, {})


def test_beat_catches_every_providers_listing_up_each_minute(
    api, amara, ambition_this_year, ambition_lp, monkeypatch
):
    from django.conf import settings as django_settings

    from api.tasks import refresh_participant_listings
    from tests.api.test_participants import mentor_and_ect

    schedule = django_settings.CELERY_BEAT_SCHEDULE["refresh-participant-listings"]
    assert (schedule["task"], schedule["schedule"]) == ("api.tasks.refresh_participant_listings", 60.0)

    api.get(LIST)
    mentor_and_ect(ambition_this_year)
    assert not listing.position(ambition_lp).current
    refresh_participant_listings()
    assert listing.position(ambition_lp).current
    assert from_listing(ambition_lp, {}) == from_periods(ambition_lp, {})


def test_a_teacher_who_moves_to_another_provider_stays_listed_to_the_first_as_left(
    api, amara, ambition_lp, current_period, service_clock
):
    api.get(LIST)
    other = ActiveLeadProviderFactory(contract_period=current_period)
    LeadProviderDeliveryPartnershipFactory(active_lead_provider=other)
    services.change_training(
        period=amara,
        training_programme="provider_led",
        lead_provider=other.lead_provider,
        starting_on=clock.today() + datetime.timedelta(days=1),
        changed_by=UserFactory(),
        today=clock.today(),
    )
    for provider in (ambition_lp, other.lead_provider):
        assert from_listing(provider, {}) == from_periods(provider, {})
    assert [p["id"] for p in api.get(LIST).json()["data"]] == [str(amara.teacher.api_id)]


# --- Readers and writers at once ------------------------------------------------------------------------


def _in_thread(target):
    errors = []

    def run():
        try:
            target()
        except Exception as error:  # handed to the test thread, which raises it
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


@pytest.mark.django_db(transaction=True)
def test_two_readers_catching_up_at_once_and_a_write_committing_meanwhile(api, amara, ben, ambition_lp):
    """Two readers find the same changes to catch up with while a third transaction writes and
    commits: each answers as the serialiser does, and the listing ends as a fresh build."""
    api.get(LIST)
    ECTAtSchoolPeriod.objects.filter(pk=amara.pk).update(email="one@example.org")
    MentorAtSchoolPeriod.objects.filter(pk=ben.pk).update(email="two@example.org")
    start = threading.Barrier(3)
    answers = []

    def read():
        start.wait(10)
        answers.append(from_listing(ambition_lp, {}))

    def write():
        start.wait(10)
        with transaction.atomic():
            Teacher.objects.filter(pk=amara.teacher_id).update(corrected_name="Amara O")

    threads = [_in_thread(read), _in_thread(read), _in_thread(write)]
    for thread, _ in threads:
        thread.join(20)
    assert not [error for _, errors in threads for error in errors]

    assert len(answers) == 2
    assert all(b"one@example.org" in answer and b"two@example.org" in answer for answer in answers)
    assert from_listing(ambition_lp, {}) == from_periods(ambition_lp, {})
    kept = listing_rows(ambition_lp)
    listing.build(lead_provider=ambition_lp)
    assert listing_rows(ambition_lp) == kept


@pytest.mark.parametrize("path", [LIST, "/api/v3/participant-declarations"])
def test_a_page_once_caught_up_takes_the_same_queries_however_many_rows(
    api, ambition_this_year, amara, ben, path
):
    from django.test.utils import CaptureQueriesContext

    from tests.api.test_participants import mentor_and_ect

    api.get(path)
    with CaptureQueriesContext(connection) as few:
        api.get(path, {"page[per_page]": "3000"})
    for _ in range(20):
        mentor_and_ect(ambition_this_year)
    api.get(path)  # catches up with them
    with CaptureQueriesContext(connection) as many:
        api.get(path, {"page[per_page]": "3000"})
    assert len(many) == len(few) <= 5


def test_the_command_and_the_task_build_and_refresh_every_providers_listing(amara, ben, tomas, ambition_lp):
    from io import StringIO

    from django.core.management import call_command

    from api.tasks import refresh_participant_listings

    out = StringIO()
    call_command("build_participant_listing", stdout=out)
    assert "Ambition Institute: 2 participants" in out.getvalue()
    assert "Teach First: 1 participants" in out.getvalue()
    Teacher.objects.filter(pk=amara.teacher_id).update(corrected_name="Amara O")
    assert not listing.position(ambition_lp).current

    refresh_participant_listings()

    assert listing.position(ambition_lp).current
    assert b"Amara O" in from_listing(ambition_lp, {})
