"""An appropriate body's pages: what they show, and that every page about another body or a
teacher the body may not see is a 404."""

import datetime

import pytest
from django.urls import reverse

from core import clock
from schools.models import SchoolAccess
from tests.accounts.test_sign_in import sign_in
from tests.dates import THIS_YEAR
from tests.factories import (
    AppropriateBodyAccessFactory,
    ECTAtSchoolPeriodFactory,
    InductionPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

THIS_SEPTEMBER = datetime.date(THIS_YEAR, 9, 1)


def reported(body, **teacher):
    return ECTAtSchoolPeriodFactory(
        started_on=THIS_SEPTEMBER,
        school=SchoolFactory(name="Quillfeather Primary School"),
        school_reported_appropriate_body=body,
        working_pattern="part_time",
        teacher=TeacherFactory(**{"trs_qts_awarded_on": datetime.date(THIS_YEAR, 7, 20), **teacher}),
    ).teacher


def home(body):
    return reverse("appropriate_body_home", kwargs={"body_id": body.pk})


def review(body, slug="reported"):
    return reverse("appropriate_body_review", kwargs={"body_id": body.pk, "slug": slug})


def teacher_url(body, teacher):
    return reverse("appropriate_body_teacher", kwargs={"body_id": body.pk, "teacher_id": teacher.pk})


def test_the_home_page_names_the_body_and_counts_each_list(client, body, body_user):
    reported(body)
    reported(body, trs_qts_awarded_on=None)
    client.force_login(body_user)
    page = client.get(home(body)).content.decode()
    assert '<h1 class="govuk-heading-l">Riverside Teaching School Hub</h1>' in page
    assert "ECT induction records to review" in page
    for slug, title in [
        ("reported", "Reported by schools, not yet claimed"),
        ("left", "Left their school, still open with you"),
        ("no-qts", "No QTS yet"),
        ("claimed-elsewhere", "Claimed by another body"),
    ]:
        assert f'href="{review(body, slug)}">{title}</a>' in page
    assert '<span class="govuk-!-font-weight-bold">2</span> teachers: check and claim' in page
    assert '<span class="govuk-!-font-weight-bold">1</span> teacher: check' in page
    assert 'class="govuk-back-link"' in page
    assert "<script" not in page.split("</main>")[0].split('id="main-content"')[1]


def test_a_list_shows_name_trn_and_school_and_is_searchable_and_paged(client, body, body_user):
    ada = reported(body, trs_first_name="Ada", trs_last_name="Lovelace", trn="1234567")
    for _ in range(50):
        reported(body, trs_last_name="Zeta")
    client.force_login(body_user)
    page = client.get(review(body)).content.decode()
    assert "Ada Lovelace" in page and "1234567" in page and "Quillfeather Primary School" in page
    assert teacher_url(body, ada) in page
    assert 'aria-label="Page 2"' in page
    second = client.get(review(body), {"page": 2}).content.decode()
    assert second.count('scope="row"') == 1
    searched = client.get(review(body), {"q": "1234567"}).content.decode()
    assert searched.count('scope="row"') == 1 and "Ada Lovelace" in searched
    assert "No teachers on this list match" in client.get(review(body), {"q": "Nobody"}).content.decode()


def test_the_teacher_page_shows_their_record(client, body, other_body, body_user):
    ada = reported(
        body, trs_first_name="Ada", trs_last_name="Lovelace", trn="1234567", trs_induction_status="InProgress"
    )
    InductionPeriodFactory(
        teacher=ada,
        appropriate_body=other_body,
        started_on=datetime.date(THIS_YEAR - 1, 9, 1),
        finished_on=datetime.date(THIS_YEAR, 7, 20),
        number_of_terms=3,
    )
    client.force_login(body_user)
    page = client.get(teacher_url(body, ada), {"from": "reported"}).content.decode()
    assert "Ada Lovelace" in page and "1234567" in page
    assert f"20 July {THIS_YEAR}" in page  # QTS, and the end of the period with the other body
    assert "Hillside Teaching School Hub" in page and "3.0" in page
    assert (
        "Quillfeather Primary School" in page and f"1 September {THIS_YEAR}" in page and "Part time" in page
    )
    assert f'href="{review(body)}" class="govuk-back-link"' in page


def test_another_bodys_pages_are_not_found(client, body, other_body, body_user):
    theirs = reported(other_body)
    InductionPeriodFactory(teacher=theirs, appropriate_body=other_body)
    client.force_login(body_user)
    assert client.get(home(other_body)).status_code == 404
    for slug in ["reported", "left", "no-qts", "claimed-elsewhere"]:
        assert client.get(review(other_body, slug)).status_code == 404
    assert client.get(teacher_url(other_body, theirs)).status_code == 404
    # Nor, through our own body, a teacher we may not see.
    assert client.get(teacher_url(body, theirs)).status_code == 404
    assert client.get(review(body, "everyone")).status_code == 404


def test_ended_access_is_no_access(client, body, body_user):
    body_user.appropriate_body_access.update(ended_at=clock.now())
    client.force_login(body_user)
    assert client.get(home(body)).status_code == 404


def test_a_school_user_without_body_access_is_not_found(client, body):
    teacher = reported(body)
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    SchoolAccess.objects.create(
        user=tutor, school=teacher.ect_at_school_periods.get().school, role="induction_tutor"
    )
    client.force_login(tutor)
    for url in [home(body), review(body), teacher_url(body, teacher)]:
        assert client.get(url).status_code == 404


def test_signed_out_goes_to_sign_in(client, body):
    teacher = reported(body)
    for url in [home(body), review(body), teacher_url(body, teacher)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("sign_in"))


# --- After signing in ------------------------------------------------------------------------


def test_a_body_user_with_no_school_goes_to_their_body(client, body, body_user):
    client.force_login(body_user)
    assert client.get(reverse("post_sign_in"))["Location"] == reverse("choose_school")
    assert client.get(reverse("choose_school"))["Location"] == home(body)


def test_someone_with_both_hats_chooses_which_to_use(client, body, other_body, body_user):
    school = SchoolFactory(name="Aardvark Academy")
    SchoolAccess.objects.create(user=body_user, school=school, role="induction_tutor")
    AppropriateBodyAccessFactory(user=body_user, appropriate_body=other_body)
    client.force_login(body_user)
    page = client.get(reverse("choose_school")).content.decode()
    assert "Which do you want to use?" in page
    assert 'type="radio"' in page and 'class="govuk-back-link"' in page
    assert "Aardvark Academy, school" in page
    assert "Riverside Teaching School Hub, appropriate body" in page
    assert "Hillside Teaching School Hub, appropriate body" in page

    missing = client.post(reverse("choose_school"), {})
    assert missing.status_code == 200
    assert "govuk-error-summary" in missing.content.decode()
    assert "Select the school or appropriate body you want to use" in missing.content.decode()

    assert client.post(reverse("choose_school"), {"use": f"body-{other_body.pk}"})["Location"] == home(
        other_body
    )
    assert client.post(reverse("choose_school"), {"use": f"school-{school.urn}"})["Location"] == reverse(
        "school_home", kwargs={"urn": school.urn}
    )


def test_the_choice_offers_only_what_the_person_may_use(client, body, other_body, body_user):
    AppropriateBodyAccessFactory(appropriate_body=other_body)
    SchoolAccess.objects.create(user=body_user, school=SchoolFactory(), role="induction_tutor")
    client.force_login(body_user)
    response = client.post(reverse("choose_school"), {"use": f"body-{other_body.pk}"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_a_school_user_sees_the_schools_list_as_before(client):
    tutor = UserFactory(privacy_notice_accepted_at=clock.now())
    for name in ["Aardvark Academy", "Badger Primary"]:
        SchoolAccess.objects.create(user=tutor, school=SchoolFactory(name=name), role="colleague")
    client.force_login(tutor)
    page = client.get(reverse("choose_school")).content.decode()
    assert "Which school do you want to manage?" in page
    assert 'type="radio"' not in page


def test_a_body_user_signs_in_by_emailed_link_and_lands_on_their_body(client, body, body_user):
    sign_in(client, body_user)
    assert client.get(reverse("post_sign_in"), follow=True).redirect_chain[-1][0] == home(body)


def test_pages_take_a_fixed_number_of_queries(
    client, body, other_body, body_user, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            reported(body)
            elsewhere = reported(body, trs_qts_awarded_on=None)
            InductionPeriodFactory(teacher=elsewhere, appropriate_body=other_body)

    client.force_login(body_user)
    urls = [home(body)] + [review(body, slug) for slug in ["reported", "left", "no-qts", "claimed-elsewhere"]]
    add(2)
    counted = {}
    for url in urls:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(url).status_code == 200
        counted[url] = len(captured)
    add(20)
    for url in urls:
        with django_assert_max_num_queries(counted[url]):
            assert client.get(url).status_code == 200
