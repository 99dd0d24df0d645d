"""Changing an ECT's or mentor's details from their page, through the test client."""

import datetime

import pytest
from django.urls import reverse

from audit.models import Event
from core import clock
from participants import services
from participants.models import TrainingPeriod
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    TrainingPeriodFactory,
    UserFactory,
    school_of,
)

pytestmark = pytest.mark.django_db

STARTED = datetime.date(THIS_YEAR, 9, 1)


@pytest.fixture
def school(tutor):
    return school_of(tutor)


@pytest.fixture
def signed_in(client, tutor):
    client.force_login(tutor)
    return client


def change_url(period, what, step, role="ect"):
    return reverse(
        f"{role}_change",
        kwargs={"urn": period.school.urn, "period_id": period.pk, "what": what, "step": step},
    )


def page_of(client, period, role="ect"):
    return client.get(
        reverse(f"{role}_page", kwargs={"urn": period.school.urn, "period_id": period.pk})
    ).content.decode()


def post(client, address, data):
    response = client.post(address, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def test_the_page_links_each_change_which_starts_afresh(signed_in, ect):
    page = page_of(signed_in, ect)
    for what in ("name", "email", "working-pattern", "appropriate-body", "training"):
        assert change_url(ect, what, "start") in page
    first = signed_in.get(change_url(ect, "email", "start"))
    assert first["Location"] == change_url(ect, "email", "email")
    assert (
        'value="amara@example.org"' in signed_in.get(first["Location"]).content.decode()
    )  # starts from what we have


def test_a_name_change_needs_a_reason_and_shows_on_their_page(signed_in, ect, tutor):
    missing = signed_in.post(change_url(ect, "name", "name"), {"name": "Amara Smith"})
    assert "Select why you&#x27;re changing their name" in missing.content.decode()
    assert 'value="Amara Smith"' in missing.content.decode()
    checked = post(
        signed_in, change_url(ect, "name", "name"), {"name": "Amara Smith", "reason": "changed_name"}
    )
    check = signed_in.get(checked).content.decode()
    assert "Amara Smith" in check and "They changed their name" in check
    done = signed_in.post(checked, follow=True).content.decode()
    assert "Amara Okafor&#x27;s name is now Amara Smith" in done
    assert '<h1 class="govuk-heading-l">Amara Smith</h1>' in done
    assert Event.objects.get(event_type="teacher_name_changed").actor_user == tutor


def test_an_unchanged_answer_is_refused_in_words_not_an_error(signed_in, ect):
    post(signed_in, change_url(ect, "working-pattern", "working-pattern"), {"working_pattern": "full_time"})
    refused = signed_in.post(change_url(ect, "working-pattern", "check-answers"))
    assert refused.status_code == 409
    assert "That is their working pattern already" in refused.content.decode()


def test_the_appropriate_body_and_the_training_provider_from_a_date(signed_in, ect, this_year):
    hub = AppropriateBodyFactory(name="Riverside Teaching School Hub")
    post(signed_in, change_url(ect, "appropriate-body", "appropriate-body"), {"appropriate_body": hub.pk})
    signed_in.post(change_url(ect, "appropriate-body", "check-answers"))
    ect.refresh_from_db()
    assert ect.school_reported_appropriate_body == hub

    teach_first = ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Teach First")
    post(signed_in, change_url(ect, "training", "training-programme"), {"training_programme": "provider_led"})
    assert "Teach First" in signed_in.get(change_url(ect, "training", "lead-provider")).content.decode()
    post(
        signed_in,
        change_url(ect, "training", "lead-provider"),
        {"lead_provider": teach_first.lead_provider.pk},
    )
    yesterday = clock.today() - datetime.timedelta(days=1)
    too_early = signed_in.post(
        change_url(ect, "training", "from-date"),
        {
            "starting_on_day": yesterday.day,
            "starting_on_month": yesterday.month,
            "starting_on_year": yesterday.year,
        },
    )
    assert "training that has already happened cannot be changed" in too_early.content.decode()
    today = clock.today()
    post(
        signed_in,
        change_url(ect, "training", "from-date"),
        {"starting_on_day": today.day, "starting_on_month": today.month, "starting_on_year": today.year},
    )
    done = signed_in.post(change_url(ect, "training", "check-answers"), follow=True).content.decode()
    assert "Amara Okafor will train with Teach First from" in done
    assert (
        TrainingPeriod.objects.get(ect_at_school_period=ect, finished_on__isnull=True).expression_of_interest
        == teach_first
    )


def test_a_mentor_has_no_working_pattern_and_trains_only_with_a_provider(signed_in, school, ambition):
    mentor = MentorAtSchoolPeriodFactory(school=school, started_on=STARTED)
    TrainingPeriodFactory(
        ect_at_school_period=None, mentor_at_school_period=mentor, expression_of_interest=ambition
    )
    assert signed_in.get(change_url(mentor, "working-pattern", "start", role="mentor")).status_code == 404
    first = signed_in.get(change_url(mentor, "training", "start", role="mentor"))
    assert first["Location"] == change_url(mentor, "training", "lead-provider", role="mentor")


def test_another_schools_people_and_those_who_left_cannot_be_changed(signed_in, school):
    for period in (
        ECTAtSchoolPeriodFactory(school=SchoolFactory(), started_on=STARTED),
        ECTAtSchoolPeriodFactory(
            school=school,
            started_on=datetime.date(THIS_YEAR - 1, 9, 1),
            finished_on=datetime.date(THIS_YEAR, 7, 31),
        ),
    ):
        assert signed_in.get(change_url(period, "email", "email")).status_code == 404
    assert (
        signed_in.get(
            change_url(ECTAtSchoolPeriodFactory(school=school), "no-such-change", "start")
        ).status_code
        == 404
    )


def test_the_page_shows_the_training_going_on_and_a_change_to_come(signed_in, ect, this_year):
    teach_first = ActiveLeadProviderFactory(contract_period=this_year, lead_provider__name="Teach First")
    later = clock.today() + datetime.timedelta(days=30)
    services.change_training(
        period=ect,
        training_programme="provider_led",
        lead_provider=teach_first.lead_provider,
        starting_on=later,
        changed_by=UserFactory(),
    )
    page = page_of(signed_in, ect)
    provider_row = page[page.index("Training provider") :]
    assert provider_row.index("Ambition Institute") < provider_row.index(f"From {later.day} {later:%B %Y}")
    assert "Training with Teach First" in page
