"""Versions of what a school's dashboard pages show, kept by the database (issue 19): the year
page is cached under its school's version and the reference data's, so a cached page stays right
whatever writes a change (the services, admin, a queryset's update(), raw SQL, a bulk load).

Each statement that writes a row those pages show records a change for each school it touched, in
its own transaction, through schools_page_changed(): statement-level triggers with transition
tables, as the API's change record has (participants migrations 0003, 0004, 0011, 0012), the
schools' ids deduplicated. A school's version is the count of its committed changes. Reference
data (names of lead providers, delivery partners and appropriate bodies, contract periods, the
provider chain) changes rarely and is shown to every school: a change to it is recorded for no
school (NULL), which every school's version includes. A bulk load (`participants.bulk_load`)
records a reference change rather than finding every school.

The random epoch keeps apart databases built again, whose counts start again."""

import django.contrib.postgres.functions
from django.db import migrations, models

FUNCTIONS = """
INSERT INTO schools_pageversionepoch (id) VALUES (1);

CREATE FUNCTION schools_reference_page_changed() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO schools_schoolpagechange (school_id, changes) VALUES (NULL, 1);
END $$;

CREATE FUNCTION schools_page_changed(school_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('participants.bulk_load', true) = 'on' THEN
    PERFORM schools_reference_page_changed();
    RETURN;
  END IF;
  -- Only inserts: no writer waits for another here, whichever schools each touches.
  INSERT INTO schools_schoolpagechange (school_id, changes)
    SELECT DISTINCT id, 1 FROM unnest(school_ids) AS touched(id) WHERE id IS NOT NULL;
END $$;
"""

# The schools whose pages show a teacher (a query of teacher ids, `teachers`): every school they
# have been at, as an ECT or a mentor (a past year's page lists them too).
SCHOOLS_OF_TEACHERS = (
    "SELECT school_id FROM participants_ectatschoolperiod WHERE teacher_id IN ({teachers})"
    " UNION SELECT school_id FROM participants_mentoratschoolperiod WHERE teacher_id IN ({teachers})"
)

# For each table: the schools whose pages show the rows in `{rows}` (a transition table), and,
# for an update, which columns matter (None: any but those named in IGNORED).
SCHOOLS_OF_ROWS = {
    "participants_ectatschoolperiod": "SELECT school_id FROM {rows} r",
    "participants_mentoratschoolperiod": "SELECT school_id FROM {rows} r",
    "participants_trainingperiod": (
        "SELECT e.school_id FROM {rows} r JOIN participants_ectatschoolperiod e ON e.id = r.ect_at_school_period_id"
        " UNION SELECT m.school_id FROM {rows} r"
        " JOIN participants_mentoratschoolperiod m ON m.id = r.mentor_at_school_period_id"
    ),
    "participants_mentorshipperiod": (
        "SELECT e.school_id FROM {rows} r JOIN participants_ectatschoolperiod e ON e.id = r.mentee_id"
        " UNION SELECT m.school_id FROM {rows} r JOIN participants_mentoratschoolperiod m ON m.id = r.mentor_id"
    ),
    "participants_inductionperiod": SCHOOLS_OF_TEACHERS.format(teachers="SELECT teacher_id FROM {rows} r"),
    "participants_teacher": SCHOOLS_OF_TEACHERS.format(teachers="SELECT id FROM {rows} r"),
    "schools_schoolcontractperiodchoice": "SELECT school_id FROM {rows} r",
    "providers_schoolpartnership": "SELECT school_id FROM {rows} r",
    "schools_schoolaccess": "SELECT school_id FROM {rows} r",
    "accounts_user": "SELECT school_id FROM schools_schoolaccess WHERE user_id IN (SELECT id FROM {rows} r)",
    "schools_school": "SELECT id FROM {rows} r",
}

# Columns whose change alone shows on no page: stamps (the API's stamp on a teacher is written by
# the API's own triggers on every change to them), and for a user, everything but what the list of
# people who manage a school shows (signing in stamps last_login).
COLUMNS_THAT_MATTER = {"accounts_user": ("full_name", "email")}
IGNORED = {
    "participants_teacher": ("api_updated_at", "trs_data_refreshed_at", "updated_at"),
    "schools_school": ("updated_at",),
}

# A new teacher, user or school is on no page until a period, an access or a choice names them.
EVENTS = {table: ("INSERT", "UPDATE", "DELETE") for table in SCHOOLS_OF_ROWS}
EVENTS.update(
    {"participants_teacher": ("UPDATE",), "accounts_user": ("UPDATE",), "schools_school": ("UPDATE",)}
)

# Reference data: the columns any page shows (an insert is on no page until a school's row names
# it; a delete is refused while one does, or takes those rows with it, which moves their schools).
REFERENCE = {
    "providers_leadprovider": ("name",),
    "providers_deliverypartner": ("name",),
    "providers_appropriatebody": ("name",),
    # Any change (its key is its year, and finance's rare writes to it cost one rendering a school).
    "providers_contractperiod": (),
    "providers_activeleadprovider": ("lead_provider_id", "contract_period_id"),
    "providers_leadproviderdeliverypartnership": ("delivery_partner_id", "active_lead_provider_id"),
}
# A new contract period is on a page at once (a school's years are those its people's periods
# overlap); other new reference rows are on none until a school's row names them.
REFERENCE_EVENTS = {table: ("UPDATE", "DELETE") for table in REFERENCE}
REFERENCE_EVENTS["providers_contractperiod"] = ("INSERT", "UPDATE", "DELETE")


def changed_rows(table: str) -> str:
    """The new rows of an update whose change shows on a page."""
    if columns := COLUMNS_THAT_MATTER.get(table) or REFERENCE.get(table):
        differs = " OR ".join(f"n.{column} IS DISTINCT FROM o.{column}" for column in columns)
    else:
        ignored = "".join(f" - '{column}'" for column in IGNORED.get(table, ()))
        differs = f"to_jsonb(n){ignored} IS DISTINCT FROM to_jsonb(o){ignored}"
    return f"(SELECT n.* FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE {differs})"


def statement_triggers() -> str:
    sql = []
    for table, schools in SCHOOLS_OF_ROWS.items():
        for event in EVENTS[table]:
            name = f"{table}_{event.lower()}_page_changed"
            if event == "UPDATE":
                # Before and after: a row moved to another school changes both schools' pages.
                touched = f"{schools.format(rows=changed_rows(table))} UNION " + schools.format(
                    rows=changed_rows(table).replace("SELECT n.*", "SELECT o.*")
                )
                referencing = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            else:
                touched = schools.format(rows="rows")
                referencing = f"{'OLD' if event == 'DELETE' else 'NEW'} TABLE AS rows"
            sql.append(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM schools_page_changed(ARRAY(SELECT DISTINCT school_id FROM ({touched}) AS touched(school_id)));
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}
  REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""")
    for table in REFERENCE:
        for event in REFERENCE_EVENTS[table]:
            name = f"{table}_{event.lower()}_reference_page_changed"
            if event == "UPDATE" and REFERENCE[table]:
                check = (
                    f"IF EXISTS {changed_rows(table)} THEN PERFORM schools_reference_page_changed(); END IF;"
                )
                referencing = "OLD TABLE AS old_rows NEW TABLE AS new_rows"
            else:
                check = (
                    "IF EXISTS (SELECT 1 FROM rows) THEN PERFORM schools_reference_page_changed(); END IF;"
                )
                referencing = f"{'OLD' if event == 'DELETE' else 'NEW'} TABLE AS rows"
            sql.append(f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {check}
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}
  REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
""")
    return "".join(sql)


def dropped() -> str:
    """Undoes FUNCTIONS and statement_triggers(): each trigger with its function, then the rest
    (the tables go with the models)."""
    triggers = [
        (f"{table}_{event.lower()}_page_changed", table)
        for table in SCHOOLS_OF_ROWS
        for event in EVENTS[table]
    ] + [
        (f"{table}_{event.lower()}_reference_page_changed", table)
        for table in REFERENCE
        for event in REFERENCE_EVENTS[table]
    ]
    sql = [f"DROP TRIGGER {name} ON {table}; DROP FUNCTION {name}();" for name, table in triggers]
    sql.append(
        "DROP FUNCTION schools_page_changed(bigint[]); DROP FUNCTION schools_reference_page_changed();"
    )
    return "\n".join(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0009_funding_flags_uploads"),
        ("participants", "0014_email_any_case_indexes"),
        ("providers", "0005_partnership_challenges_and_delivery_partner_stamps"),
        ("accounts", "0009_finance_contracts_and_payments"),
    ]

    operations = [
        migrations.CreateModel(
            name="SchoolPageChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("school_id", models.BigIntegerField(null=True)),
                ("changes", models.IntegerField(default=1)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["school_id"], include=["changes"], name="school_page_changes_sum")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("changes__gt", 0)), name="school_page_changes_positive"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PageVersionEpoch",
            fields=[
                ("id", models.SmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("epoch", models.UUIDField(db_default=django.contrib.postgres.functions.RandomUUID())),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="page_version_epoch_is_one_row"
                    )
                ],
            },
        ),
        migrations.RunSQL(FUNCTIONS + statement_triggers(), dropped()),
    ]
