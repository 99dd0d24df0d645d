"""How each resource reads in the API: {"id", "type", "attributes"}, with the field names and
values the DfE's v3 API uses, so a lead provider's existing client works unchanged."""

import calendar
import datetime

from core import clock


def api_datetime(value: datetime.datetime | None) -> str | None:
    """RFC 3339 in UTC, to the second: 2026-09-01T08:30:00Z."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def api_date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def delivery_partner_json(partner) -> dict:
    return {
        "id": str(partner.api_id),
        "type": "delivery-partner",
        "attributes": {
            "name": partner.name,
            "cohort": [str(year) for year in partner.cohorts],
            "created_at": api_datetime(partner.created_at),
            "updated_at": api_datetime(partner.updated_at),
        },
    }


def training_status(training) -> str:
    if training.withdrawn_at:
        return "withdrawn"
    if training.deferred_at:
        return "deferred"
    return "active"


def participant_status(enrolment, *, today: datetime.date) -> str:
    """Whether the participant has joined, is training, or is leaving or has left their training
    with this lead provider, on `today` (the DfE's four values; a withdrawal or deferral shows in
    training_status). Someone whose induction or mentor training is complete is still `active`
    while their training runs, as in the DfE's API."""
    training = enrolment.training
    finished_on = training.finished_on
    if training.withdrawn_at or training.deferred_at:
        return "leaving" if finished_on is not None and finished_on > today else "left"
    if enrolment.completed_on is not None and (finished_on is None or enrolment.completed_on <= finished_on):
        return "active"
    if finished_on is not None:
        return "leaving" if finished_on > today else "left"
    if training.started_on > today:
        return "joining"
    return "active"


def enrolment_json(teacher, enrolment, *, today: datetime.date) -> dict:
    training, at_school, is_ect = enrolment.training, enrolment.at_school, enrolment.role == "ect"
    pairing = training.school_partnership.lead_provider_delivery_partnership
    inductions = teacher.inductions if is_ect else []
    finished_inductions = [induction for induction in inductions if induction.finished_on]
    return {
        "training_record_id": str(
            teacher.api_ect_training_record_id if is_ect else teacher.api_mentor_training_record_id
        ),
        "email": at_school.email,
        "mentor_id": str(enrolment.mentor.api_id) if enrolment.mentor else None,
        "school_urn": str(at_school.school.urn),
        "participant_type": "ect" if is_ect else "mentor",
        "working_pattern": (at_school.working_pattern or None) if is_ect else None,
        "cohort": str(pairing.active_lead_provider.contract_period_id),
        "training_status": training_status(training),
        "participant_status": participant_status(enrolment, today=today),
        "teacher_reference_number_validated": teacher.trs_data_refreshed_at is not None,
        "eligible_for_funding": at_school.school.eligible_for_funding,
        "pupil_premium_uplift": enrolment.pupil_premium_uplift,
        "sparsity_uplift": enrolment.sparsity_uplift,
        "schedule_identifier": training.schedule.identifier,
        "delivery_partner_id": str(pairing.delivery_partner.api_id),
        "withdrawal": (
            {"reason": training.withdrawal_reason, "date": api_datetime(training.withdrawn_at)}
            if training.withdrawn_at
            else None
        ),
        "deferral": (
            {"reason": training.deferral_reason, "date": api_datetime(training.deferred_at)}
            if training.deferred_at
            else None
        ),
        # When the teacher was first registered in the role, as the DfE's API dates an enrolment.
        "created_at": api_datetime(enrolment.first_recorded_at),
        "induction_end_date": api_date(
            next((i.finished_on for i in reversed(finished_inductions) if i.outcome), None)
        ),
        "overall_induction_start_date": api_date(inductions[0].started_on if inductions else None),
        "most_recent_induction_period_end_date": api_date(
            finished_inductions[-1].finished_on if finished_inductions else None
        ),
        # A mentor's funded training ends with a completed declaration, whichever provider made it.
        "mentor_funding_end_date": api_date(None if is_ect else teacher.mentor_training_completed_on),
        "cohort_changed_after_payments_frozen": enrolment.cohort_changed_after_payments_frozen,
        "mentor_ineligible_for_funding_reason": (
            "completed_declaration_received" if not is_ect and teacher.mentor_training_completed_on else None
        ),
    }


def participant_json(teacher, *, today: datetime.date | None = None) -> dict:
    """A teacher as a lead provider sees them; `teacher` comes from api.queries.with_enrolments."""
    today = today or clock.today()
    return {
        "id": str(teacher.api_id),
        "type": "participant",
        "attributes": {
            "full_name": teacher.full_name,
            "teacher_reference_number": teacher.trn,
            "updated_at": api_datetime(teacher.api_updated_at),
            "ecf_enrolments": [enrolment_json(teacher, e, today=today) for e in teacher.enrolments],
            "participant_id_changes": [
                {
                    "from_participant_id": str(change.from_api_id),
                    "to_participant_id": str(teacher.api_id),
                    "changed_at": api_datetime(change.changed_at),
                }
                for change in teacher.former_api_ids
            ],
        },
    }


def partnership_json(partnership) -> dict:
    """`partnership` comes from api.queries.partnerships, with its induction tutor added."""
    pairing = partnership.lead_provider_delivery_partnership
    tutor = partnership.induction_tutor
    return {
        "id": str(partnership.api_id),
        "type": "partnership",
        "attributes": {
            "cohort": str(pairing.active_lead_provider.contract_period_id),
            "urn": str(partnership.school.urn),
            "school_id": str(partnership.school.api_id),
            "delivery_partner_id": str(pairing.delivery_partner.api_id),
            "delivery_partner_name": pairing.delivery_partner.name,
            "induction_tutor_name": tutor.full_name if tutor else None,
            "induction_tutor_email": tutor.email if tutor else None,
            "participants_currently_training": partnership.participants_currently_training,
            "status": "challenged" if partnership.challenged_at else "active",
            "challenged_at": api_datetime(partnership.challenged_at),
            "challenged_reason": partnership.challenge_reason or None,
            "created_at": api_datetime(partnership.created_at),
            "updated_at": api_datetime(partnership.api_updated_at),
        },
    }


PROGRAMME_CHOICES = {"provider_led": "provider_led", "school_led": "school_led"}


def school_json(school, *, cohort: int) -> dict:
    """`school` comes from api.queries.schools_in, with its induction tutor added; the tutor is
    shown only to a provider the school chose or is in partnership with."""
    ours = school.chose_us or school.partnered_with_us
    tutor = school.induction_tutor if ours else None
    return {
        "id": str(school.api_id),
        "type": "school",
        "attributes": {
            "name": school.name,
            "urn": str(school.urn),
            "cohort": str(cohort),
            "in_partnership": school.in_partnership,
            "induction_programme_choice": PROGRAMME_CHOICES.get(school.chosen_programme, "not_yet_known"),
            "expression_of_interest": school.chose_us,
            "induction_tutor_name": tutor.full_name if tutor else None,
            "induction_tutor_email": tutor.email if tutor else None,
            "created_at": api_datetime(school.created_at),
            "updated_at": api_datetime(school.api_updated_at),
        },
    }


def transfer_status(move, *, today: datetime.date) -> str:
    """Complete once they have left the old school and (if known) started at the new one."""
    left = move.leaving.finished_on <= today
    started = move.joining is None or move.joining.started_on <= today
    return "complete" if left and started else "incomplete"


def transfers_json(teacher, *, today: datetime.date) -> dict:
    """A teacher's moves between schools, from api.queries.with_moves."""
    return {
        "id": str(teacher.api_id),
        "type": "participant-transfer",
        "attributes": {
            "updated_at": api_datetime(teacher.api_updated_at),
            "transfers": [
                {
                    "training_record_id": str(
                        teacher.api_ect_training_record_id
                        if move.role == "ect"
                        else teacher.api_mentor_training_record_id
                    ),
                    "transfer_type": (
                        "unknown"
                        if move.joining_provider is None
                        else "new_school"
                        if move.joining_provider == move.leaving_provider
                        else "new_provider"
                    ),
                    "status": transfer_status(move, today=today),
                    # When the training they left was recorded, as the DfE's services date a transfer.
                    "created_at": api_datetime(move.leaving_training.created_at),
                    "leaving": {
                        "school_urn": str(move.leaving.school.urn),
                        "provider": move.leaving_provider.name,
                        "date": api_date(move.leaving.finished_on),
                    },
                    # Null until the teacher trains with a provider at a new school.
                    "joining": (
                        {
                            "school_urn": str(move.joining.school.urn),
                            "provider": move.joining_provider.name,
                            "date": api_date(move.joining.started_on),
                        }
                        if move.joining_provider
                        else None
                    ),
                }
                for move in teacher.moves
            ],
        },
    }


def unfunded_mentor_json(teacher) -> dict:
    return {
        "id": str(teacher.api_id),
        "type": "unfunded-mentor",
        "attributes": {
            "full_name": teacher.full_name,
            "email": teacher.email,
            "teacher_reference_number": teacher.trn,
            "created_at": api_datetime(teacher.created_at),
            "updated_at": api_datetime(teacher.api_updated_at),
        },
    }


def declaration_state(declaration) -> str:
    """As ECF2 shows it: a clawback first, then the payment (payable once the daily task has made
    its statement payable, as the DfE's statements move their declarations on)."""
    if declaration.clawback_status != "no_clawback":
        return declaration.clawback_status.replace("_", "-")
    if declaration.payment_status == "no_payment":
        return "submitted"
    if (
        declaration.payment_status == "eligible"
        and declaration.payment_statement.marked_payable_at is not None
    ):
        return "payable"
    return declaration.payment_status


def declaration_json(declaration) -> dict:
    statement = declaration.payment_statement
    return {
        "id": str(declaration.api_id),
        "type": "participant-declaration",
        "attributes": {
            "participant_id": str(declaration.teacher.api_id),
            "declaration_type": declaration.declaration_type,
            "declaration_date": api_datetime(declaration.declaration_date),
            "course_identifier": declaration.course_identifier,
            "state": declaration_state(declaration),
            "updated_at": api_datetime(declaration.updated_at),
            "created_at": api_datetime(declaration.created_at),
            "delivery_partner_id": str(declaration.delivery_partner.api_id)
            if declaration.delivery_partner
            else None,
            "statement_id": str(statement.api_id)
            if statement and declaration.payment_status != "voided"
            else None,
            "clawback_statement_id": (
                str(declaration.clawback_statement.api_id) if declaration.clawback_statement else None
            ),
            # Only a duplicate made a declaration ineligible in the DfE's API; we refuse duplicates
            # when they are made (422), so none we hold is ineligible.
            "ineligible_for_funding_reason": None,
            "mentor_id": str(declaration.mentor.api_id) if declaration.mentor else None,
            "uplift_paid": declaration.uplift_paid,
            "evidence_held": declaration.evidence_type or None,
            # Whether a participant passed was an NPQ matter; the DfE's API sends null for ECF.
            "has_passed": None,
            "lead_provider_name": declaration.lead_provider.name,
        },
    }


def statement_json(statement) -> dict:
    return {
        "id": str(statement.api_id),
        "type": "statement",
        "attributes": {
            "type": "ecf",
            "month": calendar.month_name[statement.month],
            "year": str(statement.year),
            "cohort": str(statement.active_lead_provider.contract_period_id),
            "cut_off_date": api_date(statement.deadline_date),
            "payment_date": api_date(statement.payment_date),
            "paid": statement.paid_at is not None,
            "created_at": api_datetime(statement.created_at),
            "updated_at": api_datetime(statement.updated_at),
        },
    }
