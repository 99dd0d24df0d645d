"""Checking training data: a body's list of ECTs (search, filters, pages, CSV) and what a teacher's
page shows of them (what schools reported, training progress, the timeline a body may see)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from appropriate_bodies import queries
from audit.services import Actor, record_event
from core import clock
from finance.models import Declaration
from participants.models import InductionOutcome
from tests.dates import LAST_YEAR, THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    DeliveryPartnerFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    LeadProviderDeliveryPartnershipFactory,
    LeadProviderFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    SchoolPartnershipFactory,
    TeacherFactory,
    TrainingPeriodFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LAST_SEPTEMBER = datetime.date(LAST_YEAR, 9, 1)
THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


def reported(body, school=None, **teacher):
    """An ECT since 1 September whose school reported `body`."""
    return ECTAtSchoolPeriodFactory(
        started_on=THIS_SEPTEMBER,
        school=school or SchoolFactory(name="Quillfeather Primary School"),
        school_reported_appropriate_body=body,
        teacher=TeacherFactory(**teacher),
    ).teacher


def claimed(body, **teacher):
    teacher = reported(body, **teacher)
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=THIS_SEPTEMBER)
    return teacher


def finished(teacher, body, outcome=""):
    return InductionPeriodFactory(
        teacher=teacher,
        appropriate_body=body,
        started_on=LAST_SEPTEMBER,
        finished_on=datetime.date(THIS_YEAR, 7, 20),
        number_of_terms=3,
        outcome=outcome,
    )


def teachers_url(body):
    return reverse("appropriate_body_teachers", kwargs={"body_id": body.pk})


def csv_url(body):
    return reverse("appropriate_body_teachers_csv", kwargs={"body_id": body.pk})


def teacher_url(body, teacher):
    return reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher.pk})


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def signed_in(client, body_user):
    client.force_login(body_user)
    return client


# --- Standing and the ECT list -------------------------------------------------------------------


def test_each_teacher_has_one_standing_with_the_body(body, other_body):
    open_with_us = claimed(body)
    passed = reported(body)
    finished(passed, body, InductionOutcome.PASS)
    failed = reported(body)
    finished(failed, body, InductionOutcome.FAIL)
    released = reported(body)
    finished(released, body)
    elsewhere = reported(body)
    InductionPeriodFactory(teacher=elsewhere, appropriate_body=other_body, started_on=THIS_SEPTEMBER)
    completed_elsewhere = reported(body)
    finished(completed_elsewhere, other_body, InductionOutcome.PASS)
    waiting = reported(body)
    released_elsewhere = reported(body)
    finished(released_elsewhere, other_body)
    standings = {teacher: teacher.standing for teacher in queries.body_teachers(body)}
    assert standings == {
        open_with_us: "open",
        passed: "passed",
        failed: "failed",
        released: "released",
        elsewhere: "claimed-elsewhere",
        completed_elsewhere: "completed-elsewhere",
        waiting: "reported",
        released_elsewhere: "reported",
    }
    assert list(queries.body_teachers(body, standing="released")) == [released]
    assert set(queries.body_teachers(body, standing="reported")) == {waiting, released_elsewhere}


def test_the_list_shows_every_ect_of_the_body_and_no_one_elses(signed_in, body, other_body):
    ada = claimed(body, trs_first_name="Ada", trs_last_name="Lovelace", trn="1234567")
    reported(other_body, trs_first_name="Grace", trs_last_name="Hopper")
    InductionPeriodFactory(
        teacher=reported(body, trs_first_name="Mary", trs_last_name="Somerville"),
        appropriate_body=other_body,
        started_on=THIS_SEPTEMBER,
    )
    page = signed_in.get(teachers_url(body)).content.decode()
    assert "Your ECTs" in page and "Riverside Teaching School Hub" in page
    assert "Ada Lovelace" in page and "TRN 1234567" in page and teacher_url(body, ada) in page
    assert "Induction open with you" in page and f"1 September {THIS_YEAR} to now" in page
    assert "Mary Somerville" in page and "Claimed by another body" in page and "Not claimed" in page
    assert "Grace Hopper" not in page
    assert f'href="{csv_url(body)}"' in page
    assert 'class="govuk-back-link"' in page
    assert "<script" not in page.split("</main>")[0].split('id="main-content"')[1]


def test_the_home_page_links_to_the_list(signed_in, body):
    page = signed_in.get(reverse("appropriate_body_home", kwargs={"body_id": body.pk})).content.decode()
    assert f'href="{teachers_url(body)}"' in page


def test_search_by_name_or_trn(signed_in, body):
    claimed(body, trs_first_name="Ada", trs_last_name="Lovelace", trn="1234567")
    claimed(body, trs_first_name="Grace", trs_last_name="Hopper", trn="7654321")
    by_trn = signed_in.get(teachers_url(body), {"q": "1234567"}).content.decode()
    assert "Ada Lovelace" in by_trn and "Grace Hopper" not in by_trn
    by_name = signed_in.get(teachers_url(body), {"q": "hopper"}).content.decode()
    assert "Grace Hopper" in by_name and "Ada Lovelace" not in by_name
    assert 'value="hopper"' in by_name  # what was typed stays in the box
    assert (
        "No ECTs match these filters" in signed_in.get(teachers_url(body), {"q": "Nobody"}).content.decode()
    )


def test_filters_by_status_and_school(signed_in, body):
    ours = SchoolFactory(name="Aardvark Academy")
    at_ours = claimed(body, school=ours, trs_first_name="Ada", trs_last_name="Lovelace")
    waiting = reported(body, trs_first_name="Grace", trs_last_name="Hopper")
    page = signed_in.get(teachers_url(body), {"standing": "open"}).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    assert '<option value="open" selected>' in page
    page = signed_in.get(teachers_url(body), {"standing": "reported"}).content.decode()
    assert "Grace Hopper" in page and "Ada Lovelace" not in page
    page = signed_in.get(teachers_url(body), {"school": ours.urn}).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    assert f'value="{ours.urn}"' in page  # what was typed stays in the box
    page = signed_in.get(teachers_url(body), {"school": "aardvark acad"}).content.decode()
    assert "Ada Lovelace" in page and "Grace Hopper" not in page
    # Nonsense is ignored, not an error.
    page = signed_in.get(teachers_url(body), {"standing": "nonsense", "page": "99"})
    assert page.status_code == 200
    assert {at_ours, waiting} <= set(page.context["page"].object_list)


def test_a_school_not_of_the_body_filters_nothing_in(signed_in, body, other_body):
    reported(body)
    theirs = SchoolFactory(name="Zebra School")
    reported(other_body, school=theirs)
    page = signed_in.get(teachers_url(body)).content.decode()
    assert "Zebra School" not in page
    response = signed_in.get(teachers_url(body), {"school": theirs.urn})
    assert response.status_code == 200  # none of the body's ECTs were there
    assert response.context["page"].object_list == []


def test_pages_of_fifty(signed_in, body):
    for _ in range(51):
        reported(body)
    page = signed_in.get(teachers_url(body)).content.decode()
    assert page.count('scope="row"') == 50 and 'aria-label="Page 2"' in page
    assert "51 ECTs, page 1 of 2" in page
    assert signed_in.get(teachers_url(body), {"page": 2}).content.decode().count('scope="row"') == 1


def test_the_csv_is_the_filtered_list_on_every_page(signed_in, body, other_body):
    ada = claimed(body, trs_first_name="Ada", trs_last_name="Lovelace", trn="1234567")
    passed = reported(body, trs_first_name="Grace", trs_last_name="Hopper", trn="7654321")
    finished(passed, body, InductionOutcome.PASS)
    for _ in range(55):
        reported(body, trs_last_name="Zeta")
    reported(other_body, trs_first_name="Mary", trs_last_name="Somerville")

    rows = csv_rows(signed_in.get(csv_url(body)))
    assert rows[0] == [
        "TRN",
        "Name",
        "School",
        "Induction start",
        "Induction end",
        "Terms",
        "Outcome",
        "Status",
    ]
    assert len(rows) == 1 + 57
    assert rows[1] == [
        "7654321",
        "Grace Hopper",
        "Quillfeather Primary School",
        f"{LAST_YEAR}-09-01",
        f"{THIS_YEAR}-07-20",
        "3.0",
        "Passed",
        "Passed",
    ]
    assert rows[2] == [
        ada.trn,
        "Ada Lovelace",
        "Quillfeather Primary School",
        f"{THIS_YEAR}-09-01",
        "",
        "",
        "",
        "Induction open with you",
    ]
    assert "Mary Somerville" not in str(rows)
    filtered = csv_rows(signed_in.get(csv_url(body), {"standing": "passed"}))
    assert [row[1] for row in filtered[1:]] == ["Grace Hopper"]


def test_the_csv_keeps_a_name_that_looks_like_a_formula_as_text(signed_in, body):
    reported(body, corrected_name="=HYPERLINK(1)")
    rows = csv_rows(signed_in.get(csv_url(body)))
    assert rows[1][1] == "'=HYPERLINK(1)"


# --- The teacher page ---------------------------------------------------------------------------


def provider_led(body, teacher=None, **period):
    """An ECT of `body` trained by Ambition Institute with Hilltop Teaching School Hub."""
    partnership = SchoolPartnershipFactory(
        school=SchoolFactory(name="Quillfeather Primary School"),
        lead_provider_delivery_partnership=LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=ActiveLeadProviderFactory(
                lead_provider=LeadProviderFactory(name="Ambition Institute")
            ),
            delivery_partner=DeliveryPartnerFactory(name="Hilltop Teaching School Hub"),
        ),
    )
    at_school = ECTAtSchoolPeriodFactory(
        teacher=teacher or TeacherFactory(trs_first_name="Ada", trs_last_name="Lovelace"),
        school=partnership.school,
        school_reported_appropriate_body=body,
        started_on=LAST_SEPTEMBER,
        working_pattern="part_time",
        **period,
    )
    return TrainingPeriodFactory(ect_at_school_period=at_school, school_partnership=partnership)


def declare(training, declaration_type, on: datetime.date, **fields):
    partnership = training.school_partnership.lead_provider_delivery_partnership
    return Declaration.objects.create(
        training_period=training,
        teacher=training.ect_at_school_period.teacher,
        course_identifier="ecf-induction",
        lead_provider=partnership.active_lead_provider.lead_provider,
        delivery_partner=partnership.delivery_partner,
        declaration_type=declaration_type,
        declaration_date=datetime.datetime.combine(on, datetime.time(12), tzinfo=datetime.UTC),
        payment_status=fields.pop("payment_status", "no_payment"),
        **fields,
    )


def test_the_teacher_page_shows_what_the_school_reported_and_training_progress(signed_in, body):
    training = provider_led(body)
    teacher = training.ect_at_school_period.teacher
    declare(training, "started", datetime.date(LAST_YEAR, 10, 1))
    declare(training, "retained-1", datetime.date(THIS_YEAR, 1, 10))
    declare(
        training, "retained-2", datetime.date(THIS_YEAR, 4, 1), payment_status="voided", voided_at=clock.now()
    )
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    assert "What schools reported" in page
    assert "Quillfeather Primary School" in page and f"1 September {LAST_YEAR}" in page
    assert "Part time" in page and "Provider-led" in page
    assert "Lead provider: Ambition Institute" in page
    assert "Delivery partner: Hilltop Teaching School Hub" in page
    assert "ect0@example.com" not in page and training.ect_at_school_period.email not in page
    progress = page.split('id="training-progress"')[1].split('id="timeline"')[0]
    assert f"1 October {LAST_YEAR}" in progress and f"10 January {THIS_YEAR}" in progress
    assert progress.count("Not yet declared") == 4  # retained-2 (voided), -3, -4, completed
    for milestone in ["Started", "Retained 1", "Retained 2", "Retained 3", "Retained 4", "Completed"]:
        assert f'<th scope="row" class="govuk-table__header">{milestone}</th>' in progress
    assert "Extended" not in progress


def test_an_expression_of_interest_is_not_yet_a_delivery_partner(signed_in, body):
    at_school = ECTAtSchoolPeriodFactory(school_reported_appropriate_body=body, started_on=LAST_SEPTEMBER)
    TrainingPeriodFactory(
        ect_at_school_period=at_school,
        expression_of_interest=ActiveLeadProviderFactory(
            lead_provider=LeadProviderFactory(name="Teach First")
        ),
    )
    page = signed_in.get(teacher_url(body, at_school.teacher)).content.decode()
    assert "Lead provider: Teach First" in page
    assert "Delivery partner: not yet confirmed by the lead provider" in page


def test_the_timeline_shows_what_a_body_may_see_and_by_which_organisation(signed_in, body, other_body):
    training = provider_led(body)
    teacher, school = training.ect_at_school_period.teacher, training.ect_at_school_period.school
    tutor = UserFactory(full_name="Tess Tutor")
    staff = UserFactory(full_name="Sam Support", is_staff=True)

    def event(event_type, heading, actor, **more):
        record_event(actor=actor, event_type=event_type, heading=heading, teacher=teacher, **more)

    event("ect_registered", "Ada Lovelace registered as an ECT", Actor.school_user(tutor), school=school)
    event(
        "ect_email_address_changed",
        "Email changed to ada@private.example",
        Actor.school_user(tutor),
        school=school,
    )
    event("teacher_viewed_by_support", "Support looked at Ada", Actor.dfe_staff(staff))
    event("mentor_registered", "Ada registered as a mentor", Actor.school_user(tutor), school=school)
    lead_provider = (
        training.school_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
    )
    event(
        "declaration_made", "Ambition Institute declared Ada started", Actor.lead_provider_api(lead_provider)
    )
    event(
        "induction_period_corrected_by_support",
        "Support corrected an induction period",
        Actor.dfe_staff(staff),
        appropriate_body=other_body,
        reason="The other body gave the wrong start date",
    )
    event(
        "induction_period_corrected_by_support",
        "Support corrected our induction period",
        Actor.dfe_staff(staff),
        appropriate_body=body,
        reason="We gave the wrong start date",
    )
    mentor_training = TrainingPeriodFactory(
        ect_at_school_period=None,
        mentor_at_school_period=MentorAtSchoolPeriodFactory(teacher=teacher, school=school),
        school_partnership=training.school_partnership,
    )
    event(
        "training_withdrawn",
        "Ambition Institute withdrew Ada's mentor training",
        Actor.lead_provider_api(lead_provider),
        subject=mentor_training,
    )
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    timeline = page.split('id="timeline"')[1]
    assert "Ada Lovelace registered as an ECT" in timeline and "Quillfeather Primary School" in timeline
    assert "Ambition Institute declared Ada started" in timeline
    assert "Support corrected an induction period" in timeline and "DfE support" in timeline
    assert "Support corrected our induction period" in timeline and "We gave the wrong start date" in timeline
    for hidden in [
        "ada@private.example",
        "Support looked at Ada",
        "registered as a mentor",
        "Tess Tutor",
        "Sam Support",
        "The other body gave the wrong start date",  # another body's reasons stay with it
        "mentor training",  # their own mentor training is no body's business
    ]:
        assert hidden not in page


def test_the_back_link_returns_to_the_list(signed_in, body):
    teacher = claimed(body)
    page = signed_in.get(teacher_url(body, teacher), {"from": "teachers"}).content.decode()
    assert f'href="{teachers_url(body)}" class="govuk-back-link"' in page


# --- Another body's data ------------------------------------------------------------------------


def test_another_bodys_list_csv_and_teachers_are_not_found(signed_in, body, other_body):
    theirs = claimed(other_body)
    for url in [teachers_url(other_body), csv_url(other_body), teacher_url(other_body, theirs)]:
        assert signed_in.get(url).status_code == 404
    assert signed_in.get(teacher_url(body, theirs)).status_code == 404


def test_signed_out_goes_to_sign_in(client, body):
    for url in [teachers_url(body), csv_url(body)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("sign_in"))


# --- Queries per page ---------------------------------------------------------------------------


def test_the_list_csv_and_teacher_page_take_a_fixed_number_of_queries(
    signed_in, body, other_body, django_assert_max_num_queries
):
    training = provider_led(body)
    teacher = training.ect_at_school_period.teacher
    InductionPeriodFactory(teacher=teacher, appropriate_body=body, started_on=LAST_SEPTEMBER)

    def add(count):
        for _ in range(count):
            claimed(body)
            elsewhere = reported(body)
            InductionPeriodFactory(teacher=elsewhere, appropriate_body=other_body, started_on=THIS_SEPTEMBER)
            record_event(
                actor=Actor.school_user(UserFactory()),
                event_type="ect_working_pattern_changed",
                heading="Working pattern changed",
                teacher=teacher,
                school=training.ect_at_school_period.school,
            )
        for declaration_type in ["started", "retained-1", "retained-2"][: min(count, 3)]:
            if not Declaration.objects.filter(teacher=teacher, declaration_type=declaration_type).exists():
                declare(training, declaration_type, datetime.date(THIS_YEAR, 1, 1))

    def load(url):
        response = signed_in.get(url)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    urls = [teachers_url(body), csv_url(body), teacher_url(body, teacher)]
    add(1)
    counted = {}
    for url in urls:
        with django_assert_max_num_queries(20) as captured:
            load(url)
        counted[url] = len(captured)
    add(30)
    for url in urls:
        with django_assert_max_num_queries(counted[url]):
            load(url)


def test_the_teacher_page_says_where_their_induction_stands_and_offers_a_claim_only_when_unclaimed(
    signed_in, body, other_body
):
    waiting = reported(body, trn="1234567", trs_induction_status="required_to_complete")
    page = signed_in.get(teacher_url(body, waiting)).content.decode()
    assert "Required to complete" in page
    assert f"?trn={waiting.trn}" in page and f"Claim {waiting.full_name}" in page

    ours = claimed(body, trs_induction_status="required_to_complete")  # TRS not read again since
    page = signed_in.get(teacher_url(body, ours)).content.decode()
    assert f"In progress, from {THIS_SEPTEMBER:%-d %B %Y}" in page
    assert "Required to complete" in page  # what TRS said when we last read it, shown as such
    assert f"Claim {ours.full_name}" not in page

    passed = reported(body)
    finished(passed, other_body, outcome="pass")
    page = signed_in.get(teacher_url(body, passed)).content.decode()
    assert f"Passed, from {LAST_SEPTEMBER:%-d %B %Y} to 20 July {THIS_YEAR}" in page
    assert f"Claim {passed.full_name}" not in page


def test_the_teacher_page_counts_the_induction_from_the_start_trs_held_before_ours(signed_in, body):
    trs_start = datetime.date(THIS_YEAR - 2, 9, 2)
    teacher = claimed(body, trs_induction_status="in_progress", trs_induction_started_on=trs_start)
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    assert f"In progress, from {trs_start:%-d %B %Y}" in page
    assert "and the start date the Teaching Record System held before them" in page


def test_a_school_led_ect_has_no_table_of_milestones_no_one_will_declare(signed_in, body):
    teacher = claimed(body)
    TrainingPeriodFactory(
        ect_at_school_period=teacher.ect_at_school_periods.get(),
        training_programme="school_led",
        school_partnership=None,
        expression_of_interest=None,
    )
    page = signed_in.get(teacher_url(body, teacher)).content.decode()
    progress = page.split('id="training-progress"')[1].split('id="timeline"')[0]
    assert "school-led training" in progress and "Not yet declared" not in progress
