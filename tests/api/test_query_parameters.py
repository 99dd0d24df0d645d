"""Query parameters as the DfE's v3 API takes them (docs/decisions/0032): a client written for it
gets the same status for every value. Only a malformed or missing filter (400 "Bad parameter") and
an updated_since or page that cannot be read (400 "Bad request") are refused; a filter value that
cannot match finds nothing, an unknown sort field is left out, a parameter an endpoint does not
take is ignored, and an id that is not one is a 404 like any id not yours."""

import datetime
import uuid

import pytest

from core import clock
from finance import services as finance
from finance.models import Declaration
from participants.models import TeacherIdChange
from providers.models import DeliveryPartner
from tests.dates import THIS_YEAR
from tests.factories import (
    DeliveryPartnerFactory,
    LeadProviderDeliveryPartnershipFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db

PARTICIPANTS = "/api/v3/participants"
SCHOOLS = "/api/v3/schools"
PARTNERSHIPS = "/api/v3/partnerships"
DELIVERY_PARTNERS = "/api/v3/delivery-partners"
DECLARATIONS = "/api/v3/participant-declarations"
STATEMENTS = "/api/v3/statements"

BAD_PAGE = {
    "title": "Bad request",
    "detail": "page[page] and page[per_page] must each be a whole number of 1 or more.",
}
BAD_UPDATED_SINCE = {
    "title": "Bad request",
    "detail": "filter[updated_since] must be an ISO 8601 date and time, like 2026-09-01T08:30:00Z.",
}
FILTER_NOT_PAIRS = {
    "title": "Bad parameter",
    "detail": "Give filters as filter[name]=value, like filter[cohort]=2025.",
}
NO_COHORT = {"title": "Bad parameter", "detail": "filter[cohort] is required here, like filter[cohort]=2025."}
NOT_FOUND = {"errors": [{"title": "Resource not found", "detail": "Nothing of yours has that id."}]}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["data"]]


def errors(response, status=400) -> list[dict]:
    assert response.status_code == status, response.content
    return response.json()["errors"]


@pytest.fixture
def declaration(api, amara, ambition_this_year):
    """Amara's started declaration, Ambition's, through Kings."""
    finance.add_statements(ambition_this_year)
    response = api.post(
        DECLARATIONS,
        {
            "participant_id": str(amara.teacher.api_id),
            "declaration_type": "started",
            "declaration_date": f"{THIS_YEAR}-10-01T09:00:00Z",
            "course_identifier": "ecf-induction",
            "evidence_held": "training-event-attended",
        },
    )
    assert response.status_code == 200, response.content
    return Declaration.objects.get()


# --- The filter parameter as a whole -------------------------------------------------------------------


@pytest.mark.parametrize("key", ["filter", "filter[]"])
def test_a_filter_that_is_not_name_value_pairs_is_a_400_bad_parameter(api, amara, key):
    assert errors(api.get(PARTICIPANTS, {key: "2025"})) == [FILTER_NOT_PAIRS]
    # On every endpoint, as the DfE's API checks it on every one.
    assert errors(api.get(f"{PARTICIPANTS}/{amara.teacher.api_id}", {key: "x"})) == [FILTER_NOT_PAIRS]


def test_schools_without_filter_cohort_is_a_400_bad_parameter(api, quillfeather, current_period):
    assert errors(api.get(SCHOOLS)) == [NO_COHORT]
    assert errors(api.get(SCHOOLS, {"filter[urn]": "100001"})) == [NO_COHORT]
    assert errors(api.get(f"{SCHOOLS}/{quillfeather.api_id}")) == [NO_COHORT]
    # The check comes first: the page is not looked at.
    assert errors(api.get(SCHOOLS, {"page[page]": "0"})) == [NO_COHORT]


def test_the_filter_problem_comes_first_then_updated_since_then_the_page(api, current_period):
    response = api.get(SCHOOLS, {"filter[updated_since]": "yesterday", "page[page]": "0"})
    assert errors(response)[0] == NO_COHORT
    response = api.get(
        SCHOOLS, {"filter[cohort]": f"{THIS_YEAR}", "filter[updated_since]": "yesterday", "page[page]": "0"}
    )
    assert errors(response) == [BAD_UPDATED_SINCE, BAD_PAGE]


# --- Pages ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", [{"page[page]": "0"}, {"page[page]": ""}, {"page[page]": "-1"}, {"page[per_page]": "abc"}]
)
def test_a_page_that_is_not_1_or_more_is_a_400_bad_request(api, amara, page):
    assert api.get(PARTICIPANTS, page).json() == {"errors": [BAD_PAGE]}


def test_both_page_parameters_bad_are_one_problem(api, amara):
    assert errors(api.get(PARTICIPANTS, {"page[page]": "0", "page[per_page]": "0"})) == [BAD_PAGE]


def test_a_page_is_read_as_the_number_it_starts_with(api, amara, ben):
    everyone = [str(amara.teacher.api_id), str(ben.teacher.api_id)]
    assert ids(api.get(PARTICIPANTS, {"page[per_page]": "1.5"})) == everyone[:1]
    assert ids(api.get(PARTICIPANTS, {"page[per_page]": "1abc", "page[page]": " 2"})) == everyone[1:]
    assert ids(api.get(PARTICIPANTS, {"page[per_page]": "99999999999999999999"})) == everyone
    assert ids(api.get(PARTICIPANTS, {"page[page]": "99999999999999999999"})) == []


# --- filter[updated_since] ---------------------------------------------------------------------------------


def test_an_updated_since_that_cannot_be_read_is_a_400_bad_request(api, amara):
    assert api.get(PARTICIPANTS, {"filter[updated_since]": "yesterday"}).json() == {
        "errors": [BAD_UPDATED_SINCE]
    }


def test_an_empty_updated_since_is_no_filter_and_a_date_alone_is_midnight(api, amara):
    assert ids(api.get(PARTICIPANTS, {"filter[updated_since]": "  "})) == [str(amara.teacher.api_id)]
    assert ids(api.get(PARTICIPANTS, {"filter[updated_since]": f"{THIS_YEAR - 1}-01-01"})) == [
        str(amara.teacher.api_id)
    ]
    assert ids(api.get(PARTICIPANTS, {"filter[updated_since]": f"{THIS_YEAR + 5}-01-01"})) == []


def test_lists_that_do_not_take_updated_since_ignore_it(api, kings):
    future = f"{THIS_YEAR + 5}-01-01T00:00:00Z"
    assert ids(api.get(DELIVERY_PARTNERS, {"filter[updated_since]": future})) == [
        str(kings.delivery_partner.api_id)
    ]
    # Even one that cannot be read.
    assert api.get(DELIVERY_PARTNERS, {"filter[updated_since]": "yesterday"}).status_code == 200


# --- filter[cohort] -----------------------------------------------------------------------------------------

COHORT_LISTS = [PARTICIPANTS, PARTNERSHIPS, DELIVERY_PARTNERS, DECLARATIONS, STATEMENTS]


@pytest.mark.parametrize("path", COHORT_LISTS)
def test_filter_cohort_takes_the_parts_that_are_numbers(api, declaration, path):
    everything = ids(api.get(path))
    assert everything
    assert ids(api.get(path, {"filter[cohort]": f"{THIS_YEAR}"})) == everything
    assert ids(api.get(path, {"filter[cohort]": f"{THIS_YEAR},abc,,20A1, {THIS_YEAR - 1}"})) == everything
    assert ids(api.get(path, {"filter[cohort]": ""})) == everything
    assert ids(api.get(path, {"filter[cohort]": " "})) == everything
    # Nothing that is a number, or no such year: nothing, not every year.
    for nothing in ("abc", ",", f"{THIS_YEAR - 1}", "99999999999", "²⁰²⁶"):
        assert ids(api.get(path, {"filter[cohort]": nothing})) == [], nothing


def test_schools_take_the_year_filter_cohort_starts_with(api, quillfeather, current_period):
    school = [str(quillfeather.api_id)]
    assert ids(api.get(SCHOOLS, {"filter[cohort]": f"{THIS_YEAR}"})) == school
    assert ids(api.get(SCHOOLS, {"filter[cohort]": f"{THIS_YEAR},{THIS_YEAR + 1}"})) == school
    for nothing in ("", "abc", f"{THIS_YEAR - 1}", "-5", "99999999999"):
        assert ids(api.get(SCHOOLS, {"filter[cohort]": nothing})) == [], nothing


def test_one_school_in_a_year_that_is_not_one_is_a_404(api, quillfeather, current_period):
    response = api.get(f"{SCHOOLS}/{quillfeather.api_id}", {"filter[cohort]": "abc"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


# --- The other filters ----------------------------------------------------------------------------------------


def test_training_status_that_is_not_one_finds_nobody(api, amara):
    amara_id = str(amara.teacher.api_id)
    assert ids(api.get(PARTICIPANTS, {"filter[training_status]": "active"})) == [amara_id]
    assert ids(api.get(PARTICIPANTS, {"filter[training_status]": "withdrawn"})) == []
    assert ids(api.get(PARTICIPANTS, {"filter[training_status]": "resting"})) == []
    assert ids(api.get(PARTICIPANTS, {"filter[training_status]": "Active"})) == []
    assert ids(api.get(PARTICIPANTS, {"filter[training_status]": ""})) == [amara_id]


def test_from_participant_id_that_is_not_an_id_finds_nobody(api, amara):
    retired = uuid.uuid4()
    TeacherIdChange.objects.create(teacher=amara.teacher, from_api_id=retired)
    amara_id = str(amara.teacher.api_id)
    assert ids(api.get(PARTICIPANTS, {"filter[from_participant_id]": str(retired).upper()})) == [amara_id]
    assert ids(api.get(PARTICIPANTS, {"filter[from_participant_id]": "7"})) == []
    assert ids(api.get(PARTICIPANTS, {"filter[from_participant_id]": f"{retired},{retired}"})) == []
    assert ids(api.get(PARTICIPANTS, {"filter[from_participant_id]": ""})) == [amara_id]


def test_declaration_ids_take_those_written_8_4_4_4_12(api, amara, kings, declaration):
    mine = [str(declaration.api_id)]
    for name, value in (
        ("filter[participant_id]", amara.teacher.api_id),
        ("filter[delivery_partner_id]", kings.delivery_partner.api_id),
    ):
        assert ids(api.get(DECLARATIONS, {name: f"{value},garbage"})) == mine
        assert ids(api.get(DECLARATIONS, {name: str(value).upper()})) == mine
        assert ids(api.get(DECLARATIONS, {name: "garbage"})) == []
        assert ids(api.get(DECLARATIONS, {name: value.hex})) == []  # no hyphens: not taken here
        assert ids(api.get(DECLARATIONS, {name: ""})) == mine


def test_partnership_delivery_partner_ids_take_any_way_of_writing_an_id(api, partnership, kings):
    mine = [str(partnership.api_id)]
    partner = kings.delivery_partner.api_id
    assert ids(api.get(PARTNERSHIPS, {"filter[delivery_partner_id]": partner.hex})) == mine
    assert ids(api.get(PARTNERSHIPS, {"filter[delivery_partner_id]": f"{{{partner}}},kings"})) == mine
    assert ids(api.get(PARTNERSHIPS, {"filter[delivery_partner_id]": "kings"})) == []


def test_urn_is_the_number_it_starts_with(api, quillfeather, current_period):
    SchoolFactory(
        urn=100000, eligible_for_funding=True, eligibility_decided_on=datetime.date(THIS_YEAR, 6, 1)
    )
    year = {"filter[cohort]": f"{THIS_YEAR}"}
    assert ids(api.get(SCHOOLS, {**year, "filter[urn]": "100001,abc"})) == [str(quillfeather.api_id)]
    assert ids(api.get(SCHOOLS, {**year, "filter[urn]": "abc"})) == []
    assert ids(api.get(SCHOOLS, {**year, "filter[urn]": "99999999999"})) == []
    assert len(ids(api.get(SCHOOLS, {**year, "filter[urn]": " "}))) == 2


def test_statements_ignore_filter_type(api, ambition_this_year):
    finance.add_statements(ambition_this_year, months=2)
    assert len(ids(api.get(STATEMENTS, {"filter[type]": "npq"}))) == 2


# --- sort -------------------------------------------------------------------------------------------------------


def test_an_unknown_sort_field_is_left_out(api, amara, ben):
    oldest_first = [str(amara.teacher.api_id), str(ben.teacher.api_id)]
    assert ids(api.get(PARTICIPANTS)) == oldest_first
    assert ids(api.get(PARTICIPANTS, {"sort": "full_name"})) == oldest_first
    assert ids(api.get(PARTICIPANTS, {"sort": ""})) == oldest_first
    assert ids(api.get(PARTICIPANTS, {"sort": "full_name,-created_at"})) == oldest_first[::-1]
    assert ids(api.get(PARTICIPANTS, {"sort": "--created_at"})) == oldest_first


def test_a_repeated_sort_is_the_last_one(api, amara, ben):
    oldest_first = [str(amara.teacher.api_id), str(ben.teacher.api_id)]
    assert ids(api.get(PARTICIPANTS, {"sort": ["-created_at", "created_at"]})) == oldest_first
    assert ids(api.get(PARTICIPANTS, {"sort": ["created_at", "-created_at"]})) == oldest_first[::-1]


def test_an_unencoded_plus_still_sorts_ascending(api, amara, ben):
    amara.email = "amara.okafor@example.org"
    amara.save()
    assert ids(api.get(f"{PARTICIPANTS}?sort=+updated_at")) == [
        str(ben.teacher.api_id),
        str(amara.teacher.api_id),
    ]


def test_schools_sort_by_urn(api, quillfeather, current_period):
    other = SchoolFactory(
        urn=100000, eligible_for_funding=True, eligibility_decided_on=datetime.date(THIS_YEAR, 6, 1)
    )
    year = {"filter[cohort]": f"{THIS_YEAR}"}
    assert ids(api.get(SCHOOLS, year)) == [str(quillfeather.api_id), str(other.api_id)]
    assert ids(api.get(SCHOOLS, {**year, "sort": "urn"})) == [str(other.api_id), str(quillfeather.api_id)]


def test_declarations_ignore_sort(api, amara, ben, statements_and_two_declarations):
    oldest_first = ids(api.get(DECLARATIONS))
    assert len(oldest_first) == 2
    assert ids(api.get(DECLARATIONS, {"sort": "-created_at"})) == oldest_first


@pytest.fixture
def statements_and_two_declarations(api, amara, ben, ambition_this_year):
    finance.add_statements(ambition_this_year)
    for period, course in ((amara, "ecf-induction"), (ben, "ecf-mentor")):
        response = api.post(
            DECLARATIONS,
            {
                "participant_id": str(period.teacher.api_id),
                "declaration_type": "started",
                "declaration_date": f"{THIS_YEAR}-10-01T09:00:00Z",
                "course_identifier": course,
                "evidence_held": "training-event-attended",
            },
        )
        assert response.status_code == 200, response.content


@pytest.fixture
def three_partners(kings):
    """Ambition's partners Kings, Moss and Avon: created in that order, last changed Moss, Avon,
    Kings, and by name Avon, Kings, Moss."""
    moss, avon = (
        LeadProviderDeliveryPartnershipFactory(
            active_lead_provider=kings.active_lead_provider,
            delivery_partner=DeliveryPartnerFactory(name=name),
        ).delivery_partner
        for name in ("Moss", "Avon")
    )
    start = clock.now() - datetime.timedelta(days=10)
    for partner, created, updated in ((kings.delivery_partner, 0, 5), (moss, 1, 3), (avon, 2, 4)):
        DeliveryPartner.objects.filter(pk=partner.pk).update(
            created_at=start + datetime.timedelta(days=created),
            updated_at=start + datetime.timedelta(days=updated),
        )
    return {"Kings": kings.delivery_partner, "Moss": moss, "Avon": avon}


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        (None, ["Kings", "Moss", "Avon"]),
        ("created_at", ["Kings", "Moss", "Avon"]),
        ("-created_at", ["Avon", "Moss", "Kings"]),
        ("updated_at", ["Moss", "Avon", "Kings"]),
        ("-updated_at", ["Kings", "Avon", "Moss"]),
        ("name", ["Avon", "Kings", "Moss"]),
        ("-name", ["Moss", "Kings", "Avon"]),
        ("full_name,-name", ["Moss", "Kings", "Avon"]),
    ],
)
def test_delivery_partners_sort_by_name_created_at_or_updated_at(api, three_partners, sort, names):
    response = api.get(DELIVERY_PARTNERS, {"sort": sort} if sort else {})
    assert ids(response) == [str(three_partners[name].api_id) for name in names]


def test_delivery_partners_sort_within_a_cohort(api, three_partners, current_period):
    response = api.get(DELIVERY_PARTNERS, {"filter[cohort]": f"{THIS_YEAR}", "sort": "-name"})
    assert [row["attributes"]["name"] for row in response.json()["data"]] == ["Moss", "Kings", "Avon"]


# --- Ids in the path ------------------------------------------------------------------------------------------------

SHOWN = [
    f"{PARTICIPANTS}/{{id}}",
    f"{PARTICIPANTS}/ecf/{{id}}",
    f"{PARTICIPANTS}/{{id}}/transfers",
    f"{PARTNERSHIPS}/{{id}}",
    f"{SCHOOLS}/{{id}}?filter[cohort]={THIS_YEAR}",
    f"{DELIVERY_PARTNERS}/{{id}}",
    "/api/v3/unfunded-mentors/{id}",
    f"{DECLARATIONS}/{{id}}",
    f"{STATEMENTS}/{{id}}",
]


@pytest.mark.parametrize("path", SHOWN)
@pytest.mark.parametrize("garbage", ["garbage", "12345", f"{uuid.uuid4()}x"])
def test_an_id_that_is_not_one_is_a_json_404(api, current_period, path, garbage):
    response = api.get(path.format(id=garbage))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_an_id_that_is_not_one_needs_a_token_first(client):
    response = client.get(f"{PARTICIPANTS}/garbage")
    assert response.status_code == 401


def test_an_id_however_written_is_found(api, amara):
    for written in (str(amara.teacher.api_id).upper(), amara.teacher.api_id.hex):
        assert api.get(f"{PARTICIPANTS}/{written}").json()["data"]["id"] == str(amara.teacher.api_id)


def test_an_action_reads_its_body_before_looking_for_the_participant(api, amara):
    """As the DfE's API: a body that is not JSON shaped {"data": {"attributes"}} is a 400 even for an
    id that is not yours; a good body for such an id is a 404."""
    bad_body = api.put(f"{PARTICIPANTS}/garbage/withdraw", body="{not json")
    assert [error["title"] for error in errors(bad_body)] == ["Bad request"]
    response = api.put(
        f"{PARTICIPANTS}/garbage/withdraw", {"course_identifier": "ecf-induction", "reason": "other"}
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    response = api.put(f"{PARTICIPANTS}/{uuid.uuid4()}/resume", body="[]")
    assert errors(response)[0]["title"] == "Bad request"


def test_the_ecf_forms_are_not_taken_for_ids(api, amara):
    assert ids(api.get(f"{PARTICIPANTS}/ecf")) == [str(amara.teacher.api_id)]
    assert api.get(f"{PARTICIPANTS}/ecf/transfers").status_code == 200
    assert api.get(f"{PARTICIPANTS}/ecf/{amara.teacher.api_id}/transfers").status_code == 200
