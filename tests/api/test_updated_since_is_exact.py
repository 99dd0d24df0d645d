"""A lead provider polling with filter[updated_since] from the X-Next-Updated-Since of its last call
never misses a change to what it reads: whatever writes it (the school, support in admin, another
provider, the calendar) and however the writing transaction overlaps the poll."""

import datetime
import random
import threading

import pytest
from django.db import connection, transaction

from core import clock
from participants.api_changes import record_date_driven_changes
from participants.models import ECTAtSchoolPeriod, MentorshipPeriod, Teacher
from providers.models import SchoolPartnership
from tests.api.conftest import THIS_SEPTEMBER, trained_through_partnership
from tests.factories import (
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    MentorAtSchoolPeriodFactory,
    TrainingPeriodFactory,
)

LIST = "/api/v3/participants"


class Poller:
    """A lead provider's client: a full read, then only what changed since its last call."""

    def __init__(self, api):
        self.api, self.since, self.mirror = api, None, {}

    def poll(self):
        params = {"page[per_page]": "3000"}
        if self.since:
            params["filter[updated_since]"] = self.since
        response = self.api.get(LIST, params)
        assert response.status_code == 200
        self.since = response["X-Next-Updated-Since"]
        for row in response.json()["data"]:
            self.mirror[row["id"]] = row
        return [row["id"] for row in response.json()["data"]]


def everything(api):
    return {row["id"]: row for row in api.get(LIST, {"page[per_page]": "3000"}).json()["data"]}


@pytest.mark.django_db
class TestEachKindOfChangeMovesUpdatedAt:
    def test_a_random_run_of_changes_never_leaves_the_poller_behind(
        self, api, amara, ben, partnership, kings
    ):
        """Each step makes one change a school, support or the calendar could make; after every
        poll the poller's copy equals a full read."""
        rng = random.Random(7)
        other_partner = LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=kings.active_lead_provider,
            delivery_partner=DeliveryPartnerFactory(name="Leeds"),
        )
        poller = Poller(api)
        poller.poll()
        people = [amara]

        def new_ect():
            period = ECTAtSchoolPeriodFactory(school=amara.school, started_on=THIS_SEPTEMBER)
            TrainingPeriodFactory(ect_at_school_period=period, school_partnership=partnership)
            people.append(period)

        def email():
            period = rng.choice(people)
            ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(
                email=f"new{rng.randint(1, 10**6)}@example.org"
            )

        def name():
            teacher = rng.choice(people).teacher
            Teacher.objects.filter(pk=teacher.pk).update(corrected_name=f"Name {rng.randint(1, 10**6)}")

        def new_mentor():
            period = rng.choice(people)
            mentor = MentorAtSchoolPeriodFactory(school=period.school, started_on=THIS_SEPTEMBER)
            MentorshipPeriod.objects.filter(mentee=period).delete()
            MentorshipPeriod.objects.create(mentee=period, mentor=mentor, started_on=THIS_SEPTEMBER)

        def delivery_partner():
            current = SchoolPartnership.objects.get(pk=partnership.pk).lead_provider_delivery_partnership_id
            SchoolPartnership.objects.filter(pk=partnership.pk).update(
                lead_provider_delivery_partnership=other_partner if current == kings.pk else kings
            )

        def working_pattern():
            period = rng.choice(people)
            ECTAtSchoolPeriod.objects.filter(pk=period.pk).update(
                working_pattern=rng.choice(["full_time", "part_time"])
            )

        changes = [new_ect, email, name, new_mentor, delivery_partner, working_pattern]
        for _ in range(25):
            rng.choice(changes)()
            poller.poll()
            assert poller.mirror == everything(api)

    def test_a_day_passing_is_a_change(self, api, ambition_this_year):
        """Nobody writes anything when a joining ECT's first day comes: the daily sweep records it."""
        today = clock.today()
        period = ECTAtSchoolPeriodFactory(started_on=today + datetime.timedelta(days=1))
        trained_through_partnership(period, ambition_this_year)
        record_date_driven_changes(today=today)
        poller = Poller(api)
        poller.poll()

        record_date_driven_changes(today=today + datetime.timedelta(days=1))

        assert poller.poll() == [str(period.teacher.api_id)]
        assert record_date_driven_changes(today=today + datetime.timedelta(days=1)) == 0  # once a day


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
class TestOverlappingTransactions:
    def test_a_change_begun_before_a_poll_and_committed_after_it_is_in_the_next_poll(self, api, amara):
        """The writer's transaction starts before the poll; it writes and commits after. Stamped
        with the transaction's start time it would be older than the poll and lost."""
        poller = Poller(api)
        began, poll_done = threading.Event(), threading.Event()

        def school_changes_email():
            with transaction.atomic():
                Teacher.objects.count()  # the transaction has begun
                began.set()
                poll_done.wait(10)
                ECTAtSchoolPeriod.objects.filter(pk=amara.pk).update(email="late@example.org")

        thread, errors = _in_thread(school_changes_email)
        began.wait(10)
        poller.poll()
        poll_done.set()
        thread.join(10)
        assert not errors

        assert str(amara.teacher.api_id) in poller.poll()
        assert poller.mirror[str(amara.teacher.api_id)] == everything(api)[str(amara.teacher.api_id)]

    def test_a_poll_waits_for_a_change_stamped_before_it_to_commit(self, api, amara):
        """The writer stamps the change, then takes a while to commit; a poll meanwhile waits and
        then returns the committed change, rather than skipping past its stamp."""
        poller = Poller(api)
        poller.poll()

        polled = while_a_change_waits_to_commit(amara, "slow@example.org", poller.poll)

        assert polled == [str(amara.teacher.api_id)]
        enrolment = poller.mirror[str(amara.teacher.api_id)]["attributes"]["ecf_enrolments"][0]
        assert enrolment["email"] == "slow@example.org"

    def test_the_change_feed_waits_for_a_change_being_written_and_never_skips_it(self, api, amara):
        cursor = api.get("/api/v3/participants/changes").json()["meta"]["next_cursor"]

        page = while_a_change_waits_to_commit(
            amara,
            "feed@example.org",
            lambda: api.get("/api/v3/participants/changes", {"cursor": cursor}).json(),
        )

        assert [row["attributes"]["ecf_enrolments"][0]["email"] for row in page["data"]] == [
            "feed@example.org"
        ]
        later = api.get("/api/v3/participants/changes", {"cursor": page["meta"]["next_cursor"]}).json()
        assert later["data"] == []


def while_a_change_waits_to_commit(ect_period, email, read):
    """Change the ECT's email in a transaction that waits to commit; meanwhile call `read` in
    another thread, check it waits for the commit, and return what it read."""
    stamped, commit = threading.Event(), threading.Event()

    def change_email_slowly():
        with transaction.atomic():
            ECTAtSchoolPeriod.objects.filter(pk=ect_period.pk).update(email=email)
            stamped.set()
            commit.wait(10)

    writer, errors = _in_thread(change_email_slowly)
    stamped.wait(10)
    results = []
    reader, reader_errors = _in_thread(lambda: results.append(read()))
    reader.join(0.5)
    assert reader.is_alive(), "the read should wait for the uncommitted change"
    commit.set()
    writer.join(10)
    reader.join(10)
    assert not errors and not reader_errors
    return results[0]


@pytest.mark.django_db
def test_a_schools_urn_or_funding_and_a_pairings_delivery_partner_are_changes_too(api, amara, kings):
    from schools.models import School

    poller = Poller(api)
    poller.poll()
    School.objects.filter(pk=amara.school_id).update(urn=100099)
    assert poller.poll() == [str(amara.teacher.api_id)]
    School.objects.filter(pk=amara.school_id).update(name="Renamed")  # not shown: no change
    assert poller.poll() == []
    type(kings).objects.filter(pk=kings.pk).update(delivery_partner=DeliveryPartnerFactory(name="Leeds"))
    assert poller.poll() == [str(amara.teacher.api_id)]
    assert poller.mirror == everything(api)
