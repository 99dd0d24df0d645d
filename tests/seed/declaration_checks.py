"""Checks of the seeded declarations and statements that hold at any scale and on any day,
written as SQL over the loaded rows (so the 1% England seed is checked the same way as the small
demo): each is a query counting the rows that break a rule, which must count none."""

import datetime

from django.db import connection

from core import clock

# A declaration that does not fit its training: not through a partnership with its provider, for
# another teacher, course or delivery partner, on a day its training did not run, outside its
# milestone's window, after the training was withdrawn, made before the day it declares or on the
# seed day or later, or naming another mentor than the ECT had that day.
DECLARATION_NOT_AS_TRAINED = """
SELECT count(*) FROM finance_declaration d
JOIN participants_trainingperiod t ON t.id = d.training_period_id
LEFT JOIN participants_ectatschoolperiod e ON e.id = t.ect_at_school_period_id
LEFT JOIN participants_mentoratschoolperiod m ON m.id = t.mentor_at_school_period_id
LEFT JOIN providers_schoolpartnership p ON p.id = t.school_partnership_id
LEFT JOIN providers_leadproviderdeliverypartnership l ON l.id = p.lead_provider_delivery_partnership_id
LEFT JOIN providers_activeleadprovider a ON a.id = l.active_lead_provider_id
LEFT JOIN providers_milestone ms ON ms.schedule_id = t.schedule_id AND ms.declaration_type = d.declaration_type
WHERE t.training_programme <> 'provider_led' OR a.id IS NULL
   OR a.lead_provider_id <> d.lead_provider_id
   OR l.delivery_partner_id IS DISTINCT FROM d.delivery_partner_id
   OR COALESCE(e.teacher_id, m.teacher_id) <> d.teacher_id
   OR (d.course_identifier = 'ecf-induction') <> (e.id IS NOT NULL)
   OR ms.id IS NULL
   OR (d.declaration_date AT TIME ZONE 'Europe/London')::date
      NOT BETWEEN greatest(ms.start_date, t.started_on)
      AND least(COALESCE(ms.milestone_date, 'infinity'), COALESCE(t.finished_on, 'infinity'))
   OR d.declaration_date >= t.withdrawn_at
   OR d.created_at < d.declaration_date
   OR (d.created_at AT TIME ZONE 'Europe/London')::date >= %(today)s
   OR d.mentor_id IS DISTINCT FROM (
        SELECT r.teacher_id FROM participants_mentorshipperiod mp
        JOIN participants_mentoratschoolperiod r ON r.id = mp.mentor_id
        WHERE mp.mentee_id = t.ect_at_school_period_id
          AND (d.declaration_date AT TIME ZONE 'Europe/London')::date
              BETWEEN mp.started_on AND COALESCE(mp.finished_on, 'infinity')
        LIMIT 1)
"""

# A declaration paid on a statement of another provider or contract period than its training's,
# or of another month than the one it was made in (the statement open then); a clawback on a
# statement of another provider and period than its payment, or one not open after it was paid.
DECLARATION_ON_THE_WRONG_STATEMENT = """
SELECT count(*) FROM finance_declaration d
JOIN participants_trainingperiod t ON t.id = d.training_period_id
JOIN providers_schoolpartnership p ON p.id = t.school_partnership_id
JOIN providers_leadproviderdeliverypartnership l ON l.id = p.lead_provider_delivery_partnership_id
LEFT JOIN finance_statement s ON s.id = d.payment_statement_id
LEFT JOIN finance_statement c ON c.id = d.clawback_statement_id
WHERE (s.id IS NOT NULL AND (
        s.active_lead_provider_id <> l.active_lead_provider_id
        OR s.year <> extract(year FROM d.created_at AT TIME ZONE 'Europe/London')
        OR s.month <> extract(month FROM d.created_at AT TIME ZONE 'Europe/London')))
   OR (c.id IS NOT NULL AND (
        c.active_lead_provider_id <> s.active_lead_provider_id
        OR c.deadline_date < (s.paid_at AT TIME ZONE 'Europe/London')::date))
"""

# A declaration whose status does not follow its statements' states: paid exactly when its
# statement is paid (unless voided, which happens before its statement is paid), clawed back
# exactly when its clawback statement is paid.
STATUS_NOT_AS_THE_STATEMENTS = """
SELECT count(*) FROM finance_declaration d
LEFT JOIN finance_statement s ON s.id = d.payment_statement_id
LEFT JOIN finance_statement c ON c.id = d.clawback_statement_id
WHERE (d.payment_status = 'paid') <> (s.paid_at IS NOT NULL AND d.payment_status <> 'voided')
   OR (d.payment_status = 'voided' AND s.paid_at <= d.voided_at)
   OR (d.payment_status = 'eligible' AND s.paid_at IS NOT NULL)
   OR (d.clawback_status = 'clawed_back') <> (c.paid_at IS NOT NULL)
   OR (d.clawback_status = 'awaiting_clawback' AND c.paid_at IS NOT NULL)
   OR (d.payment_status = 'no_payment')
"""

# From 2025 a mentor is declared started and completed only, and nobody extended.
NOT_DECLARABLE_FROM_2025 = """
SELECT count(*) FROM finance_declaration d
JOIN finance_statement s ON s.id = d.payment_statement_id
JOIN providers_activeleadprovider a ON a.id = s.active_lead_provider_id
WHERE a.contract_period_id >= 2025 AND (
    (d.course_identifier = 'ecf-mentor' AND d.declaration_type NOT IN ('started', 'completed'))
    OR d.declaration_type LIKE 'extended-%%')
"""

# From 2025, a participant's live declarations are dated in the order of their milestones.
OUT_OF_ORDER_FROM_2025 = """
WITH live AS (
    SELECT d.teacher_id, d.course_identifier, d.declaration_date,
           array_position(ARRAY['started', 'retained-1', 'retained-2', 'retained-3', 'retained-4',
                                'completed', 'extended-1', 'extended-2', 'extended-3'],
                          d.declaration_type::text) AS position
    FROM finance_declaration d
    JOIN finance_statement s ON s.id = d.payment_statement_id
    JOIN providers_activeleadprovider a ON a.id = s.active_lead_provider_id
    WHERE a.contract_period_id >= 2025 AND d.payment_status <> 'voided' AND d.clawback_status = 'no_clawback'
)
SELECT count(*) FROM live a JOIN live b
  ON a.teacher_id = b.teacher_id AND a.course_identifier = b.course_identifier
 AND a.position < b.position AND a.declaration_date > b.declaration_date
"""

# A statement in another state than the seed day gives it: payable once its deadline has passed
# (from 00:15 the day after), paid once finance would have authorised it (a week before its
# payment date), with its calculation; open otherwise.
STATEMENT_IN_ANOTHER_STATE = """
SELECT count(*) FROM finance_statement s
WHERE (s.marked_payable_at IS NOT NULL) <> (s.deadline_date < %(today)s)
   OR s.marked_payable_at <> ((s.deadline_date + 1) + time '00:15') AT TIME ZONE 'Europe/London'
   OR (s.paid_at IS NOT NULL) <> (s.deadline_date < %(today)s AND s.payment_date - 7 < %(today)s)
   OR s.paid_at <> ((s.payment_date - 7) + time '11:00') AT TIME ZONE 'Europe/London'
   OR (s.paid_at IS NOT NULL) <> (s.calculation IS NOT NULL)
"""

CHECKS = {
    "declarations as trained": DECLARATION_NOT_AS_TRAINED,
    "declarations on their statements": DECLARATION_ON_THE_WRONG_STATEMENT,
    "statuses as the statements": STATUS_NOT_AS_THE_STATEMENTS,
    "declarable from 2025": NOT_DECLARABLE_FROM_2025,
    "in order from 2025": OUT_OF_ORDER_FROM_2025,
    "statements' states": STATEMENT_IN_ANOTHER_STATE,
}


def violations(today: datetime.date | None = None) -> dict[str, int]:
    """Per check, the rows that break it (all 0 when the seed is right)."""
    counts = {}
    with connection.cursor() as cursor:
        for name, sql in CHECKS.items():
            cursor.execute(sql, {"today": today or clock.today()})
            counts[name] = cursor.fetchone()[0]
    return counts
