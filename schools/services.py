"""Changes to schools: the GIAS import, nominating an induction tutor, who may manage a school,
how it runs training each year, and importing its pupil premium and sparsity flags.
Each function makes its change and records its events in one transaction."""

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from accounts.services import INVITATION_LINK_LIFETIME, create_sign_in_link, user_for
from audit.models import Event
from audit.services import Actor, record_event
from core import clock
from core.pacing import Limit, next_allowed_at
from core.tokens import new_token
from emails.services import queue_email
from providers.models import (
    ActiveLeadProvider,
    AppropriateBody,
    ContractPeriod,
    LeadProvider,
    SchoolPartnership,
)
from providers.queries import contract_period_for_registration, pairing_in
from schools import eligibility, funding_flags, gias
from schools.models import (
    ExpectsECTs,
    FundingFlagsUpload,
    NominationLink,
    School,
    SchoolAccess,
    SchoolContractPeriodChoice,
    SchoolFundingFlags,
    SchoolRole,
    YearProgramme,
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
    today = today or clock.today()
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
            now = clock.now()
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
    now = clock.now()
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
    if link.expires_at <= clock.now():
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
    now = clock.now()
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
    return _appoint_induction_tutor(
        school=school, tutor=user_for(email=email, full_name=full_name), actor=HEADTEACHER, now=now
    )


def _appoint_induction_tutor(*, school: School, tutor: User, actor: Actor, now: datetime.datetime) -> User:
    """Make `tutor` the induction tutor: anyone who was tutor before loses access at once and is
    told by email, and the new tutor is emailed a sign-in link."""
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
        actor=actor,
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
    """Record the headteacher's answer for the contract period open for registration. False when no
    period is open, so there is nothing to record it against (callers must not claim otherwise).

    "No" is the whole answer for the year. Otherwise the tutor's set-up stands, except that a year
    set up as "no ECTs" needs setting up again."""
    contract_period = contract_period_for_registration(clock.today())
    if contract_period is None:
        return False
    choice = _locked_choice(school, contract_period)
    if expects_ects == ExpectsECTs.NO:
        answer = YearAnswer(ExpectsECTs.NO, YearProgramme.NO_ECTS)
    elif choice is None or choice.programme in ("", YearProgramme.NO_ECTS):
        answer = YearAnswer(expects_ects, "")
    else:
        answer = YearAnswer(expects_ects, choice.programme, choice.lead_provider, choice.appropriate_body)
    _save_year_answer(
        school=school, contract_period=contract_period, choice=choice, answer=answer, actor=actor
    )
    return True


# --- Setting up a year's training --------------------------------------------------------------


class NotEligibleForFunding(Exception):
    """Provider-led training asked for by a school that cannot have funded training."""


class LeadProviderNotActive(Exception):
    """A lead provider that is not contracted in the year asked for."""


class PairingEnded(Exception):
    """Last year's lead provider and delivery partner no longer work together this year."""


@dataclass(frozen=True)
class YearAnswer:
    expects_ects: str
    programme: str
    lead_provider: ActiveLeadProvider | None = None
    appropriate_body: AppropriateBody | None = None


@transaction.atomic
def set_up_training(
    *,
    school: School,
    contract_period: ContractPeriod,
    set_up_by: User,
    expects_ects: str,
    programme: str = "",
    lead_provider: LeadProvider | None = None,
    appropriate_body: AppropriateBody | None = None,
    keep_partnership: SchoolPartnership | None = None,
) -> SchoolContractPeriodChoice:
    """Record how the school runs training in a contract period (first time, or a change).

    "No ECTs" from either question is one answer. `keep_partnership` is last year's partnership,
    kept: its lead provider and delivery partner carry over into this year as a partnership, when
    they still work together (else PairingEnded). A lead provider the school leaves is told by
    email. Also remembers the choices as the school's defaults for next time.
    """
    school = School.objects.select_for_update().get(pk=school.pk)
    actor = Actor.school_user(set_up_by)
    if expects_ects == ExpectsECTs.NO or programme == YearProgramme.NO_ECTS:
        answer = YearAnswer(ExpectsECTs.NO, YearProgramme.NO_ECTS)
    else:
        if keep_partnership is not None:
            programme = YearProgramme.PROVIDER_LED
            lead_provider = (
                keep_partnership.lead_provider_delivery_partnership.active_lead_provider.lead_provider
            )
        active = None
        if programme == YearProgramme.PROVIDER_LED:
            if not school.eligible_for_funding:
                raise NotEligibleForFunding
            active = ActiveLeadProvider.objects.filter(
                lead_provider=lead_provider, contract_period=contract_period
            ).first()
            if active is None:
                raise LeadProviderNotActive
        answer = YearAnswer(expects_ects, programme, active, appropriate_body)
    if keep_partnership is not None and answer.programme == YearProgramme.PROVIDER_LED:
        _carry_over_partnership(
            school=school, contract_period=contract_period, kept=keep_partnership, actor=actor
        )
    choice = _save_year_answer(
        school=school,
        contract_period=contract_period,
        choice=_locked_choice(school, contract_period),
        answer=answer,
        actor=actor,
    )
    if answer.programme != YearProgramme.NO_ECTS:
        remember_last_choices(
            school,
            training_programme=answer.programme,
            appropriate_body=answer.appropriate_body,
            lead_provider=answer.lead_provider.lead_provider if answer.lead_provider is not None else None,
        )
    return choice


def remember_last_choices(
    school: School, *, training_programme: str, appropriate_body, lead_provider
) -> None:
    """Keep the school's latest choices, offered as its defaults next time (a lead provider of None
    keeps the last one, to offer should it go back to provider-led). Part of the caller's transaction."""
    school.last_chosen_training_programme = training_programme
    school.last_chosen_appropriate_body = appropriate_body
    if lead_provider is not None:
        school.last_chosen_lead_provider = lead_provider
    school.save(
        update_fields=[
            "last_chosen_training_programme",
            "last_chosen_appropriate_body",
            "last_chosen_lead_provider",
            "updated_at",
        ]
    )


def _locked_choice(school: School, contract_period: ContractPeriod) -> SchoolContractPeriodChoice | None:
    return (
        SchoolContractPeriodChoice.objects.select_for_update(of=("self",))
        .select_related("lead_provider__lead_provider", "appropriate_body")
        .filter(school=school, contract_period=contract_period)
        .first()
    )


def _carry_over_partnership(
    *, school: School, contract_period: ContractPeriod, kept: SchoolPartnership, actor: Actor
) -> SchoolPartnership:
    last_year = kept.lead_provider_delivery_partnership
    pairing = pairing_in(
        contract_period,
        lead_provider_id=last_year.active_lead_provider.lead_provider_id,
        delivery_partner_id=last_year.delivery_partner_id,
    )
    if pairing is None:
        raise PairingEnded
    partnership, created = SchoolPartnership.objects.get_or_create(
        school=school, lead_provider_delivery_partnership=pairing
    )
    if created:
        record_event(
            actor=actor,
            event_type="school_partnership_carried_over",
            heading=f"Kept {pairing.active_lead_provider.lead_provider} with {pairing.delivery_partner} "
            f"for {contract_period}",
            school=school,
            subject=partnership,
        )
    return partnership


def _describe(answer: YearAnswer | SchoolContractPeriodChoice | None) -> dict[str, str | None]:
    if answer is None:
        return {"expects_ects": None, "programme": None, "lead_provider": None, "appropriate_body": None}
    return {
        "expects_ects": answer.expects_ects,
        "programme": answer.programme or None,
        "lead_provider": answer.lead_provider.lead_provider.name if answer.lead_provider else None,
        "appropriate_body": answer.appropriate_body.name if answer.appropriate_body else None,
    }


def _save_year_answer(
    *,
    school: School,
    contract_period: ContractPeriod,
    choice: SchoolContractPeriodChoice | None,
    answer: YearAnswer,
    actor: Actor,
) -> SchoolContractPeriodChoice:
    """Write the year's answer with an event of what changed; tell a lead provider the school left."""
    before, after = _describe(choice), _describe(answer)
    if choice is None:
        choice = SchoolContractPeriodChoice(school=school, contract_period=contract_period)
    left = choice.lead_provider if choice.lead_provider_id else None
    choice.expects_ects = answer.expects_ects
    choice.programme = answer.programme
    choice.lead_provider = answer.lead_provider
    choice.appropriate_body = answer.appropriate_body
    choice.save()
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        record_event(
            actor=actor,
            event_type="training_set_up" if before["programme"] is None else "training_changed",
            heading=f"Training for {contract_period}: {choice.get_programme_display() or 'not set up yet'}"
            + (f" with {answer.lead_provider.lead_provider}" if answer.lead_provider else ""),
            school=school,
            subject=choice,
            changes=changes,
        )
    if left is not None and (answer.lead_provider is None or answer.lead_provider.pk != left.pk):
        _tell_lead_provider_school_left(
            left.lead_provider, school=school, contract_period=contract_period, choice=choice
        )
    return choice


def _tell_lead_provider_school_left(
    lead_provider: LeadProvider,
    *,
    school: School,
    contract_period: ContractPeriod,
    choice: SchoolContractPeriodChoice,
) -> None:
    if not lead_provider.email:
        return  # support see the change in the school's timeline; the API shows it too
    if choice.programme == YearProgramme.PROVIDER_LED:
        now_runs = f"work with {choice.lead_provider.lead_provider}"
    elif choice.programme == YearProgramme.SCHOOL_LED:
        now_runs = "deliver its own programme"
    elif choice.programme == YearProgramme.NO_ECTS:
        now_runs = "have no early career teachers"
    else:
        now_runs = "decide again how to run its training"
    queue_email(
        to=lead_provider.email,
        template="school_left_lead_provider",
        personalisation={
            "lead_provider_name": lead_provider.name,
            "school_name": school.name,
            "urn": str(school.urn),
            "academic_year": str(contract_period),
            "now_runs": now_runs,
        },
    )


@transaction.atomic
def change_induction_tutor(*, school: School, changed_by: User, full_name: str, email: str) -> User:
    """Make someone else the school's induction tutor, from the school's own dashboard."""
    school = School.objects.select_for_update().get(pk=school.pk)
    return _appoint_induction_tutor(
        school=school,
        tutor=user_for(email=email, full_name=full_name),
        actor=Actor.school_user(changed_by),
        now=clock.now(),
    )


@transaction.atomic
def add_colleague(*, school: School, added_by: User, full_name: str, email: str) -> User:
    """Give a colleague access to the school and email them a sign-in link."""
    now = clock.now()
    colleague = user_for(email=email, full_name=full_name)
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


def _end_access(access: SchoolAccess, *, now: datetime.datetime) -> None:
    access.ended_at = now
    access.save(update_fields=["ended_at"])


def record_support_view(*, school: School, viewed_by: User, person=None) -> None:
    """Support staff looked at the school's dashboard as the school sees it, or at the page of one
    of its ECTs or mentors (`person`, their period at the school): kept on the school's timeline,
    and the teacher's."""
    if person is None:
        record_event(
            actor=Actor.dfe_staff(viewed_by),
            event_type="school_viewed_by_support",
            heading=f"Support staff viewed the school's dashboard: {viewed_by}",
            school=school,
        )
        return
    teacher = person.teacher
    record_event(
        actor=Actor.dfe_staff(viewed_by),
        event_type="teacher_viewed_by_support",
        heading=f"Support staff viewed {teacher.full_name}'s page as the school sees it: {viewed_by}"[
            : Event._meta.get_field("heading").max_length
        ],
        subject=person,
        teacher=teacher,
        school=school,
    )


# --- Pupil premium and sparsity flags --------------------------------------------------------------

FUNDING_FLAGS_IMPORTED_EVENT = "school_funding_flags_imported"
FUNDING_FLAGS_COMMAND = Actor.system("import_funding_flags command")


class FundingFlagsFileHasProblems(Exception):
    """The file has problems (perhaps new since it was checked: a school or contract period gone);
    nothing was imported. `checked.problems` lists them."""

    def __init__(self, checked: funding_flags.CheckedFile):
        super().__init__(f"{len(checked.problems)} problems in the file")
        self.checked = checked


class FundingFlagsAlreadyImported(Exception):
    pass


def save_funding_flags_upload(
    *, content: bytes, file_name: str, uploaded_by: User | None
) -> FundingFlagsUpload:
    """Keep a file that checked clean until the person who uploaded it imports it (`uploaded_by`
    None: the command line). Their earlier files not imported are forgotten: only the newest can be
    imported. UnreadableFile if the file as a whole cannot be used."""
    text = funding_flags.decoded(content)
    with transaction.atomic():
        FundingFlagsUpload.objects.filter(uploaded_by=uploaded_by, imported_at__isnull=True).delete()
        return FundingFlagsUpload.objects.create(
            uploaded_by=uploaded_by,
            file_name=file_name[: FundingFlagsUpload._meta.get_field("file_name").max_length],
            content=text,
            sha256=hashlib.sha256(content).hexdigest(),
        )


def _write_funding_flags(checked: funding_flags.CheckedFile) -> None:
    """The rows to add and to change, each in one statement (so the table's triggers stamp the
    schools' teachers for the API once, not once per batch)."""
    table = SchoolFundingFlags._meta.db_table
    with connection.cursor() as cursor:
        if added := checked.added:
            cursor.execute(
                f"INSERT INTO {table} (school_id, contract_period_id, pupil_premium, sparsity) "
                "SELECT * FROM unnest(%s::bigint[], %s::smallint[], %s::boolean[], %s::boolean[])",
                [
                    [change.school_id for change in added],
                    [change.year for change in added],
                    [change.after[0] for change in added],
                    [change.after[1] for change in added],
                ],
            )
        if changed := checked.changed:
            cursor.execute(
                f"UPDATE {table} AS flags SET pupil_premium = new.pupil_premium, sparsity = new.sparsity "
                "FROM unnest(%s::bigint[], %s::boolean[], %s::boolean[]) AS new (id, pupil_premium, sparsity) "
                "WHERE flags.id = new.id",
                [
                    [change.flags_id for change in changed],
                    [change.after[0] for change in changed],
                    [change.after[1] for change in changed],
                ],
            )


def import_funding_flags(*, upload: FundingFlagsUpload, actor: Actor) -> funding_flags.CheckedFile:
    """Import an uploaded file of pupil premium and sparsity flags, in one transaction: each row
    sets that school's flags for that contract period (adding the row, or changing it); schools the
    file does not list keep the flags they have, as with the DfE's import. Rows that already say
    what we hold are not written, so importing a file again changes nothing (and a lead provider
    sees a participant as updated only when their school's flags changed: the table's triggers,
    participants migration 0011). One event records the import, with each contract period's count
    of pupil premium and sparsity schools before and after.

    The file is checked again against the database as it stands now: FundingFlagsFileHasProblems
    when it has problems (nothing is written), FundingFlagsAlreadyImported for a file imported before.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:  # one import at a time: each reads the flags it changes
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", ["school-funding-flags-import"]
            )
        upload = FundingFlagsUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.imported_at is not None:
            raise FundingFlagsAlreadyImported(f"{upload.file_name} was imported already")
        checked = funding_flags.check_file(upload.content.encode("utf-8"))
        if checked.problems:
            raise FundingFlagsFileHasProblems(checked)

        _write_funding_flags(checked)
        upload.imported_at = clock.now()
        upload.save(update_fields=["imported_at"])
        heading = (
            f"Pupil premium and sparsity flags imported: {len(checked.added):,} added, "
            f"{len(checked.changed):,} changed, {checked.unchanged:,} already so, from {upload.file_name}"
        )
        record_event(
            actor=actor,
            event_type=FUNDING_FLAGS_IMPORTED_EVENT,
            heading=heading[: Event._meta.get_field("heading").max_length],
            subject=upload,
            changes={
                name: [before, after]
                for year in checked.years
                for name, before, after in (
                    (
                        f"{year.year} pupil premium schools",
                        year.pupil_premium_before,
                        year.pupil_premium_after,
                    ),
                    (f"{year.year} sparsity schools", year.sparsity_before, year.sparsity_after),
                )
            },
        )
    return checked


# Every school's recorded page changes replaced by one row each with the same sum, and the
# reference data's by one row, each in one statement: a version (the sums) stays what it was, and
# reading it stays a few rows. A writer's rows not yet committed are not seen, so not taken: they
# count once they commit.
COLLAPSE_PAGE_CHANGES_SQL = """
WITH taken AS (DELETE FROM schools_schoolpagechange RETURNING school_id, changes)
INSERT INTO schools_schoolpagechange (school_id, changes)
  SELECT school_id, sum(changes) FROM taken GROUP BY school_id
"""
COLLAPSE_REFERENCE_CHANGES_SQL = """
WITH taken AS (DELETE FROM schools_referencepagechange RETURNING changes)
INSERT INTO schools_referencepagechange (changes) SELECT sum(changes) FROM taken HAVING count(*) > 0
"""


def collapse_page_changes() -> int:
    """Collapse the changes recorded for each school's page version (schools.page_cache) into one
    row a school, and the reference data's into one; beat runs this every hour. Returns the rows
    there are now."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(COLLAPSE_PAGE_CHANGES_SQL)
        rows = cursor.rowcount
        cursor.execute(COLLAPSE_REFERENCE_CHANGES_SQL)
        return rows + cursor.rowcount
