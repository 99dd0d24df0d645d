"""Changes lead providers must hear about that no write makes: a participant's status moving on
with the calendar (joining → active on the day they start, leaving → left the day after they
finish, a new mentor from the day the mentorship starts). Each day, once, the teachers whose
periods start or finished the day before are recorded as changed, through the same database
function the triggers use (participants migration 0003), so polling with updated_since or reading
the change feed sees them."""

import datetime

from django.db import connection, transaction

from core import clock
from participants.models import StatusSweep

ONE_DAY = datetime.timedelta(days=1)
# How far back a first sweep looks (a new database, or one restored from before sweeps).
FIRST_SWEEP_LOOKS_BACK = datetime.timedelta(days=7)

# Periods whose start on `day`, or finish on the day before it, changes what the API shows.
_TEACHERS_WHOSE_DAY_IT_IS = """
SELECT teacher_id FROM participants_ectatschoolperiod WHERE started_on = %(day)s OR finished_on = %(before)s
UNION SELECT teacher_id FROM participants_mentoratschoolperiod WHERE started_on = %(day)s OR finished_on = %(before)s
UNION SELECT e.teacher_id FROM participants_trainingperiod t
  JOIN participants_ectatschoolperiod e ON e.id = t.ect_at_school_period_id
  WHERE t.started_on = %(day)s OR t.finished_on = %(before)s
UNION SELECT m.teacher_id FROM participants_trainingperiod t
  JOIN participants_mentoratschoolperiod m ON m.id = t.mentor_at_school_period_id
  WHERE t.started_on = %(day)s OR t.finished_on = %(before)s
UNION SELECT e.teacher_id FROM participants_mentorshipperiod s
  JOIN participants_ectatschoolperiod e ON e.id = s.mentee_id
  WHERE s.started_on = %(day)s OR s.finished_on = %(before)s
"""


def record_date_driven_changes(*, today: datetime.date | None = None) -> int:
    """Sweep every day not yet swept up to `today`, each in its own transaction; returns how many
    teachers were recorded as changed. Safe to run often and from several workers at once."""
    today = today or clock.today()
    last = StatusSweep.objects.order_by("-day").values_list("day", flat=True).first()
    day = last + ONE_DAY if last else today - FIRST_SWEEP_LOOKS_BACK
    touched = 0
    while day <= today:
        touched += _sweep(day)
        day += ONE_DAY
    return touched


@transaction.atomic
def _sweep(day: datetime.date) -> int:
    _, created = StatusSweep.objects.get_or_create(day=day)
    if not created:  # another worker swept it
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT participants_api_changed(ARRAY(SELECT DISTINCT teacher_id FROM ({_TEACHERS_WHOSE_DAY_IT_IS}) AS due)),"
            f" (SELECT count(*) FROM ({_TEACHERS_WHOSE_DAY_IT_IS}) AS due)",
            {"day": day, "before": day - ONE_DAY},
        )
        _, count = cursor.fetchone()
    return count
