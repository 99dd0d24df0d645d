"""Changes to schools: the GIAS import, nominating an induction tutor, and who may manage a school.
Each function makes its change and records its events in one transaction."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from accounts.services import INVITATION_LINK_LIFETIME, create_sign_in_link
from audit.services import Actor, record_event
from core.pacing import Limit, next_allowed_at
from core.tokens import new_token
from emails.services import queue_email
from providers.queries import contract_period_for_registration
from schools import eligibility, gias
from schools.models import (
    ExpectsECTs,
    NominationLink,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolRole,
)
from schools.queries import current_access

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


# --- Nominating an induction tutor ---------------------------------------------------------------

NOMINATION_LINK_LIFETIME = datetime.timedelta(days=21)
# A headteacher who lost the email can ask again soon; nobody can fill a school's inbox.
NOMINATION_LIMITS = (Limit(1, datetime.timedelta(minutes=5)), Limit(5, datetime.timedelta(days=1)))
# Per IP address: a local authority officer may ask for many schools, a script for every school may not.
NOMINATION_LIMITS_PER_IP_ADDRESS = (
    Limit(30, datetime.timedelta(hours=1)),
    Limit(100, datetime.timedelta(days=1)),
)
HEADTEACHER = Actor.system("Headteacher, by nomination link")


class CannotNominate(Exception):
    """Why a school cannot be sent a nomination link: "closed", "outside_england" or "no_contact_email"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def nomination_refusal(school: School) -> str | None:
    if not school.is_open:
        return "closed"
    if not eligibility.is_in_england(region=school.region, establishment_type=school.establishment_type):
        return "outside_england"
    if not school.contact_email:
        return "no_contact_email"
    return None


@transaction.atomic
def send_nomination_link(*, school: School, ip_address: str | None = None) -> datetime.datetime | None:
    """Email the school's GIAS address a link to nominate its induction tutor.

    Raises CannotNominate for a school that cannot use the service. Returns when the school may
    ask again if it has asked too often (nothing is sent), else None.
    """
    if reason := nomination_refusal(school):
        raise CannotNominate(reason)
    now = timezone.now()
    # Lock the school's row so two requests at once cannot both slip under the limit.
    School.objects.select_for_update().get(pk=school.pk)
    a_day_ago = now - datetime.timedelta(days=1)
    earlier = school.nomination_links.filter(created_at__gt=a_day_ago)
    if wait_until := next_allowed_at(
        earlier.values_list("created_at", flat=True), NOMINATION_LIMITS, now=now
    ):
        return wait_until
    if ip_address:
        with connection.cursor() as cursor:  # one request at a time per IP address, as for the school
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"nominate-ip:{ip_address}"]
            )
        from_here = NominationLink.objects.filter(requested_from=ip_address, created_at__gt=a_day_ago)
        limits = NOMINATION_LIMITS_PER_IP_ADDRESS
        if wait_until := next_allowed_at(from_here.values_list("created_at", flat=True), limits, now=now):
            return wait_until
    token, token_hash = new_token()
    link = NominationLink.objects.create(
        school=school,
        requested_from=ip_address,
        token_hash=token_hash,
        created_at=now,
        expires_at=now + NOMINATION_LINK_LIFETIME,
    )
    queue_email(
        to=school.contact_email,
        template="nomination_link",
        personalisation={
            "school_name": school.name,
            "nomination_url": settings.SERVICE_URL + reverse("nomination_start", kwargs={"token": token}),
            "expires_on": formats.date_format(timezone.localtime(link.expires_at), "j F Y"),
        },
    )
    record_event(
        actor=HEADTEACHER,
        event_type="nomination_link_sent",
        heading="Nomination link emailed to the school",
        school=school,
        subject=link,
    )
    return None


class NoContractPeriodOpen(Exception):
    """Registration is closed for every contract period, so a "no ECTs" answer has nothing to go on."""


class NominationLinkUnusable(Exception):
    """The link has expired or been used (`reason`: "expired" or "used")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_nomination_link(link: NominationLink) -> None:
    if link.used_at:
        raise NominationLinkUnusable("used")
    if link.expires_at <= timezone.now():
        raise NominationLinkUnusable("expired")


@transaction.atomic
def nominate_induction_tutor(
    *, link: NominationLink, expects_ects: str, full_name: str = "", email: str = ""
) -> User | None:
    """Record the headteacher's answers from a nomination link, in one transaction.

    Records whether the school expects ECTs in the contract period open for registration. Unless
    the answer is "no", makes the named person the induction tutor: anyone who was tutor before
    loses access at once and is told by email, and the new tutor is emailed a sign-in link.
    Returns the new tutor (None when the school expects no ECTs).
    """
    now = timezone.now()
    claimed = NominationLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if not claimed:
        link.refresh_from_db()
        raise NominationLinkUnusable("used" if link.used_at else "expired")
    school = School.objects.select_for_update().get(pk=link.school_id)
    # Older emails to the same (often shared) inbox must not overturn this answer.
    school.nomination_links.filter(used_at__isnull=True).update(used_at=now)
    if (
        not record_expected_ects(school=school, expects_ects=expects_ects, actor=HEADTEACHER)
        and expects_ects == ExpectsECTs.NO
    ):
        raise NoContractPeriodOpen
    if expects_ects == ExpectsECTs.NO:
        return None
    tutor = _user_for(email=email, full_name=full_name)
    previous = current_access(school).filter(role=SchoolRole.INDUCTION_TUTOR).first()
    if previous and previous.user_id == tutor.pk:
        _email_tutor_a_sign_in_link(tutor=tutor, school=school, now=now)
        return tutor
    if previous:
        _end_access(previous, now=now)
        queue_email(
            to=previous.user.email,
            template="induction_tutor_replaced",
            personalisation={"full_name": previous.user.full_name, "school_name": school.name},
        )
    # A colleague who becomes the tutor keeps one row of access: the tutor's.
    for colleague_access in current_access(school).filter(user=tutor):
        _end_access(colleague_access, now=now)
    access = SchoolAccess.objects.create(
        user=tutor, school=school, role=SchoolRole.INDUCTION_TUTOR, started_at=now
    )
    record_event(
        actor=HEADTEACHER,
        event_type="induction_tutor_nominated",
        heading=f"{tutor.full_name} nominated as induction tutor"
        + (f", replacing {previous.user.full_name}" if previous else ""),
        school=school,
        subject=access,
        changes={"induction_tutor": [previous.user.email if previous else None, tutor.email]},
    )
    _email_tutor_a_sign_in_link(tutor=tutor, school=school, now=now)
    return tutor


def _email_tutor_a_sign_in_link(*, tutor: User, school: School, now: datetime.datetime) -> None:
    queue_email(
        to=tutor.email,
        template="induction_tutor_nominated",
        personalisation={
            "full_name": tutor.full_name,
            "school_name": school.name,
            "sign_in_url": create_sign_in_link(user=tutor, now=now, lifetime=INVITATION_LINK_LIFETIME),
        },
    )


def record_expected_ects(*, school: School, expects_ects: str, actor: Actor) -> bool:
    """Record the school's answer for the contract period open for registration. False when no
    period is open, so there is nothing to record it against (callers must not claim otherwise)."""
    contract_period = contract_period_for_registration(timezone.localdate())
    if contract_period is None:
        return False
    choice, created = SchoolContractPeriodChoice.objects.get_or_create(
        school=school, contract_period=contract_period, defaults={"expects_ects": expects_ects}
    )
    before = None if created else choice.expects_ects
    if not created and before != expects_ects:
        choice.expects_ects = expects_ects
        choice.save(update_fields=["expects_ects", "updated_at"])
    if created or before != expects_ects:
        record_event(
            actor=actor,
            event_type="expected_ects_recorded",
            heading=f"Expects ECTs in {contract_period}: {choice.get_expects_ects_display()}",
            school=school,
            subject=choice,
            changes={"expects_ects": [before, expects_ects]},
        )
    return True


@transaction.atomic
def add_colleague(*, school: School, added_by: User, full_name: str, email: str) -> User:
    """Give a colleague access to the school and email them a sign-in link."""
    now = timezone.now()
    colleague = _user_for(email=email, full_name=full_name)
    access, created = SchoolAccess.objects.get_or_create(
        user=colleague,
        school=school,
        ended_at=None,
        defaults={"role": SchoolRole.COLLEAGUE, "started_at": now},
    )
    if created:
        record_event(
            actor=Actor.school_user(added_by),
            event_type="colleague_added",
            heading=f"{colleague.full_name} given access by {added_by.full_name}",
            school=school,
            subject=access,
        )
        queue_email(
            to=colleague.email,
            template="colleague_added",
            personalisation={
                "full_name": colleague.full_name,
                "school_name": school.name,
                "added_by": added_by.full_name,
                "sign_in_url": create_sign_in_link(
                    user=colleague, now=now, lifetime=INVITATION_LINK_LIFETIME
                ),
            },
        )
    return colleague


def _user_for(*, email: str, full_name: str) -> User:
    """The account for this address, made if it does not exist yet (school users have no password)."""
    user, created = User.objects.get_or_create(
        email=email.strip().lower(), defaults={"full_name": full_name.strip()}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _end_access(access: SchoolAccess, *, now: datetime.datetime) -> None:
    access.ended_at = now
    access.save(update_fields=["ended_at"])
