"""Claiming an ECT through the Django test client, with the real TRS client talking to the fake
TRS over HTTP: the pages in order, a start date refused by the rules, the stop pages, a claim
refused at the last moment, the TRN filled in from the reported list, and another body's URLs."""

import datetime

import pytest
from django.urls import reverse

from appropriate_bodies.services import claims
from participants.models import InductionPeriod, Teacher, TRSInductionUpdate
from participants.trs.client import find_teacher
from tests.dates import THIS_YEAR
from tests.factories import ECTAtSchoolPeriodFactory, InductionPeriodFactory, TeacherFactory

pytestmark = pytest.mark.django_db

AMARA = {"trn": "9990001", "born": ("21", "4", "1996")}
SEPTEMBER = ("2", "9", str(THIS_YEAR))


@pytest.fixture
def signed_in(client, body_user, fake_trs):
    client.force_login(body_user)
    return client


def url(body, step):
    return reverse("claim_ect", kwargs={"body_id": body.pk, "step": step})


def post(client, body, step, data, *, status=302):
    response = client.post(url(body, step), data)
    assert response.status_code == status, (step, response.content.decode()[:3000])
    return response


def find(client, body, teacher):
    day, month, year = teacher["born"]
    data = {
        "trn": teacher["trn"],
        "date_of_birth_day": day,
        "date_of_birth_month": month,
        "date_of_birth_year": year,
    }
    return post(client, body, "find-ect", data)["Location"]


def start_date(day, month, year):
    return {"started_on_day": day, "started_on_month": month, "started_on_year": year}


def amaras_qts() -> str:
    """Amara's QTS date as the fake TRS serves it: it moves its fictional dates on a year each
    academic year, by its own clock, so no test depends on the day it runs."""
    return f"{find_teacher(trn=AMARA['trn']).qts_awarded_on:%-d %B %Y}"


def test_an_ect_is_claimed_page_by_page(signed_in, body):
    assert find(signed_in, body, AMARA) == url(body, "teacher-record")
    page = signed_in.get(url(body, "teacher-record")).content.decode()
    for fact in ("Amara Okafor", "9990001", amaras_qts(), "In progress", "None"):
        assert fact in page

    assert post(signed_in, body, "teacher-record", {})["Location"] == url(body, "start-date")
    assert post(signed_in, body, "start-date", start_date(*SEPTEMBER))["Location"] == url(
        body, "induction-programme"
    )
    assert post(signed_in, body, "induction-programme", {"induction_programme": "school_led"})[
        "Location"
    ] == url(body, "check-answers")
    page = signed_in.get(url(body, "check-answers")).content.decode()
    for answer in ("9990001", "Amara Okafor", f"2 September {THIS_YEAR}", "School-led", "Confirm and claim"):
        assert answer in page

    response = post(signed_in, body, "check-answers", {})

    assert response["Location"] == reverse("ect_claimed", kwargs={"body_id": body.pk})
    period = InductionPeriod.objects.get()
    assert (period.teacher.trn, period.appropriate_body, period.induction_programme) == (
        "9990001",
        body,
        "school_led",
    )
    assert TRSInductionUpdate.objects.get().request["status"] == "InProgress"
    page = signed_in.get(response["Location"]).content.decode()
    assert "Amara Okafor has been claimed" in page
    assert "Teaching Record System" in page
    # The answers are gone: going back to check answers starts the journey again.
    assert signed_in.get(url(body, "check-answers"))["Location"] == url(body, "find-ect")


def test_a_start_date_the_rules_refuse_is_shown_by_the_field_as_typed(signed_in, body):
    find(signed_in, body, AMARA)
    post(signed_in, body, "teacher-record", {})
    page = post(signed_in, body, "start-date", start_date("1", "1", "2024"), status=200).content.decode()
    assert f"The start date must be on or after the day they were awarded QTS, {amaras_qts()}." in page
    assert 'value="2024"' in page


@pytest.mark.parametrize(
    ("trn", "born", "says"),
    [
        ("9990006", ("14", "6", "1990"), "has already passed their induction"),
        ("9990007", ("9", "9", "1992"), "has failed their induction"),
        ("9990009", ("1", "12", "1985"), "is exempt from induction"),
        ("9990010", ("5", "5", "2000"), "does not have qualified teacher status"),
        ("9990011", ("8", "8", "1988"), "is prohibited from teaching"),
        ("9990004", ("1", "1", "1990"), "We cannot find their teacher record"),
    ],
)
def test_each_stop_page_says_why(signed_in, body, trn, born, says):
    assert find(signed_in, body, {"trn": trn, "born": born}) == url(body, "cannot-claim")
    assert says in signed_in.get(url(body, "cannot-claim")).content.decode()
    assert signed_in.get(url(body, "teacher-record"))["Location"] == url(body, "cannot-claim")


def test_an_ect_this_body_has_claimed_links_to_their_record(signed_in, body):
    teacher = TeacherFactory(trn="9990001")
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=datetime.date(THIS_YEAR, 9, 2))
    find(signed_in, body, AMARA)
    page = signed_in.get(url(body, "cannot-claim")).content.decode()
    assert "You have already claimed Amara Okafor" in page
    assert reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher.pk}) in page


def answer_everything(client, body):
    find(client, body, AMARA)
    post(client, body, "teacher-record", {})
    post(client, body, "start-date", start_date(*SEPTEMBER))
    post(client, body, "induction-programme", {"induction_programme": "provider_led"})


def test_a_claim_another_body_makes_before_confirming_stops_the_journey(signed_in, body, other_body):
    answer_everything(signed_in, body)
    InductionPeriodFactory(teacher=TeacherFactory(trn="9990001"), appropriate_body=other_body)

    assert post(signed_in, body, "check-answers", {})["Location"] == url(body, "cannot-claim")
    page = signed_in.get(url(body, "cannot-claim")).content.decode()
    assert "Amara Okafor&#x27;s induction is open with Hillside Teaching School Hub." in page
    assert InductionPeriod.objects.count() == 1


def test_a_claim_refused_between_the_check_and_the_write_is_a_page_in_words(
    signed_in, body, other_body, monkeypatch
):
    """Another body's claim commits after this page's checks: the write itself refuses, in words."""
    answer_everything(signed_in, body)
    InductionPeriodFactory(teacher=TeacherFactory(trn="9990001"), appropriate_body=other_body)
    monkeypatch.setattr(claims, "why_not_claimable", lambda **kwargs: None)

    page = post(signed_in, body, "check-answers", {}, status=409).content.decode()

    assert "We could not claim them" in page
    assert "Hillside Teaching School Hub claimed Amara Okafor just before you did" in page
    assert "Nothing has been changed." in page  # the appropriate bodies' one refusal page
    assert url(body, "check-answers") in page
    assert InductionPeriod.objects.count() == 1


def test_check_and_claim_from_the_reported_list_fills_in_the_trn(signed_in, body):
    teacher = TeacherFactory(trn="9990001")
    ECTAtSchoolPeriodFactory(teacher=teacher, school_reported_appropriate_body=body)
    reported_list = reverse("appropriate_body_review", kwargs={"body_id": body.pk, "slug": "reported"})
    link = f"{url(body, 'start')}?trn=9990001&from=reported"
    assert link.replace("&", "&amp;") in signed_in.get(reported_list).content.decode()

    response = signed_in.get(link)

    assert response["Location"] == f"{url(body, 'find-ect')}?trn=9990001&from=reported"
    page = signed_in.get(response["Location"]).content.decode()
    assert 'value="9990001"' in page
    assert f'<a href="{reported_list}" class="govuk-back-link"' in page  # back where they came from

    teacher_page = reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher.pk})
    page = signed_in.get(f"{url(body, 'find-ect')}?trn=9990001&from=teacher").content.decode()
    assert f'<a href="{teacher_page}" class="govuk-back-link"' in page


def test_another_bodys_claim_pages_are_not_found(signed_in, other_body):
    for step in ("start", "find-ect", "check-answers"):
        assert signed_in.get(url(other_body, step)).status_code == 404
    assert signed_in.get(reverse("ect_claimed", kwargs={"body_id": other_body.pk})).status_code == 404


def test_the_claimed_page_shows_only_this_bodys_claim(signed_in, body, other_body):
    period = InductionPeriodFactory(appropriate_body=other_body)
    session = signed_in.session
    session["claimed_induction_period"] = period.pk
    session.save()
    assert signed_in.get(reverse("ect_claimed", kwargs={"body_id": body.pk})).status_code == 404
    assert not Teacher.objects.filter(trn="9990001").exists()
