"""Invariants that span two tables, enforced by constraint triggers.

- A mentorship period lies inside both the ECT's and the mentor's at-school periods,
  the two are at the same school, and they are different teachers.
- A training period lies inside the at-school period it belongs to.

The checks run when a child row is written and again when a parent period changes
(its dates, teacher or school), so no order of writes can leave a child outside its
parent. The child check takes FOR SHARE on the parent row, so a concurrent change to the
parent waits for it and is then checked against the committed child.
Triggers are DEFERRABLE INITIALLY IMMEDIATE: a service may defer them to commit time
with SET CONSTRAINTS when it rewrites a parent and its children together.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION participants_assert_mentorship_valid(mentorship_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  m participants_mentorshipperiod%ROWTYPE;
  ect participants_ectatschoolperiod%ROWTYPE;
  mentor participants_mentoratschoolperiod%ROWTYPE;
  span daterange;
BEGIN
  SELECT * INTO m FROM participants_mentorshipperiod WHERE id = mentorship_id;
  IF NOT FOUND THEN RETURN; END IF;
  SELECT * INTO ect FROM participants_ectatschoolperiod WHERE id = m.mentee_id FOR SHARE;
  SELECT * INTO mentor FROM participants_mentoratschoolperiod WHERE id = m.mentor_id FOR SHARE;
  span := daterange(m.started_on, m.finished_on, '[]');
  IF ect.teacher_id = mentor.teacher_id THEN
    RAISE EXCEPTION 'mentorship period %: a teacher cannot mentor themself', m.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_not_self';
  END IF;
  IF ect.school_id <> mentor.school_id THEN
    RAISE EXCEPTION 'mentorship period %: the mentor and the ECT are at different schools', m.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_same_school';
  END IF;
  IF NOT span <@ daterange(ect.started_on, ect.finished_on, '[]') THEN
    RAISE EXCEPTION 'mentorship period % lies outside the ECT''s period at the school', m.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_within_ect_period';
  END IF;
  IF NOT span <@ daterange(mentor.started_on, mentor.finished_on, '[]') THEN
    RAISE EXCEPTION 'mentorship period % lies outside the mentor''s period at the school', m.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_within_mentor_period';
  END IF;
END $$;

CREATE FUNCTION participants_assert_training_period_valid(training_period_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  t participants_trainingperiod%ROWTYPE;
  parent_span daterange;
BEGIN
  SELECT * INTO t FROM participants_trainingperiod WHERE id = training_period_id;
  IF NOT FOUND THEN RETURN; END IF;
  IF t.ect_at_school_period_id IS NOT NULL THEN
    SELECT daterange(started_on, finished_on, '[]') INTO parent_span
      FROM participants_ectatschoolperiod WHERE id = t.ect_at_school_period_id FOR SHARE;
  ELSE
    SELECT daterange(started_on, finished_on, '[]') INTO parent_span
      FROM participants_mentoratschoolperiod WHERE id = t.mentor_at_school_period_id FOR SHARE;
  END IF;
  IF NOT daterange(t.started_on, t.finished_on, '[]') <@ parent_span THEN
    RAISE EXCEPTION 'training period % lies outside the period at school it belongs to', t.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'training_period_within_school_period';
  END IF;
END $$;

CREATE FUNCTION participants_check_child_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'participants_mentorshipperiod' THEN
    PERFORM participants_assert_mentorship_valid(NEW.id);
  ELSE
    PERFORM participants_assert_training_period_valid(NEW.id);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION participants_check_children_of_ect_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_assert_mentorship_valid(id)
    FROM participants_mentorshipperiod WHERE mentee_id = NEW.id;
  PERFORM participants_assert_training_period_valid(id)
    FROM participants_trainingperiod WHERE ect_at_school_period_id = NEW.id;
  RETURN NULL;
END $$;

CREATE FUNCTION participants_check_children_of_mentor_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_assert_mentorship_valid(id)
    FROM participants_mentorshipperiod WHERE mentor_id = NEW.id;
  PERFORM participants_assert_training_period_valid(id)
    FROM participants_trainingperiod WHERE mentor_at_school_period_id = NEW.id;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER mentorship_period_is_valid
  AFTER INSERT OR UPDATE ON participants_mentorshipperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_child_period();

CREATE CONSTRAINT TRIGGER training_period_is_valid
  AFTER INSERT OR UPDATE ON participants_trainingperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_child_period();

CREATE CONSTRAINT TRIGGER ect_period_children_stay_valid
  AFTER UPDATE OF started_on, finished_on, teacher_id, school_id ON participants_ectatschoolperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_children_of_ect_period();

CREATE CONSTRAINT TRIGGER mentor_period_children_stay_valid
  AFTER UPDATE OF started_on, finished_on, teacher_id, school_id ON participants_mentoratschoolperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_children_of_mentor_period();
"""

REVERSE_SQL = """
DROP TRIGGER mentor_period_children_stay_valid ON participants_mentoratschoolperiod;
DROP TRIGGER ect_period_children_stay_valid ON participants_ectatschoolperiod;
DROP TRIGGER training_period_is_valid ON participants_trainingperiod;
DROP TRIGGER mentorship_period_is_valid ON participants_mentorshipperiod;
DROP FUNCTION participants_check_children_of_mentor_period();
DROP FUNCTION participants_check_children_of_ect_period();
DROP FUNCTION participants_check_child_period();
DROP FUNCTION participants_assert_training_period_valid(bigint);
DROP FUNCTION participants_assert_mentorship_valid(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("participants", "0002_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
