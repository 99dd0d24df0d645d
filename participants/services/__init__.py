"""Changes to teachers and their periods, each in one transaction with its events and emails:
registering an ECT (`ects`) or a mentor and giving an ECT a mentor (`mentors`), leaving a school
(`leaving`), changing what the school said of someone (`changes`), refreshing a teacher's
facts from TRS and finding or making a teacher from their record (`records`), support's
corrections of induction periods (`induction_corrections`), and telling TRS of an induction
through its outbox (`trs_writes`). What they share, and the `Refused` every refusal is, live in
`common`.

Callers import this package: `from participants import services; services.register_ect(...)`.
"""

from participants.services.changes import (
    ChangeBeforeToday,
    ChangeOutsideTheirTime,
    NameChangeReason,
    NoLongerAtSchool,
    NothingChanged,
    change_appropriate_body,
    change_email,
    change_name,
    change_training,
    change_working_pattern,
    training_change_problem,
)
from participants.services.common import (
    Refused,
    RegistrationRefused,
    TooFarAhead,
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
    start_clashes_with,
)
from participants.services.induction_corrections import (
    CorrectionRefused,
    correct_induction_period,
    delete_induction_period,
)
from participants.services.leaving import (
    AlreadyLeaving,
    AlreadyLeft,
    LeavesBeforeStarting,
    MovingSchool,
    finish_ect_time_as_induction_ends,
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
from participants.services.records import CannotRefreshFromTRS, locked_teacher_from_record, refresh_from_trs
from participants.services.trs_writes import (
    enqueue_due_trs_updates,
    induction_for_trs,
    induction_for_trs_of,
    queue_trs_induction_of,
    queue_trs_induction_update,
    send_trs_induction_update_now,
    send_trs_induction_updates_again,
)

__all__ = [
    "AlreadyLeaving",
    "AlreadyLeft",
    "AlreadyMentorAtThisSchool",
    "AlreadyRegisteredAtThisSchool",
    "CannotBeRegistered",
    "CannotMentorThemself",
    "CannotRefreshFromTRS",
    "ChangeBeforeToday",
    "ChangeOutsideTheirTime",
    "ContractPeriodNotOpen",
    "CorrectionRefused",
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
    "NameChangeReason",
    "NoContractPeriod",
    "NoLongerAtSchool",
    "NotEligibleForFunding",
    "NothingChanged",
    "ProhibitedFromMentoring",
    "Refused",
    "RegisteredElsewhereJustNow",
    "RegistrationRefused",
    "StartsBeforeLeavingAnotherSchool",
    "TooFarAhead",
    "assign_mentor",
    "change_appropriate_body",
    "change_email",
    "change_name",
    "change_training",
    "change_working_pattern",
    "correct_induction_period",
    "delete_induction_period",
    "enqueue_due_trs_updates",
    "finish_ect_time_as_induction_ends",
    "induction_for_trs",
    "induction_for_trs_of",
    "leaving_problem",
    "locked_teacher_from_record",
    "queue_trs_induction_of",
    "queue_trs_induction_update",
    "record_leaving",
    "refresh_from_trs",
    "register_ect",
    "register_mentor",
    "send_trs_induction_update_now",
    "send_trs_induction_updates_again",
    "start_clashes_with",
    "training_change_problem",
]
