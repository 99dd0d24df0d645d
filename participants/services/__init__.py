"""Changes to teachers and their periods, each in one transaction with its events and emails:
registering an ECT (`ects`) or a mentor and giving an ECT a mentor (`mentors`), and leaving a
school (`leaving`). What they share, and the `Refused` every refusal is, live in `common`.

Callers import this package: `from participants import services; services.register_ect(...)`.
"""

from participants.services.common import (
    Refused,
    RegistrationRefused,
)
from participants.services.ects import (
    AlreadyRegisteredAtThisSchool,
    CannotBeRegistered,
    ContractPeriodNotOpen,
    EmailInUse,
    LeadProviderNotActive,
    NoContractPeriod,
    NotEligibleForFunding,
    RegisteredElsewhereJustNow,
    StartsBeforeLeavingAnotherSchool,
    register_ect,
)
from participants.services.leaving import (
    AlreadyLeaving,
    AlreadyLeft,
    LeavesBeforeStarting,
    MovingSchool,
    leaving_problem,
    record_leaving,
)
from participants.services.mentors import (
    AlreadyMentorAtThisSchool,
    CannotMentorThemself,
    MenteeHasLeft,
    MenteeNotAtThisSchool,
    MentorChangedJustNow,
    MentorContractPeriodNotOpen,
    MentorEmailInUse,
    MentorHasLeft,
    MentorNoContractPeriod,
    MentorNotAtThisSchool,
    MentorTrainingNotFunded,
    ProhibitedFromMentoring,
    assign_mentor,
    register_mentor,
)

__all__ = [
    "AlreadyLeaving",
    "AlreadyLeft",
    "AlreadyMentorAtThisSchool",
    "AlreadyRegisteredAtThisSchool",
    "CannotBeRegistered",
    "CannotMentorThemself",
    "ContractPeriodNotOpen",
    "EmailInUse",
    "LeadProviderNotActive",
    "LeavesBeforeStarting",
    "MenteeHasLeft",
    "MenteeNotAtThisSchool",
    "MentorChangedJustNow",
    "MentorContractPeriodNotOpen",
    "MentorEmailInUse",
    "MentorHasLeft",
    "MentorNoContractPeriod",
    "MentorNotAtThisSchool",
    "MentorTrainingNotFunded",
    "MovingSchool",
    "NoContractPeriod",
    "NotEligibleForFunding",
    "ProhibitedFromMentoring",
    "Refused",
    "RegisteredElsewhereJustNow",
    "RegistrationRefused",
    "StartsBeforeLeavingAnotherSchool",
    "assign_mentor",
    "leaving_problem",
    "record_leaving",
    "register_ect",
    "register_mentor",
]
