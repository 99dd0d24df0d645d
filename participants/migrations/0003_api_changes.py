"""What lead providers read about a teacher: schedules for provider-led training, and a record of
every change to it, kept by the database whatever writes the change (docs/decisions/0016).

Each statement that writes a row a participant's API JSON is made from (the teacher, their periods
at schools, training, mentor, induction, or their school partnership's delivery partner) calls
participants_api_changed() for the teachers it touched, which
- takes a shared advisory lock until commit, so a reader that takes the same lock exclusively
  waits for every change already stamped to commit (participants.api_changes);
- stamps Teacher.api_updated_at with the wall clock, and
- appends a ParticipantChange row (the change feed).
A bulk load that records history itself (seed_demo) sets participants.bulk_load to 'on' for its
transaction to skip this.
"""

import django.contrib.postgres.functions
import django.db.models.deletion
import django.db.models.functions.datetime
from django.db import migrations, models

# The advisory lock key writers share and readers take exclusively: "participants API changes".
API_CHANGES_LOCK = 7_000_003

FUNCTION = f"""
CREATE FUNCTION participants_api_changed(teacher_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('participants.bulk_load', true) = 'on' OR cardinality(teacher_ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared({API_CHANGES_LOCK});
  -- Lock the teachers in id order so two writers cannot deadlock on them.
  PERFORM 1 FROM participants_teacher WHERE id = ANY(teacher_ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE participants_teacher SET api_updated_at = clock_timestamp() WHERE id = ANY(teacher_ids);
  INSERT INTO participants_participantchange (teacher_id, changed_at)
    SELECT id, clock_timestamp() FROM (SELECT DISTINCT unnest(teacher_ids) AS id) AS touched
    WHERE id IS NOT NULL ORDER BY id;
END $$;

CREATE FUNCTION participants_teacher_api_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.trn, NEW.trs_first_name, NEW.trs_last_name, NEW.corrected_name)
     IS DISTINCT FROM (OLD.trn, OLD.trs_first_name, OLD.trs_last_name, OLD.corrected_name) THEN
    PERFORM participants_api_changed(ARRAY[NEW.id]);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER teacher_api_changed AFTER UPDATE ON participants_teacher
  FOR EACH ROW EXECUTE FUNCTION participants_teacher_api_changed();
"""

# For each table: how to find the teachers of the rows a statement wrote (`rows` is the
# statement's transition table).
TEACHERS_OF_ROWS = {
    "participants_ectatschoolperiod": "SELECT teacher_id FROM rows",
    "participants_mentoratschoolperiod": "SELECT teacher_id FROM rows",
    "participants_inductionperiod": "SELECT teacher_id FROM rows",
    "participants_teacheridchange": "SELECT teacher_id FROM rows",
    "participants_trainingperiod": (
        "SELECT e.teacher_id FROM rows JOIN participants_ectatschoolperiod e ON e.id = rows.ect_at_school_period_id"
        " UNION SELECT m.teacher_id FROM rows"
        " JOIN participants_mentoratschoolperiod m ON m.id = rows.mentor_at_school_period_id"
    ),
    # An ECT's JSON names their mentor.
    "participants_mentorshipperiod": (
        "SELECT e.teacher_id FROM rows JOIN participants_ectatschoolperiod e ON e.id = rows.mentee_id"
    ),
    # The delivery partner of everyone trained through the partnership.
    "providers_schoolpartnership": (
        "SELECT e.teacher_id FROM rows"
        " JOIN participants_trainingperiod t ON t.school_partnership_id = rows.id"
        " JOIN participants_ectatschoolperiod e ON e.id = t.ect_at_school_period_id"
        " UNION SELECT m.teacher_id FROM rows"
        " JOIN participants_trainingperiod t ON t.school_partnership_id = rows.id"
        " JOIN participants_mentoratschoolperiod m ON m.id = t.mentor_at_school_period_id"
    ),
}
EVENTS = {
    "participants_ectatschoolperiod": ("INSERT", "UPDATE", "DELETE"),
    "participants_mentoratschoolperiod": ("INSERT", "UPDATE", "DELETE"),
    "participants_inductionperiod": ("INSERT", "UPDATE", "DELETE"),
    "participants_teacheridchange": ("INSERT", "UPDATE", "DELETE"),
    "participants_trainingperiod": ("INSERT", "UPDATE", "DELETE"),
    "participants_mentorshipperiod": ("INSERT", "UPDATE", "DELETE"),
    "providers_schoolpartnership": ("UPDATE",),  # a new partnership has nobody trained through it yet
}


def statement_triggers() -> str:
    """One statement-level trigger per table and event (Postgres allows a transition table only
    on a trigger for a single event), so a COPY of many rows touches each teacher once."""
    sql = []
    for table, teachers in TEACHERS_OF_ROWS.items():
        for event in EVENTS[table]:
            rows = "OLD" if event == "DELETE" else "NEW"
            name = f"{table}_{event.lower()}_api_changed"
            sql.append(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM participants_api_changed(ARRAY(SELECT DISTINCT teacher_id FROM ({teachers}) AS touched));
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}
  REFERENCING {rows} TABLE AS rows FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""")
    return "".join(sql)


def give_provider_led_training_a_schedule(apps, schema_editor):
    """Provider-led training started before schedules existed follows the standard schedule of
    the term it started in, in its contract period."""
    from providers.schedules import IDENTIFIERS, identifier_for_start, milestone_windows

    ContractPeriod = apps.get_model("providers", "ContractPeriod")
    Schedule = apps.get_model("providers", "Schedule")
    Milestone = apps.get_model("providers", "Milestone")
    TrainingPeriod = apps.get_model("participants", "TrainingPeriod")
    for contract_period in ContractPeriod.objects.all():
        for identifier in IDENTIFIERS:
            schedule, created = Schedule.objects.get_or_create(
                contract_period=contract_period, identifier=identifier
            )
            if created:
                Milestone.objects.bulk_create(
                    Milestone(schedule=schedule, declaration_type=kind, start_date=first, milestone_date=last)
                    for kind, first, last in milestone_windows(contract_period.year, identifier)
                )
    schedules = {(s.contract_period_id, s.identifier): s.pk for s in Schedule.objects.all()}
    trainings = TrainingPeriod.objects.filter(
        training_programme="provider_led", schedule__isnull=True
    ).select_related(
        "school_partnership__lead_provider_delivery_partnership__active_lead_provider",
        "expression_of_interest",
    )
    for training in trainings.iterator():
        active = (
            training.school_partnership.lead_provider_delivery_partnership.active_lead_provider
            if training.school_partnership_id
            else training.expression_of_interest
        )
        training.schedule_id = schedules[
            (active.contract_period_id, identifier_for_start(training.started_on))
        ]
        training.save(update_fields=["schedule"])


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0002_cross_table_invariants"),
        ("providers", "0004_schedules"),
    ]

    operations = [
        migrations.CreateModel(
            name="ParticipantChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="StatusSweep",
            fields=[
                ("day", models.DateField(primary_key=True, serialize=False)),
                ("swept_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
        ),
        migrations.CreateModel(
            name="TeacherIdChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("from_api_id", models.UUIDField(unique=True, verbose_name="from API ID")),
                ("changed_at", models.DateTimeField(db_default=django.db.models.functions.datetime.Now())),
            ],
            options={
                "ordering": ["changed_at"],
            },
        ),
        migrations.AddField(
            model_name="teacher",
            name="api_ect_training_record_id",
            field=models.UUIDField(
                db_default=django.contrib.postgres.functions.RandomUUID(),
                editable=False,
                unique=True,
                verbose_name="API ECT training record ID",
            ),
        ),
        migrations.AddField(
            model_name="teacher",
            name="api_mentor_training_record_id",
            field=models.UUIDField(
                db_default=django.contrib.postgres.functions.RandomUUID(),
                editable=False,
                unique=True,
                verbose_name="API mentor training record ID",
            ),
        ),
        migrations.AddField(
            model_name="teacher",
            name="api_updated_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                editable=False,
                verbose_name="API updated at",
            ),
        ),
        migrations.AddField(
            model_name="trainingperiod",
            name="schedule",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="training_periods",
                to="providers.schedule",
            ),
        ),
        migrations.AddIndex(
            model_name="teacher",
            index=models.Index(fields=["api_updated_at", "id"], name="participant_api_upd_a74288_idx"),
        ),
        migrations.RunPython(give_provider_led_training_a_schedule, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="trainingperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("schedule__isnull", False), ("training_programme", "provider_led")),
                    models.Q(("schedule__isnull", True), ("training_programme", "school_led")),
                    _connector="OR",
                ),
                name="training_period_provider_led_has_a_schedule",
            ),
        ),
        migrations.AddField(
            model_name="participantchange",
            name="teacher",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="participants.teacher"
            ),
        ),
        migrations.AddField(
            model_name="teacheridchange",
            name="teacher",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_id_changes",
                to="participants.teacher",
            ),
        ),
        migrations.AddIndex(
            model_name="participantchange",
            index=models.Index(fields=["teacher", "id"], name="participant_teacher_46e417_idx"),
        ),
        migrations.RunSQL(FUNCTION + statement_triggers(), migrations.RunSQL.noop),
    ]
