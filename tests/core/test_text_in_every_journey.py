"""What people type, posted through every journey with the Django test client as a school user
would (issue 14, point 7).

Every name field: a name in any script is taken and the journey moves on; a name with a hidden
character (a text-direction override, a NUL) is refused by the field in our words; a name of
10,000 characters gets exactly one error, ours. Every other box (email addresses, TRN, National
Insurance number, dates, searches, even radios posted a made-up value): 10,000 characters or a
NUL get one error in our words, never Django's and never a server error.

Each journey is walked to its step by a function below, which says where the step is, which box
is being tried, what else the page needs to be valid, and the words the box refuses in."""

import datetime
import html
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse

from core import clock
from tests.dates import THIS_YEAR
from tests.factories import (
    ActiveLeadProviderFactory,
    AppropriateBodyFactory,
    ContractPeriodFactory,
    ECTAtSchoolPeriodFactory,
    MentorAtSchoolPeriodFactory,
    SchoolFactory,
    TeacherFactory,
    UserFactory,
    school_set_up_with,
)
from tests.outbox import emails_sent, token_in

pytestmark = pytest.mark.django_db

RIGHT_TO_LEFT_OVERRIDE = "Amara \u202eOkafor"  # shows as "Amara rafakO"
ARABIC = "زينب الحسيني"
TEN_THOUSAND = "A" * 10_000
NUL = "Amara\x00Okafor"

# Django's own words, none of which a user should ever read.
DJANGO_WORDS = (
    "Ensure this value",
    "Null characters",
    "This field is required",
    "Select a valid choice",
    "Enter a valid",
    "Enter a list of values",
)


@dataclass(frozen=True)
class Box:
    """A box on a step of a journey: the step's address, the key posted (a date's day box is
    `started_on_day`), the field it belongs to, and the other answers that make the page valid."""

    url: str
    key: str
    other_answers: dict = field(default_factory=dict)
    field_name: str = ""

    @property
    def field(self) -> str:
        return self.field_name or self.key


@dataclass
class World:
    client: Client
    tutor: object
    school: object
    ect: object
    mentor: object


@pytest.fixture
def world(client, fake_trs):
    this_year = ContractPeriodFactory(year=THIS_YEAR)
    tutor = UserFactory(full_name="Ada Lovelace", privacy_notice_accepted_at=clock.now())
    school = school_set_up_with(
        ActiveLeadProviderFactory(contract_period=this_year).lead_provider,
        tutor=tutor,
        contract_period=this_year,
        appropriate_body=AppropriateBodyFactory(name="Riverside Teaching School Hub"),
    )
    started = datetime.date(THIS_YEAR, 9, 1)
    ect = ECTAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trn="9990007", trs_first_name="Leila", trs_last_name="Haddad"),
        started_on=started,
    )
    mentor = MentorAtSchoolPeriodFactory(
        school=school,
        teacher=TeacherFactory(trs_first_name="Tomasz", trs_last_name="Nowak"),
        started_on=started,
    )
    return World(client=client, tutor=tutor, school=school, ect=ect, mentor=mentor)


def moved_on(client, address, data) -> str:
    response = client.post(address, data)
    assert response.status_code == 302, (address, response.content.decode()[:3000])
    return response["Location"]


# --- Walking each journey to a step ---------------------------------------------------------------


def nominating(world, *, up_to: str) -> str:
    """The headteacher's nomination journey, answered up to the step `up_to`; its address."""
    school = SchoolFactory(contact_email="head@fictional.example.org")
    with emails_sent() as sent:
        moved_on(world.client, reverse("nomination_confirm_school", kwargs={"urn": school.urn}), {})
    world.client.get(reverse("nomination_start", kwargs={"token": token_in(sent[0], "nomination_url")}))
    answers = {"expects-ects": {"expects_ects": "yes"}, "tutor-name": {"full_name": "Jane Tutor"}}
    for step, answer in answers.items():
        if step == up_to:
            break
        moved_on(world.client, reverse("nomination_step", kwargs={"step": step}), answer)
    return reverse("nomination_step", kwargs={"step": up_to})


AMARA = {
    "trn": "9990001",
    "date_of_birth_day": "21",
    "date_of_birth_month": "4",
    "date_of_birth_year": "1996",
}
PRIYA = {"trn": "9990005", "date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1990"}
TOMASZ = {
    "trn": "9990002",
    "date_of_birth_day": "3",
    "date_of_birth_month": "11",
    "date_of_birth_year": "1998",
}
REGISTERING = {
    "an ECT": ("register_ect", "find-ect", AMARA, {}),
    "a mentor": ("register_mentor", "find-mentor", TOMASZ, {}),
    "a mentor for an ECT": ("register_mentor_for_ect", "find-mentor", TOMASZ, {"period_id": "ect"}),
    "yourself as a mentor": ("register_yourself_as_mentor", "find-mentor", TOMASZ, {}),
}


def registering(world, who: str, *, up_to: str, found: dict | None = None) -> str:
    """A registration (`who` is a key of REGISTERING), answered up to the step `up_to`; its address."""
    url_name, find_step, teacher, ids = REGISTERING[who]
    world.client.force_login(world.tutor)
    where = {"urn": world.school.urn, **{key: getattr(world, value).pk for key, value in ids.items()}}
    answers = {
        find_step: found or teacher,
        "confirm-name": {"name_is_right": "yes"},
        "email": {"email": "new.teacher@example.org"},
    }
    for step, answer in answers.items():
        if step == up_to:
            break
        moved_on(world.client, reverse(url_name, kwargs={**where, "step": step}), answer)
    return reverse(url_name, kwargs={**where, "step": up_to})


def changing(world, role: str, what: str, step: str) -> str:
    world.client.force_login(world.tutor)
    period = getattr(world, role)
    return reverse(
        f"{role}_change", kwargs={"urn": world.school.urn, "period_id": period.pk, "what": what, "step": step}
    )


def on_the_school(world, url_name: str, step: str) -> str:
    world.client.force_login(world.tutor)
    return reverse(url_name, kwargs={"urn": world.school.urn, "step": step})


# --- Reading the page -------------------------------------------------------------------------------


def error_summary(page: str) -> list[str]:
    """The messages the error summary lists, as the user reads them."""
    found = re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', page, re.DOTALL)
    if not found:
        return []
    return [
        html.unescape(text) for text in re.findall(r"<li><a [^>]*>(.*?)</a></li>", found.group(1), re.DOTALL)
    ]


def error_by(page: str, field_name: str) -> str | None:
    """The message shown by a field."""
    found = re.search(
        rf'<p id="id_{field_name}-error" class="govuk-error-message">'
        r'<span class="govuk-visually-hidden">Error:</span> (.*?)</p>',
        page,
        re.DOTALL,
    )
    return html.unescape(found.group(1)) if found else None


def refused_with(response, box: Box, message: str):
    page = response.content.decode()
    assert response.status_code == 200, page[:3000]
    assert error_summary(page) == [message]  # one error, ours
    assert error_by(page, box.field) == message
    assert not any(words in page for words in DJANGO_WORDS)


# --- Every name field -------------------------------------------------------------------------------

NAME_FIELDS = {
    "nominating an induction tutor": lambda world: (
        Box(nominating(world, up_to="tutor-name"), "full_name"),
        "Full name",
    ),
    "giving a colleague access": lambda world: (
        Box(
            on_the_school(world, "add_colleague", "details"),
            "colleague_name",
            {"colleague_email": "sam@example.org"},
        ),
        "Full name",
    ),
    "changing the induction tutor": lambda world: (
        Box(
            on_the_school(world, "change_induction_tutor", "details"),
            "new_tutor_name",
            {"new_tutor_email": "grace@example.org"},
        ),
        "Full name",
    ),
    **{
        f"registering {who}": lambda world, who=who: (
            Box(registering(world, who, up_to="confirm-name"), "corrected_name", {"name_is_right": "no"}),
            "The name they use",
        )
        for who in REGISTERING
    },
    **{
        f"changing {whose} name": lambda world, role=role: (
            Box(changing(world, role, "name", "name"), "name", {"reason": "changed_name"}),
            "Their name",
        )
        for whose, role in (("an ECT's", "ect"), ("a mentor's", "mentor"))
    },
}


@pytest.mark.parametrize("name_field", NAME_FIELDS.values(), ids=NAME_FIELDS.keys())
@pytest.mark.parametrize(
    ("name", "outcome"),
    [
        pytest.param(RIGHT_TO_LEFT_OVERRIDE, "hidden", id="bidi override"),
        pytest.param(ARABIC, "taken", id="Arabic"),
        pytest.param(TEN_THOUSAND, "too long", id="10,000 characters"),
        pytest.param(NUL, "hidden", id="NUL"),
    ],
)
def test_every_name_field_takes_any_script_and_refuses_hidden_or_too_long_names_in_our_words(
    world, name_field, name, outcome
):
    box, called = name_field(world)
    response = world.client.post(box.url, {**box.other_answers, box.key: name})
    if outcome == "taken":
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] != box.url  # the journey moves on
        assert world.client.get(response["Location"]).status_code == 200
    elif outcome == "hidden":
        refused_with(response, box, f"{called} must not include hidden characters")
    else:
        refused_with(response, box, f"{called} must be 200 characters or less")


def test_a_name_in_arabic_is_kept_as_typed_to_the_end_of_the_journey(world):
    address = changing(world, "ect", "name", "name")
    check = moved_on(world.client, address, {"name": ARABIC, "reason": "changed_name"})
    assert ARABIC in world.client.get(check).content.decode()
    world.client.post(check)
    world.ect.teacher.refresh_from_db()
    assert world.ect.teacher.corrected_name == ARABIC


def test_the_name_box_is_not_checked_when_they_say_the_name_on_the_record_is_right(world):
    """The box is revealed by "No"; what was typed in it before choosing "Yes" is not an error."""
    address = registering(world, "an ECT", up_to="confirm-name")
    for typed in (TEN_THOUSAND, NUL):
        after = moved_on(world.client, address, {"name_is_right": "yes", "corrected_name": typed})
        assert after == address.replace("confirm-name", "email")


# --- Every other box --------------------------------------------------------------------------------

EMAIL_TOO_LONG = "Email address must be 254 characters or less"
EMAIL_HIDDEN = "Email address must not include hidden characters"
TRN_FORMAT = "Enter a TRN in the correct format: 7 digits, like 1234567"
NI_FORMAT = "Enter a National Insurance number, like QQ 12 34 56 C"
NOT_A_DATE_OF_BIRTH = "Date of birth must be a real date"
NOT_A_START_DATE = "Start date must be a real date"
START_DATE = {"started_on_day": "1", "started_on_month": "9", "started_on_year": str(THIS_YEAR)}


def dob(**changed):
    return {key: value for key, value in AMARA.items() if key != "trn"} | changed


OTHER_BOXES = {
    # name: (walk to the box, our words for 10,000 characters, our words for a NUL)
    "nomination: expects ECTs (radios)": (
        lambda world: Box(nominating(world, up_to="expects-ects"), "expects_ects"),
        "Select whether you expect any early career teachers to join your school",
        "Select whether you expect any early career teachers to join your school",
    ),
    "nomination: induction tutor's email": (
        lambda world: Box(nominating(world, up_to="tutor-email"), "email"),
        EMAIL_TOO_LONG,
        EMAIL_HIDDEN,
    ),
    "colleague's email": (
        lambda world: Box(
            on_the_school(world, "add_colleague", "details"), "colleague_email", {"colleague_name": "Sam Lee"}
        ),
        EMAIL_TOO_LONG,
        EMAIL_HIDDEN,
    ),
    "new induction tutor's email": (
        lambda world: Box(
            on_the_school(world, "change_induction_tutor", "details"),
            "new_tutor_email",
            {"new_tutor_name": "Grace Hopper"},
        ),
        EMAIL_TOO_LONG,
        EMAIL_HIDDEN,
    ),
    "register ECT: TRN": (
        lambda world: Box(registering(world, "an ECT", up_to="find-ect"), "trn", dob()),
        TRN_FORMAT,
        "TRN must not include hidden characters",
    ),
    "register ECT: date of birth": (
        lambda world: Box(
            registering(world, "an ECT", up_to="find-ect"),
            "date_of_birth_day",
            {"trn": "9990001", **dob()},
            field_name="date_of_birth",
        ),
        NOT_A_DATE_OF_BIRTH,
        NOT_A_DATE_OF_BIRTH,
    ),
    "register ECT: National Insurance number": (
        lambda world: Box(
            registering(world, "an ECT", up_to="national-insurance-number", found=PRIYA),
            "national_insurance_number",
        ),
        NI_FORMAT,
        "National Insurance number must not include hidden characters",
    ),
    "register ECT: is this the name they use (radios)": (
        lambda world: Box(registering(world, "an ECT", up_to="confirm-name"), "name_is_right"),
        "Select whether this is the name they use",
        "Select whether this is the name they use",
    ),
    "register ECT: email": (
        lambda world: Box(registering(world, "an ECT", up_to="email"), "email"),
        EMAIL_TOO_LONG,
        EMAIL_HIDDEN,
    ),
    "register ECT: start date": (
        lambda world: Box(
            registering(world, "an ECT", up_to="start-date"),
            "started_on_day",
            START_DATE,
            field_name="started_on",
        ),
        NOT_A_START_DATE,
        NOT_A_START_DATE,
    ),
    "register mentor: email": (
        lambda world: Box(registering(world, "a mentor", up_to="email"), "email"),
        EMAIL_TOO_LONG,
        EMAIL_HIDDEN,
    ),
    "change an ECT's email": (
        lambda world: Box(changing(world, "ect", "email", "email"), "email"),
        EMAIL_TOO_LONG,
        EMAIL_HIDDEN,
    ),
    "change an ECT's working pattern (radios)": (
        lambda world: Box(changing(world, "ect", "working-pattern", "working-pattern"), "working_pattern"),
        "Select whether they work full time or part time",
        "Select whether they work full time or part time",
    ),
    "change a mentor's name: why (radios)": (
        lambda world: Box(changing(world, "mentor", "name", "name"), "reason", {"name": "Tom Nowak"}),
        "Select why you're changing their name",
        "Select why you're changing their name",
    ),
}


@pytest.mark.parametrize(("walk", "too_long", "hidden"), OTHER_BOXES.values(), ids=OTHER_BOXES.keys())
@pytest.mark.parametrize("typed", [TEN_THOUSAND, NUL], ids=["10,000 characters", "NUL"])
def test_every_other_box_refuses_too_much_or_hidden_text_with_one_error_in_our_words(
    world, walk, too_long, hidden, typed
):
    box = walk(world)
    response = world.client.post(box.url, {**box.other_answers, box.key: typed})
    refused_with(response, box, too_long if typed == TEN_THOUSAND else hidden)


def test_signing_in_with_too_long_or_hidden_text_says_so_in_our_words(client):
    for typed, message in ((TEN_THOUSAND, EMAIL_TOO_LONG), (f"ada{NUL}@example.org", EMAIL_HIDDEN)):
        response = client.post(reverse("sign_in"), {"email": typed})
        refused_with(response, Box(reverse("sign_in"), "email"), message)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (TEN_THOUSAND, "School name, URN or postcode must be 100 characters or less"),
        (NUL, "School name, URN or postcode must not include hidden characters"),
    ],
)
def test_searching_for_a_school_with_too_long_or_hidden_text_says_so_in_our_words(client, typed, message):
    refused_with(client.get(reverse("nominate"), {"q": typed}), Box(reverse("nominate"), "q"), message)
    found = client.get(reverse("nominate_search_json"), {"q": typed})
    assert (found.status_code, found.json()) == (200, {"schools": []})


@pytest.mark.parametrize("typed", [TEN_THOUSAND, NUL, RIGHT_TO_LEFT_OVERRIDE])
def test_a_dashboard_search_with_too_long_or_hidden_text_is_ignored(world, typed):
    world.client.force_login(world.tutor)
    year = reverse("school_year", kwargs={"urn": world.school.urn, "year": THIS_YEAR})
    for query in ({"q": typed}, {"status": typed}, {"page": typed}):
        response = world.client.get(year, query)
        assert response.status_code == 200
        assert not any(words in response.content.decode() for words in DJANGO_WORDS)
