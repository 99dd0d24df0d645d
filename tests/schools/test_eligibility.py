import pytest

from schools.eligibility import (
    NOT_IN_ENGLAND_TYPES,
    STATE_FUNDED_TYPES,
    decide_funding_eligibility,
    is_in_england,
    is_open,
)


def decide(
    *,
    status="Open",
    establishment_type="Community school",
    region="North West",
    section_41_approved=False,
):
    return decide_funding_eligibility(
        status=status,
        establishment_type=establishment_type,
        region=region,
        section_41_approved=section_41_approved,
    )


# The state-funded GIAS types the brief listed, less "Service children's education" (see below).
MAINTAINED_ACADEMY_AND_FREE_SCHOOL_TYPES = [
    "Community school",
    "Foundation school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Academy converter",
    "Academy sponsor led",
    "Academy special converter",
    "Academy special sponsor led",
    "Academy alternative provision converter",
    "Academy alternative provision sponsor led",
    "Academy 16-19 converter",
    "Academy 16 to 19 sponsor led",
    "Free schools",
    "Free schools special",
    "Free schools alternative provision",
    "Free schools 16 to 19",
    "Studio schools",
    "University technical college",
    "City technology college",
    "Community special school",
    "Foundation special school",
    "Pupil referral unit",
    "Local authority nursery school",
]
# Types the DfE's ECF1 and ECF2 services also fund.
OTHER_DFE_FUNDED_TYPES = [
    "Academy secure 16 to 19",
    "Non-maintained special school",
    "Further education",
    "Sixth form centres",
    "Special post 16 institution",
]
# Children's centres: ECF1 and ECF2 both list them among the eligible types.
CHILDRENS_CENTRE_TYPES = ["Children's centre", "Children's centre linked site"]


@pytest.mark.parametrize(
    "establishment_type",
    MAINTAINED_ACADEMY_AND_FREE_SCHOOL_TYPES + OTHER_DFE_FUNDED_TYPES + CHILDRENS_CENTRE_TYPES,
)
def test_an_open_state_funded_school_in_england_is_eligible(establishment_type):
    decision = decide(establishment_type=establishment_type)

    assert decision.eligible is True
    assert establishment_type in decision.reason


def test_the_state_funded_list_is_exactly_those_types():
    assert (
        set(MAINTAINED_ACADEMY_AND_FREE_SCHOOL_TYPES + OTHER_DFE_FUNDED_TYPES + CHILDRENS_CENTRE_TYPES)
        == STATE_FUNDED_TYPES
    )


@pytest.mark.parametrize("establishment_type", CHILDRENS_CENTRE_TYPES)
def test_an_open_childrens_centre_in_england_is_eligible_without_section_41(establishment_type):
    decision = decide(establishment_type=establishment_type, region="London", section_41_approved=False)

    assert decision.eligible is True
    assert decision.reason == f"Open, in England and state-funded ({establishment_type})"
    assert decide(establishment_type=establishment_type, status="Closed").eligible is False


@pytest.mark.parametrize("status", ["Open", "Open, but proposed to close"])
def test_open_statuses_count_as_open(status):
    assert is_open(status)
    assert decide(status=status).eligible is True


@pytest.mark.parametrize("status", ["Closed", "Proposed to open", ""])
def test_a_school_that_is_not_open_is_not_eligible(status):
    decision = decide(status=status, section_41_approved=True)

    assert not is_open(status)
    assert decision.eligible is False
    assert decision.reason.startswith("Not open")


@pytest.mark.parametrize(
    "establishment_type", ["Other independent school", "Other independent special school"]
)
def test_an_independent_school_without_section_41_approval_is_not_eligible(establishment_type):
    decision = decide(establishment_type=establishment_type)

    assert decision.eligible is False
    assert "section 41" in decision.reason


def test_a_section_41_approved_independent_special_school_is_eligible():
    decision = decide(establishment_type="Other independent special school", section_41_approved=True)

    assert decision.eligible is True
    assert "section 41" in decision.reason


def test_a_section_41_approved_school_that_is_closed_is_not_eligible():
    decision = decide(
        establishment_type="Other independent special school", section_41_approved=True, status="Closed"
    )

    assert decision.eligible is False


@pytest.mark.parametrize(
    "establishment_type",
    ["Welsh establishment", "British schools overseas", "Offshore schools", "Service children's education"],
)
def test_establishments_outside_england_are_not_eligible(establishment_type):
    decision = decide(
        establishment_type=establishment_type, region="Not Applicable", section_41_approved=True
    )

    assert establishment_type in NOT_IN_ENGLAND_TYPES
    assert not is_in_england(region="Not Applicable", establishment_type=establishment_type)
    assert decision.eligible is False
    assert decision.reason.startswith("Not in England")


def test_a_state_funded_type_in_the_wales_region_is_not_eligible():
    decision = decide(establishment_type="Community school", region="Wales (pseudo)")

    assert not is_in_england(region="Wales (pseudo)", establishment_type="Community school")
    assert decision.eligible is False
    assert decision.reason.startswith("Not in England")


def test_a_school_in_an_english_region_is_in_england():
    assert is_in_england(region="London", establishment_type="Academy converter")
    # GIAS leaves some English establishments without a region; the type still places them.
    assert is_in_england(region="", establishment_type="Academy converter")


# "Secure units" is an eligible type in ECF2 since May 2026 but not in ECF1 or here (see schools/eligibility.py).
@pytest.mark.parametrize("establishment_type", ["Miscellaneous", "Secure units", "Online provider", ""])
def test_other_types_are_eligible_only_with_section_41_approval(establishment_type):
    assert decide(establishment_type=establishment_type).eligible is False
    assert decide(establishment_type=establishment_type, section_41_approved=True).eligible is True
