"""Invariants that span tables, enforced by triggers.

- A period at a school keeps its teacher and school for good: a teacher moving school gets a
  new period, never an edited one.
- A mentorship period lies inside both the ECT's and the mentor's periods at the school, the two
  are at the same school, and they are different teachers.
- A training period lies inside the period at school it belongs to; a school partnership it
  names is with that school; and when it names both a partnership and an expression of
  interest, they are for the same lead provider.

Locking. Because a period's teacher and school never change, only dates need guarding against
concurrent writers:
- writing a child (mentorship or training) takes FOR SHARE on its parent period(s), ECT before
  mentor, and on the partnership it names, so a concurrent change to them waits, then is
  checked against the committed child;
- changing a parent's dates rechecks only that parent's own children and locks nothing else,
  so an ECT and their mentor can leave at the same moment without a deadlock.
Checks run as DEFERRABLE INITIALLY IMMEDIATE constraint triggers: a service may defer them to
commit with SET CONSTRAINTS when it rewrites a parent and its children together.
"""

from django.db import migrations

SQL = r"""
CREATE FUNCTION participants_refuse_period_owner_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.teacher_id <> OLD.teacher_id OR NEW.school_id <> OLD.school_id THEN
    RAISE EXCEPTION '% %: a period keeps its teacher and school; finish it and start another', TG_TABLE_NAME, OLD.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'period_keeps_its_teacher_and_school';
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER ect_period_keeps_its_teacher_and_school
  BEFORE UPDATE OF teacher_id, school_id ON participants_ectatschoolperiod
  FOR EACH ROW EXECUTE FUNCTION participants_refuse_period_owner_change();

CREATE TRIGGER mentor_period_keeps_its_teacher_and_school
  BEFORE UPDATE OF teacher_id, school_id ON participants_mentoratschoolperiod
  FOR EACH ROW EXECUTE FUNCTION participants_refuse_period_owner_change();


CREATE FUNCTION participants_check_mentorship_period() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ect participants_ectatschoolperiod%ROWTYPE;
  mentor participants_mentoratschoolperiod%ROWTYPE;
  span daterange := daterange(NEW.started_on, NEW.finished_on, '[]');
BEGIN
  SELECT * INTO ect FROM participants_ectatschoolperiod WHERE id = NEW.mentee_id FOR SHARE;
  SELECT * INTO mentor FROM participants_mentoratschoolperiod WHERE id = NEW.mentor_id FOR SHARE;
  IF ect.teacher_id = mentor.teacher_id THEN
    RAISE EXCEPTION 'mentorship period %: a teacher cannot mentor themself', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_not_self';
  END IF;
  IF ect.school_id <> mentor.school_id THEN
    RAISE EXCEPTION 'mentorship period %: the mentor and the ECT are at different schools', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_same_school';
  END IF;
  IF NOT span <@ daterange(ect.started_on, ect.finished_on, '[]') THEN
    RAISE EXCEPTION 'mentorship period % lies outside the ECT''s period at the school', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_within_ect_period';
  END IF;
  IF NOT span <@ daterange(mentor.started_on, mentor.finished_on, '[]') THEN
    RAISE EXCEPTION 'mentorship period % lies outside the mentor''s period at the school', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_within_mentor_period';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER mentorship_period_is_valid
  AFTER INSERT OR UPDATE ON participants_mentorshipperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_mentorship_period();


-- Checks one training period against its parent period and the partnership it names.
-- lock_parent: false when the caller is that parent's own update (it already holds the row).
CREATE FUNCTION participants_assert_training_period_valid(t participants_trainingperiod, lock_parent boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  parent_span daterange;
  parent_school bigint;
  partnership_school bigint;
  partnership_lead_provider bigint;
  interest_lead_provider bigint;
BEGIN
  IF t.ect_at_school_period_id IS NOT NULL THEN
    IF lock_parent THEN
      PERFORM 1 FROM participants_ectatschoolperiod WHERE id = t.ect_at_school_period_id FOR SHARE;
    END IF;
    SELECT daterange(started_on, finished_on, '[]'), school_id INTO parent_span, parent_school
      FROM participants_ectatschoolperiod WHERE id = t.ect_at_school_period_id;
  ELSE
    IF lock_parent THEN
      PERFORM 1 FROM participants_mentoratschoolperiod WHERE id = t.mentor_at_school_period_id FOR SHARE;
    END IF;
    SELECT daterange(started_on, finished_on, '[]'), school_id INTO parent_span, parent_school
      FROM participants_mentoratschoolperiod WHERE id = t.mentor_at_school_period_id;
  END IF;
  IF NOT daterange(t.started_on, t.finished_on, '[]') <@ parent_span THEN
    RAISE EXCEPTION 'training period % lies outside the period at school it belongs to', t.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'training_period_within_school_period';
  END IF;

  IF t.school_partnership_id IS NOT NULL THEN
    SELECT partnership.school_id, active.lead_provider_id INTO partnership_school, partnership_lead_provider
      FROM providers_schoolpartnership partnership
      JOIN providers_leadproviderdeliverypartnership pairing
        ON pairing.id = partnership.lead_provider_delivery_partnership_id
      JOIN providers_activeleadprovider active ON active.id = pairing.active_lead_provider_id
      WHERE partnership.id = t.school_partnership_id
      FOR SHARE OF partnership;
    IF partnership_school <> parent_school THEN
      RAISE EXCEPTION 'training period % names a partnership with another school', t.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'training_partnership_is_with_the_school';
    END IF;
    IF t.expression_of_interest_id IS NOT NULL THEN
      SELECT lead_provider_id INTO interest_lead_provider
        FROM providers_activeleadprovider WHERE id = t.expression_of_interest_id;
      IF interest_lead_provider <> partnership_lead_provider THEN
        RAISE EXCEPTION 'training period %: the partnership and the expression of interest name different lead providers', t.id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'training_partnership_matches_interest';
      END IF;
    END IF;
  END IF;
END $$;

CREATE FUNCTION participants_check_training_period() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_assert_training_period_valid(NEW, true);
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER training_period_is_valid
  AFTER INSERT OR UPDATE ON participants_trainingperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_training_period();


-- A parent's dates changed: its own children must still lie inside it.
CREATE FUNCTION participants_check_children_stay_inside() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  span daterange := daterange(NEW.started_on, NEW.finished_on, '[]');
  parent_column text := CASE TG_TABLE_NAME
    WHEN 'participants_ectatschoolperiod' THEN 'ect_at_school_period_id' ELSE 'mentor_at_school_period_id' END;
  child participants_trainingperiod;
BEGIN
  IF TG_TABLE_NAME = 'participants_ectatschoolperiod' THEN
    IF EXISTS (SELECT 1 FROM participants_mentorshipperiod
               WHERE mentee_id = NEW.id AND NOT daterange(started_on, finished_on, '[]') <@ span) THEN
      RAISE EXCEPTION 'ECT period %: a mentorship would lie outside it', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_within_ect_period';
    END IF;
  ELSE
    IF EXISTS (SELECT 1 FROM participants_mentorshipperiod
               WHERE mentor_id = NEW.id AND NOT daterange(started_on, finished_on, '[]') <@ span) THEN
      RAISE EXCEPTION 'mentor period %: a mentorship would lie outside it', NEW.id
        USING ERRCODE = 'check_violation', CONSTRAINT = 'mentorship_within_mentor_period';
    END IF;
  END IF;
  FOR child IN EXECUTE format('SELECT * FROM participants_trainingperiod WHERE %I = $1', parent_column) USING NEW.id LOOP
    PERFORM participants_assert_training_period_valid(child, false);
  END LOOP;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER ect_period_children_stay_inside
  AFTER UPDATE OF started_on, finished_on ON participants_ectatschoolperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_children_stay_inside();

CREATE CONSTRAINT TRIGGER mentor_period_children_stay_inside
  AFTER UPDATE OF started_on, finished_on ON participants_mentoratschoolperiod
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_children_stay_inside();


-- A partnership's school or pairing changed: the training periods naming it must still agree.
CREATE FUNCTION participants_check_training_of_partnership() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  child participants_trainingperiod;
BEGIN
  FOR child IN SELECT * FROM participants_trainingperiod WHERE school_partnership_id = NEW.id LOOP
    PERFORM participants_assert_training_period_valid(child, false);
  END LOOP;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER school_partnership_training_stays_valid
  AFTER UPDATE OF school_id, lead_provider_delivery_partnership_id ON providers_schoolpartnership
  DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION participants_check_training_of_partnership();
"""

REVERSE_SQL = """
DROP TRIGGER school_partnership_training_stays_valid ON providers_schoolpartnership;
DROP TRIGGER mentor_period_children_stay_inside ON participants_mentoratschoolperiod;
DROP TRIGGER ect_period_children_stay_inside ON participants_ectatschoolperiod;
DROP TRIGGER training_period_is_valid ON participants_trainingperiod;
DROP TRIGGER mentorship_period_is_valid ON participants_mentorshipperiod;
DROP TRIGGER mentor_period_keeps_its_teacher_and_school ON participants_mentoratschoolperiod;
DROP TRIGGER ect_period_keeps_its_teacher_and_school ON participants_ectatschoolperiod;
DROP FUNCTION participants_check_training_of_partnership();
DROP FUNCTION participants_check_children_stay_inside();
DROP FUNCTION participants_check_training_period();
DROP FUNCTION participants_assert_training_period_valid(participants_trainingperiod, boolean);
DROP FUNCTION participants_check_mentorship_period();
DROP FUNCTION participants_refuse_period_owner_change();
"""


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial"), ("providers", "0002_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
