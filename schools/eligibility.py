"""Which schools are eligible for funded ECT and mentor training, from their GIAS facts.

A school is eligible when it is open, in England, and either a state-funded type of establishment
or approved under section 41 of the Children and Families Act 2014 (independent special schools
and special post-16 institutions that may be named in an education, health and care plan).

The type lists follow the DfE's own services: `GIAS::Types` in ECF2
(DFE-Digital/register-early-career-teachers-public, app/services/gias/types.rb) and the matching
`ELIGIBLE_TYPE_CODES` in ECF1 (DFE-Digital/early-careers-framework). The names are GIAS's
`TypeOfEstablishment (name)` values, spelt exactly as GIAS spells them.

This module only derives eligibility. Recording it (with the date it was decided, and an event
whenever it changes) is the job of `schools.services`.
"""

from dataclasses import dataclass

# GIAS `EstablishmentStatus (name)` values that mean the school is open today.
# "Proposed to open" is not open yet; "Closed" is closed.
OPEN_STATUSES = frozenset({"Open", "Open, but proposed to close"})

# GIAS `GOR (name)` (region) given to establishments in Wales.
WALES_REGION = "Wales (pseudo)"

# Establishment types outside England, whatever their region says.
NOT_IN_ENGLAND_TYPES = frozenset(
    {
        "Welsh establishment",
        "British schools overseas",
        "Offshore schools",
        # Schools for service families abroad (GIAS region "Not Applicable"); the DfE's ECF1 and
        # ECF2 treat them as outside England and not eligible.
        "Service children's education",
    }
)

# State-funded establishment types whose schools can have funded training (ECF1 and ECF2).
STATE_FUNDED_TYPES = frozenset(
    {
        # Local authority maintained schools
        "Community school",
        "Foundation school",
        "Voluntary aided school",
        "Voluntary controlled school",
        "Community special school",
        "Foundation special school",
        "Pupil referral unit",
        "Local authority nursery school",
        # Academies
        "Academy converter",
        "Academy sponsor led",
        "Academy special converter",
        "Academy special sponsor led",
        "Academy alternative provision converter",
        "Academy alternative provision sponsor led",
        "Academy 16-19 converter",
        "Academy 16 to 19 sponsor led",
        "Academy secure 16 to 19",
        # Free schools
        "Free schools",
        "Free schools special",
        "Free schools alternative provision",
        "Free schools 16 to 19",
        "Studio schools",
        "University technical college",
        "City technology college",
        # Other publicly funded establishments ECF1 and ECF2 both accept
        "Non-maintained special school",
        "Further education",
        "Sixth form centres",
        "Special post 16 institution",
    }
)

SECTION_41_APPROVED = "Approved"  # GIAS `Section41Approved (name)`; otherwise "Not approved"/"Not applicable"


def is_open(status: str) -> bool:
    return status in OPEN_STATUSES


def is_in_england(*, region: str, establishment_type: str) -> bool:
    return region != WALES_REGION and establishment_type not in NOT_IN_ENGLAND_TYPES


def is_state_funded(establishment_type: str) -> bool:
    return establishment_type in STATE_FUNDED_TYPES


@dataclass(frozen=True)
class FundingEligibility:
    eligible: bool
    reason: str  # plain English, for events and support staff


def decide_funding_eligibility(
    *, status: str, establishment_type: str, region: str, section_41_approved: bool
) -> FundingEligibility:
    """Whether a school with these GIAS facts is eligible for funded training, and why."""
    if not is_open(status):
        return FundingEligibility(False, f"Not open (GIAS status: {status or 'none'})")
    if not is_in_england(region=region, establishment_type=establishment_type):
        return FundingEligibility(
            False, f"Not in England (type: {establishment_type or 'none'}, region: {region or 'none'})"
        )
    if is_state_funded(establishment_type):
        return FundingEligibility(True, f"Open, in England and state-funded ({establishment_type})")
    if section_41_approved:
        return FundingEligibility(True, "Open, in England and approved under section 41")
    return FundingEligibility(
        False, f"Neither state-funded nor section 41 approved (type: {establishment_type or 'none'})"
    )
