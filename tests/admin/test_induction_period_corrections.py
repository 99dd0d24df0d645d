"""Support correct a mistaken induction period in admin: change it or delete it, always with a
reason; the database's rules are form errors, never a 500; Django's own delete stays off."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import Event
from participants import services
from participants.models import InductionOutcome, InductionPeriod, TRSInductionUpdate
from tests.admin.conftest import staff_in
from tests.admin.helpers import admin_url
from tests.admin.test_access import form_data
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import AppropriateBodyFactory, InductionPeriodFactory

pytestmark = pytest.mark.django_db

LAST_SEPTEMBER = datetime.date(LAST_YEAR, 9, 1)
THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


def passed():
    return InductionPeriodFactory(
        appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"),
        started_on=LAST_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 7, 20),
        number_of_terms=Decimal("3.0"),
        outcome=InductionOutcome.PASS,
    )


def delete_url(period):
    return reverse("admin:participants_inductionperiod_delete_with_reason", args=[period.pk])


def post_change(client, period, **changes):
    page = client.get(admin_url(InductionPeriod, "change", period.pk))
    return client.post(admin_url(InductionPeriod, "change", period.pk), {**form_data(page), **changes})


def test_support_correct_an_outcome_with_a_reason_and_trs_is_told(support_client):
    period = passed()
    page = support_client.get(admin_url(InductionPeriod, "change", period.pk)).content.decode()
    assert 'name="teacher"' not in page  # fixed: a period for the wrong teacher is deleted instead
    assert "Delete with a reason" in page and delete_url(period) in page

    response = post_change(
        support_client,
        period,
        outcome=InductionOutcome.FAIL,
        change_reason="The body chose the wrong outcome",
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    period.refresh_from_db()
    assert period.outcome == InductionOutcome.FAIL
    event = Event.objects.get(teacher=period.teacher)
    assert event.event_type == "induction_period_corrected_by_support"
    assert (
        event.changes == {"outcome": ["pass", "fail"]} and event.reason == "The body chose the wrong outcome"
    )
    assert TRSInductionUpdate.objects.get(teacher=period.teacher).request["status"] == "Failed"


def test_a_correction_needs_a_reason(support_client):
    period = passed()
    response = post_change(support_client, period, number_of_terms="2.5", change_reason="")
    assert response.status_code == 200
    assert "Enter why you are making this change" in response.content.decode()
    period.refresh_from_db()
    assert period.number_of_terms == Decimal("3.0") and not Event.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"started_on": f"{THIS_YEAR}-07-01", "finished_on": "", "number_of_terms": "", "outcome": ""},
            "This teacher already has an induction period on these dates.",
        ),
        ({"number_of_terms": "17"}, "The number of terms must be between 0 and 16."),
        (
            {"finished_on": f"{LAST_YEAR}-08-01"},
            "The finish date must be the same as or after the start date.",
        ),
        ({"finished_on": ""}, "Only a finished induction period can have an outcome"),
        ({"number_of_terms": ""}, "Enter the number of terms for a finished period"),
    ],
)
def test_a_correction_breaking_a_rule_is_a_form_error(support_client, changes, message):
    earlier = passed()
    later = InductionPeriodFactory(teacher=earlier.teacher, started_on=THIS_SEPTEMBER)
    period = later if "started_on" in changes else earlier
    response = post_change(support_client, period, change_reason="Correcting", **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists() and not TRSInductionUpdate.objects.exists()


def test_a_change_the_database_refuses_after_the_form_checked_it_is_no_500(support_client, monkeypatch):
    period = passed()

    def refuse(**kwargs):
        raise services.CorrectionRefused("This teacher already has an induction period on these dates.")

    monkeypatch.setattr(services, "correct_induction_period", refuse)
    response = post_change(support_client, period, number_of_terms="2.5", change_reason="Correcting")
    assert response.status_code == 302
    page = support_client.get(response["Location"]).content.decode()
    assert "Nothing was saved: This teacher already has an induction period on these dates." in page


def test_support_delete_a_mistaken_period_with_a_reason(support_client):
    period = InductionPeriodFactory(
        appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"),
        started_on=THIS_SEPTEMBER,
    )
    teacher = period.teacher
    page = support_client.get(delete_url(period)).content.decode()
    assert (
        "Delete an induction period recorded by mistake" in page and "Riverside Teaching School Hub" in page
    )

    missing = support_client.post(delete_url(period), {"reason": ""})
    assert (
        missing.status_code == 200
        and "Enter why you are deleting this induction period" in missing.content.decode()
    )
    assert InductionPeriod.objects.filter(pk=period.pk).exists()

    response = support_client.post(delete_url(period), {"reason": "The body claimed the wrong teacher"})
    assert response["Location"] == admin_url(type(teacher), "change", teacher.pk) + "#timeline"
    assert not InductionPeriod.objects.filter(pk=period.pk).exists()
    event = Event.objects.get(teacher=teacher)
    assert event.event_type == "induction_period_deleted_by_support"
    assert event.reason == "The body claimed the wrong teacher"
    assert TRSInductionUpdate.objects.get(teacher=teacher).request["status"] == "RequiredToComplete"
    timeline = support_client.get(response["Location"]).content.decode()
    assert "DfE support deleted the induction period with Riverside Teaching School Hub" in timeline


def test_djangos_own_delete_stays_off(support_client):
    period = passed()
    assert support_client.get(admin_url(InductionPeriod, "delete", period.pk)).status_code == 403
    assert InductionPeriod.objects.filter(pk=period.pk).exists()


def test_staff_who_may_not_change_a_period_may_not_delete_it(client):
    period = passed()
    finance_client = client
    finance_client.force_login(staff_in("finance"))
    assert finance_client.get(delete_url(period)).status_code == 403
    assert finance_client.post(delete_url(period), {"reason": "x"}).status_code == 403
    assert InductionPeriod.objects.filter(pk=period.pk).exists()


def test_deleting_a_period_that_is_gone_is_not_found(support_client):
    period = passed()
    url = delete_url(period)
    period.delete()
    assert support_client.get(url).status_code in (302, 404)
