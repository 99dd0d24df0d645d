"""The outcome and extension journeys' pages: where they are offered, what they ask, what they do,
and a 404 on every one of them for a teacher the body may not see."""

import datetime
import re

import pytest
from django.urls import reverse

from appropriate_bodies.models import InductionExtension
from participants.models import InductionPeriod, Teacher, TRSInductionUpdate
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import InductionPeriodFactory, TeacherFactory

pytestmark = pytest.mark.django_db

STARTED = datetime.date(LAST_YEAR, 9, 1)


@pytest.fixture
def teacher(body):
    teacher = TeacherFactory(trs_first_name="Amara", trs_last_name="Okafor")
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=STARTED)
    return teacher


@pytest.fixture
def signed_in(client, body_user):
    client.force_login(body_user)
    return client


def teacher_url(body, teacher):
    return reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher.pk})


def outcome_url(body, teacher, outcome, step="end-date"):
    return reverse(
        "appropriate_body_outcome",
        kwargs={"body_id": body.pk, "teacher_id": teacher.pk, "outcome": outcome, "step": step},
    )


def every_new_url(body, teacher, extension):
    ids = {"body_id": body.pk, "teacher_id": teacher.pk}
    return [
        *(
            outcome_url(body, teacher, outcome, step)
            for outcome in ("pass", "fail", "release")
            for step in ("end-date", "check-answers")
        ),
        *(
            reverse("appropriate_body_outcome_recorded", kwargs={**ids, "outcome": outcome})
            for outcome in ("pass", "fail", "release")
        ),
        reverse("appropriate_body_add_extension", kwargs={**ids, "step": "terms"}),
        reverse(
            "appropriate_body_change_extension", kwargs={**ids, "extension_id": extension.pk, "step": "terms"}
        ),
        reverse("appropriate_body_remove_extension", kwargs={**ids, "extension_id": extension.pk}),
    ]


def test_another_bodys_teacher_is_a_404_on_every_page(signed_in, other_body, body):
    theirs = TeacherFactory()
    InductionPeriodFactory(teacher=theirs, appropriate_body=other_body, started_on=STARTED)
    extension = InductionExtension.objects.create(
        teacher=theirs, appropriate_body=other_body, number_of_terms=1, reason="R"
    )
    for url in every_new_url(body, theirs, extension):
        assert signed_in.get(url).status_code == 404, url
        # A confirmation page takes no POST at all (405); every other page is a 404 either way.
        assert signed_in.post(url).status_code == (405 if url.endswith("/recorded") else 404), url
    assert not InductionExtension.objects.filter(pk=extension.pk, number_of_terms=2).exists()


def test_another_bodys_extension_is_a_404_even_on_our_teacher(signed_in, other_body, body, teacher):
    extension = InductionExtension.objects.create(
        teacher=teacher, appropriate_body=other_body, number_of_terms=1, reason="R"
    )
    for url in every_new_url(body, teacher, extension)[-2:]:
        assert signed_in.get(url).status_code == 404, url
        assert signed_in.post(url).status_code == 404, url
    assert InductionExtension.objects.filter(pk=extension.pk).exists()


def test_the_teacher_page_offers_outcomes_and_extensions_only_with_an_open_period(
    signed_in, body, teacher, other_body
):
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    for link in ("Record a pass", "Record a fail", "Release", "Add an extension"):
        assert link in page
    InductionPeriod.objects.update(finished_on=datetime.date(THIS_YEAR, 7, 1), number_of_terms=6)
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    for link in ("Record a pass", "Record a fail", "Add an extension"):
        assert link not in page
    assert signed_in.get(outcome_url(body, teacher, "pass")).status_code == 409


def test_passing_through_the_pages(signed_in, body, teacher):
    response = signed_in.post(
        outcome_url(body, teacher, "pass"),
        {"finished_on_day": "", "finished_on_month": "7", "finished_on_year": str(THIS_YEAR)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "End date must include a day" in page and 'value="7"' in page and "govuk-error-summary" in page

    response = signed_in.post(
        outcome_url(body, teacher, "pass"),
        {"finished_on_day": "18", "finished_on_month": "7", "finished_on_year": str(THIS_YEAR)},
    )
    assert response.url == outcome_url(body, teacher, "pass", "terms")
    response = signed_in.post(outcome_url(body, teacher, "pass", "terms"), {"number_of_terms": "2.25"})
    assert "at most one decimal place" in response.content.decode()
    for not_plain in ("1e1", "\u0661\u0662", "Infinity"):
        response = signed_in.post(outcome_url(body, teacher, "pass", "terms"), {"number_of_terms": not_plain})
        assert "Number of terms must be a number, like 6 or 5.5" in response.content.decode()
    response = signed_in.post(outcome_url(body, teacher, "pass", "terms"), {"number_of_terms": "6."})
    assert response.url == outcome_url(body, teacher, "pass", "check-answers")

    page = signed_in.get(response.url).content.decode()
    assert f"18 July {THIS_YEAR}" in page and "Record pass" in page
    # As the service writes it, not as typed.
    assert re.search(r'<dd class="govuk-summary-list__value">\s*6\s*</dd>', page)
    assert not TRSInductionUpdate.objects.exists()  # nothing saved before check answers

    response = signed_in.post(outcome_url(body, teacher, "pass", "check-answers"))
    assert response.url == reverse(
        "appropriate_body_outcome_recorded",
        kwargs={"body_id": body.pk, "teacher_id": teacher.pk, "outcome": "pass"},
    )
    page = signed_in.get(response.url).content.decode()
    assert "Induction passed" in page
    assert "not at a school as an ECT" in page  # this teacher has no school to tell
    assert InductionPeriod.objects.get().outcome == "pass"


def release(client, body, teacher, terms: str) -> str:
    """Release the teacher with `terms` served; answers the confirmation page."""
    url = outcome_url(body, teacher, "release")
    client.post(url, {"finished_on_day": "18", "finished_on_month": "7", "finished_on_year": str(THIS_YEAR)})
    client.post(outcome_url(body, teacher, "release", "terms"), {"number_of_terms": terms})
    response = client.post(outcome_url(body, teacher, "release", "check-answers"))
    return client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("terms", "says", "status"),
    [
        ("2", "their induction is still in progress", "InProgress"),
        ("0", "they still need to start their induction", "RequiredToComplete"),
    ],
)
def test_a_release_says_what_trs_is_told(signed_in, body, teacher, terms, says, status):
    assert says in release(signed_in, body, teacher, terms)
    assert TRSInductionUpdate.objects.get().request["status"] == status


def test_a_release_with_no_term_served_keeps_the_start_trs_held_before(signed_in, body, teacher):
    """Their induction began with a body before our service: TRS keeps it in progress from then."""
    trs_start = datetime.date(THIS_YEAR - 2, 9, 2)
    Teacher.objects.filter(pk=teacher.pk).update(trs_induction_started_on=trs_start)
    assert "their induction is still in progress" in release(signed_in, body, teacher, "0")
    update = TRSInductionUpdate.objects.get()
    assert (update.request["status"], update.request["startDate"]) == ("InProgress", trs_start.isoformat())


def test_a_fail_asks_for_the_appeal_confirmation(signed_in, body, teacher):
    signed_in.post(
        outcome_url(body, teacher, "fail"),
        {"finished_on_day": "18", "finished_on_month": "7", "finished_on_year": str(THIS_YEAR)},
    )
    response = signed_in.post(outcome_url(body, teacher, "fail", "terms"), {"number_of_terms": "6"})
    assert response.url == outcome_url(body, teacher, "fail", "appeal")
    response = signed_in.post(response.url, {})
    assert "Confirm that they have been told of their right to appeal" in response.content.decode()
    response = signed_in.post(outcome_url(body, teacher, "fail", "appeal"), {"told_of_appeal": "on"})
    assert response.url == outcome_url(body, teacher, "fail", "check-answers")
    signed_in.post(response.url)
    assert InductionPeriod.objects.get().outcome == "fail"


def test_a_refused_outcome_keeps_the_answers(signed_in, body, teacher, other_body):
    signed_in.post(
        outcome_url(body, teacher, "release"),
        {"finished_on_day": "18", "finished_on_month": "7", "finished_on_year": str(THIS_YEAR)},
    )
    signed_in.post(outcome_url(body, teacher, "release", "terms"), {"number_of_terms": "3"})
    InductionPeriod.objects.update(
        finished_on=datetime.date(THIS_YEAR, 7, 1), number_of_terms=6
    )  # closed meanwhile
    response = signed_in.post(outcome_url(body, teacher, "release", "check-answers"))
    assert response.status_code == 409
    assert "has no open induction period" in response.content.decode()


def test_changing_an_extension_starts_from_what_it_is(signed_in, body, teacher, body_user):
    extension = InductionExtension.objects.create(
        teacher=teacher, appropriate_body=body, number_of_terms="1.5", reason="Needs longer"
    )
    url = reverse(
        "appropriate_body_change_extension",
        kwargs={"body_id": body.pk, "teacher_id": teacher.pk, "extension_id": extension.pk, "step": "terms"},
    )
    assert 'value="1.5"' in signed_in.get(url).content.decode()


def test_terms_are_written_as_the_service_writes_them(signed_in, body, teacher):
    from appropriate_bodies.services.terms import as_terms, terms_in_words

    assert [terms_in_words(as_terms(typed)) for typed in ("6.", "5.50", "-0", "10", "0.5")] == [
        "6",
        "5.5",
        "0",
        "10",
        "0.5",
    ]
    InductionPeriod.objects.filter(teacher=teacher).update(finished_on=STARTED, number_of_terms="6.0")
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    assert '<td class="govuk-table__cell">6</td>' in page
    assert "Released" in page  # a period finished without an outcome
