"""Which schools are eligible for funded ECT and mentor training, from their GIAS facts.

A school is eligible when it is open, in England, and either a state-funded type of establishment
or approved under section 41 of the Children and Families Act 2014 (independent special schools
and special post-16 institutions that may be named in an education, health and care plan).
Names are GIAS's `TypeOfEstablishment (name)` and `EstablishmentStatus (name)` values, spelt
exactly as GIAS spells them.

The rule follows the DfE's own services, ECF1 (DFE-Digital/early-careers-framework:
`GiasTypes` in app/models/concerns/gias_types.rb, `School#eligible?`) and ECF2
(DFE-Digital/register-early-career-teachers-public: `GIAS::Types` in app/services/gias/types.rb,
`GIAS::SchoolRow#eligible`), as their main branches stood in March and August 2026. The open
statuses and the eligible types below are those both services accept, children's centres
included. Where the two services differ, or this module differs from both, it is listed here:
- "Secure units": ECF1 does not count it as an eligible type; ECF2 has since May 2026. It is not
  in STATE_FUNDED_TYPES here (as ECF1) until that policy is confirmed for this service.
- Section 41: ECF1 accepts a section 41 approval on any type of establishment, ECF2 only on the
  two independent types ("Other independent school", "Other independent special school"). Here
  any type counts (as ECF1), so an approved "Miscellaneous" or "Online provider" establishment
  is eligible here and in ECF1 but not in ECF2.
- In England: ECF1 decides it from `DistrictAdministrative (code)` (a code starting with "E", or
  "9999"); ECF2 from the type alone (not NOT_IN_ENGLAND_TYPES). Here it is the type as ECF2
  does, and also not in the `GOR (name)` region "Wales (pseudo)"; the district code is not read,
  so an English type whose district is outside England (which ECF1 would refuse) counts as in
  England.

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

# State-funded establishment types whose schools can have funded training: the types ECF1 and
# ECF2 both treat as eligible (see the module docstring for "Secure units").
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
        # Children's centres: ECF1 and ECF2 both count them as eligible types (ECF1 leaves them
        # out of its emails to schools).
        "Children's centre",
        "Children's centre linked site",
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


# Independent schools: their appropriate body may be ISTIP rather than a teaching school hub.
INDEPENDENT_TYPES = frozenset({"Other independent school", "Other independent special school"})


def is_independent(establishment_type: str) -> bool:
    return establishment_type in INDEPENDENT_TYPES


def why_not_funded(*, is_open: bool, region: str, establishment_type: str) -> str:
    """Why a school that is not eligible for funded training is not, in words for the school
    ("... because {reason}")."""
    if not is_open:
        return "it is closed"
    if not is_in_england(region=region, establishment_type=establishment_type):
        return "it is not in England"
    return "it is not state-funded"
