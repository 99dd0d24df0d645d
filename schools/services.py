"""Changes to schools. Each function makes its change and records its events in one transaction."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from audit.services import Actor, record_event
from schools import gias
from schools.models import School

GIAS_IMPORT_ACTOR_NAME = "GIAS import"
ELIGIBILITY_CHANGED_EVENT = "school_funding_eligibility_changed"
DEFAULT_BATCH_SIZE = 1000


class BadBatchSize(ValueError):
    pass


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    eligibility_changed: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason), by line

    @property
    def skipped(self) -> int:
        return len(self.problems)

    @property
    def imported(self) -> int:
        """Rows that were good: created, updated or already up to date."""
        return self.created + self.updated + self.unchanged


def import_schools(
    *,
    rows: Iterable[tuple[int, Mapping]],
    batch_size: int = DEFAULT_BATCH_SIZE,
    today: datetime.date | None = None,
) -> ImportResult:
    """Create or update schools from GIAS rows, keyed on URN; importing the same rows again changes nothing.

    `rows` are (line number, CSV row) pairs as `gias.read_csv` yields them. A row that is not
    valid, or whose URN an earlier row already had, is skipped and listed in the result's problems.
    New schools get their funding eligibility decided `today`. For existing schools eligibility is
    only changed when GIAS facts now give a different answer, and then with an event.

    Rows are written in batches of `batch_size`, each in its own transaction, with a fixed number
    of queries per batch (plus one per eligibility change), so a batch is all or nothing but an
    interrupted import keeps the batches already written. Importing the file again completes it.
    """
    if batch_size < 1:
        raise BadBatchSize(f"the batch size must be at least 1, not {batch_size}")
    today = today or timezone.localdate()
    result = ImportResult()
    first_line_of_urn: dict[int, int] = {}
    batch: list[tuple[int, gias.GiasSchool]] = []
    for line, row in rows:
        try:
            school = gias.parse_row(row)
        except gias.GiasRowError as error:
            result.problems.append((line, str(error)))
            continue
        if school.urn in first_line_of_urn:
            result.problems.append(
                (line, f"URN {school.urn} is already on line {first_line_of_urn[school.urn]}")
            )
            continue
        first_line_of_urn[school.urn] = line
        batch.append((line, school))
        if len(batch) >= batch_size:
            _import_batch(batch, result=result, today=today)
            batch = []
    if batch:
        _import_batch(batch, result=result, today=today)
    result.problems.sort()
    return result


def _import_batch(batch: list[tuple[int, gias.GiasSchool]], *, result: ImportResult, today: datetime.date):
    actor = Actor.system(GIAS_IMPORT_ACTOR_NAME)
    with transaction.atomic():
        existing = {
            school.urn: school
            for school in School.objects.select_for_update()
            .filter(urn__in=[gias_school.urn for _, gias_school in batch])
            .order_by("urn")
        }
        to_create: list[School] = []
        to_update: list[School] = []
        fields_to_update: set[str] = set()
        eligibility_changes = []
        for line, gias_school in batch:
            values = gias_school.school_values()
            decision = gias_school.funding_eligibility
            school = existing.get(gias_school.urn)
            if school is None:
                to_create.append(
                    School(**values, eligible_for_funding=decision.eligible, eligibility_decided_on=today)
                )
                continue

            changed = {name for name, value in values.items() if getattr(school, name) != value}
            for name in changed:
                setattr(school, name, values[name])
            if school.eligible_for_funding != decision.eligible:
                eligibility_changes.append((school, school.eligible_for_funding, decision))
                school.eligible_for_funding = decision.eligible
                school.eligibility_decided_on = today
                changed |= {"eligible_for_funding", "eligibility_decided_on"}
            elif school.eligibility_decided_on is None:
                # Never decided before (a school made some other way): this import decides it.
                school.eligibility_decided_on = today
                changed.add("eligibility_decided_on")
            if school.opened_on and school.closed_on and school.closed_on < school.opened_on:
                # Only possible when the file has one of the two date columns but not the other.
                result.problems.append((line, "the school would close before it opened"))
                if eligibility_changes and eligibility_changes[-1][0] is school:
                    eligibility_changes.pop()
                continue
            if changed:
                to_update.append(school)
                fields_to_update |= changed
            else:
                result.unchanged += 1

        School.objects.bulk_create(to_create)
        if to_update:
            now = timezone.now()
            for school in to_update:
                school.updated_at = now
            School.objects.bulk_update(to_update, sorted(fields_to_update | {"updated_at"}))
        for school, was_eligible, decision in eligibility_changes:
            record_event(
                actor=actor,
                event_type=ELIGIBILITY_CHANGED_EVENT,
                heading=(
                    "Became eligible for funded training after a GIAS update"
                    if decision.eligible
                    else "No longer eligible for funded training after a GIAS update"
                ),
                subject=school,
                school=school,
                changes={"eligible_for_funding": [was_eligible, decision.eligible]},
                reason=decision.reason,
            )
    result.created += len(to_create)
    result.updated += len(to_update)
    result.eligibility_changed += len(eligibility_changes)
