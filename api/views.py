"""The lead provider API, version 3: JSON, each resource as {"id", "type", "attributes"}."""

import datetime
import re
import uuid

from django.http import HttpResponse, JsonResponse

from api import listing, queries
from api.http import BadBody, attributes_of, bad_body, lead_provider_api, problems
from api.pages import (
    BAD_REQUEST,
    BadQuery,
    Page,
    cohorts_asked_for,
    digits,
    id_asked_for,
    ids_asked_for,
    one_year_asked_for,
    page_asked_for,
    sort_asked_for,
    updated_since_asked_for,
    urns_asked_for,
    word_asked_for,
)
from api.resources import (
    declaration_json,
    delivery_partner_json,
    participant_json,
    partnership_json,
    school_json,
    statement_json,
    transfers_json,
    unfunded_mentor_json,
)
from core import clock
from core.refusals import AttributeProblems
from finance import services as finance_services
from participants.models import Teacher
from participants.services import provider_actions
from providers import services as provider_services
from providers.models import ContractPeriod, DeliveryPartner
from schools.models import School


def read_query(query, **readers):
    """Run every reader on the query string, in order; BadQuery naming the problems of them all."""
    values, found = {}, []
    for name, reader in readers.items():
        try:
            values[name] = reader(query)
        except BadQuery as bad:
            found += bad.problems
    if found:
        raise BadQuery(found)
    return values


# The DfE's title, which a client may match on; the detail is ours.
NOT_FOUND = ("Resource not found", "Nothing of yours has that id.")


def _sort(columns=queries.SORTABLE):
    return lambda query: sort_asked_for(query, tuple(columns))


# What most lists may be asked for besides a page.
LISTED = {"updated_since": updated_since_asked_for, "sort": _sort()}


def _list(request, rows, as_json, **readers) -> JsonResponse:
    """A list endpoint: read the query string (a 400 naming every problem, the page's last, as the
    DfE checks it last), then answer with the page asked for of `rows(page, **what was asked)`,
    each as `as_json` writes it."""
    try:
        asked = read_query(request.GET, **readers, page=page_asked_for)
    except BadQuery as bad:
        return problems(400, *bad.problems)
    page = asked.pop("page")
    return JsonResponse({"data": [as_json(row) for row in rows(page, **asked)]})


@lead_provider_api()
def delivery_partners(request):
    """The delivery partners you work with, oldest first unless sorted; filter[cohort] for some
    years only."""
    return _list(
        request,
        lambda page, **asked: page.of(queries.delivery_partners(request.lead_provider, **asked)),
        delivery_partner_json,
        cohorts=cohorts_asked_for,
        sort=_sort(queries.DELIVERY_PARTNER_SORTABLE),
    )


@lead_provider_api()
def delivery_partner(request, api_id):
    partner = queries.delivery_partners(request.lead_provider).filter(api_id=api_id).first()
    if partner is None:
        return problems(404, NOT_FOUND)
    return JsonResponse({"data": delivery_partner_json(partner)})


@lead_provider_api()
def participants(request):
    """The ECTs and mentors you train or trained. Poll with filter[updated_since] set to the
    X-Next-Updated-Since header of the first page of your last poll: no change is ever missed."""
    try:
        filters, page = participants_asked(request.GET)
    except BadQuery as bad:
        return problems(400, *bad.problems)
    today = clock.today()
    # Waits for every change already stamped to commit, as queries.settled_now does.
    at = listing.position(request.lead_provider)
    rows = None
    if listing.catch_up(lead_provider=request.lead_provider, at=at, today=today):
        rows = listing.page_rows(lead_provider=request.lead_provider, filters=filters, page=page, today=today)
    if rows is not None:
        response = HttpResponse(listing.as_data(rows), content_type="application/json")
    else:  # the copy is too far behind to catch up now (api.listing): built from the periods
        response = participants_page(request.lead_provider, filters, page, today=today)
    # To the microsecond, unlike updated_at, so the next poll repeats nothing it need not.
    response["X-Next-Updated-Since"] = (
        at.settled_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    )
    return response


def participants_asked(query) -> tuple[queries.ParticipantFilters, Page]:
    """What a participants list's query string asks for; BadQuery naming every problem."""
    asked = read_query(
        query,
        cohorts=cohorts_asked_for,
        updated_since=updated_since_asked_for,
        training_status=lambda q: word_asked_for(q, "filter[training_status]"),
        from_participant_ids=lambda q: id_asked_for(q, "filter[from_participant_id]"),
        sort=_sort(),
        page=page_asked_for,
    )
    page = asked.pop("page")
    return queries.ParticipantFilters(**asked), page


def participants_page(lead_provider, filters, page, *, today) -> JsonResponse:
    """A page of participants built from the periods themselves, not the listing: the answer
    while the listing is behind, and what the listing is tested against."""
    teachers = page.of(queries.participants(lead_provider, filters))
    queries.with_enrolments(teachers, lead_provider, today=today)
    return JsonResponse({"data": [participant_json(teacher, today=today) for teacher in teachers]})


@lead_provider_api()
def participant(request, api_id):
    return _participant_response(request.lead_provider, api_id)


def _participant_response(lead_provider, api_id):
    teacher = queries.participant(lead_provider, api_id)
    if teacher is None:
        return problems(404, NOT_FOUND)
    today = clock.today()
    queries.with_enrolments([teacher], lead_provider, today=today)
    return JsonResponse({"data": participant_json(teacher, today=today)})


def _cohort(attributes) -> int | None:
    value = attributes.get("cohort")
    if value in (None, ""):
        return None
    if not re.fullmatch("[0-9]{4}", str(value)):
        raise AttributeProblems(("cohort", "The cohort must be a year, like 2025."))
    return int(value)


# What each PUT /participants/{id}/<action> calls, the attributes it requires (strings), and
# those it may be given (read by a function that may refuse them).
PARTICIPANT_ACTIONS = {
    "withdraw": (provider_actions.withdraw, ("course_identifier", "reason"), {}),
    "defer": (provider_actions.defer, ("course_identifier", "reason"), {}),
    "resume": (provider_actions.resume, ("course_identifier",), {}),
    "change-schedule": (
        provider_actions.change_schedule,
        ("course_identifier", "schedule_identifier"),
        {"cohort": _cohort},
    ),
}


@lead_provider_api("PUT")
def participant_action(request, api_id, action):
    """Withdraw, defer, resume or change the schedule of one of your participants; answers with
    the participant as they now are."""
    act, required, optional = PARTICIPANT_ACTIONS[action]
    try:  # before the participant is looked for, as the DfE's API does
        attributes = attributes_of(request)
    except BadBody:
        return bad_body()
    teacher = queries.participant(request.lead_provider, api_id)
    if teacher is None:
        return problems(404, NOT_FOUND)
    missing = [name for name in required if not isinstance(attributes.get(name), str) or not attributes[name]]
    if missing:
        return problems(422, *((name, f"Enter a {name}.") for name in missing))
    try:
        given = {name: read(attributes) for name, read in optional.items()}
        act(
            teacher=teacher,
            lead_provider=request.lead_provider,
            today=clock.local_date(request.api_now),
            **{name: attributes[name] for name in required},
            **given,
        )
    except AttributeProblems as refused:
        return problems(422, *refused.problems)
    return _participant_response(request.lead_provider, api_id)


# --- Partnerships -------------------------------------------------------------------------------


def _partnership_response(lead_provider, api_id):
    rows = queries.with_induction_tutors(list(queries.partnerships(lead_provider).filter(api_id=api_id)))
    if not rows:
        return problems(404, NOT_FOUND)
    return JsonResponse({"data": partnership_json(rows[0])})


def _as_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _found(model, value, **scope):
    """The row of `model` with that api_id (within `scope`), or None for anything else."""
    api_id = _as_uuid(value)
    return model.objects.filter(api_id=api_id, **scope).first() if api_id else None


@lead_provider_api("GET", "HEAD", "POST")
def partnerships(request):
    """GET: your partnerships with schools. POST: confirm a school will train with you in a cohort."""
    if request.method == "POST":
        return _confirm_partnership(request)
    return _list(
        request,
        lambda page, **asked: queries.with_induction_tutors(
            page.of(queries.partnerships(request.lead_provider, **asked))
        ),
        partnership_json,
        cohorts=cohorts_asked_for,
        updated_since=updated_since_asked_for,
        delivery_partner_ids=lambda q: ids_asked_for(q, "filter[delivery_partner_id]"),
        sort=_sort(),
    )


def _confirm_partnership(request):
    try:
        attributes = attributes_of(request)
    except BadBody:
        return bad_body()
    required = ("cohort", "school_id", "delivery_partner_id")
    missing = [name for name in required if attributes.get(name) in (None, "")]
    if missing:
        return problems(422, *((name, f"Enter a {name}.") for name in missing))
    cohort = str(attributes["cohort"])
    try:
        partnership = provider_services.confirm_partnership(
            lead_provider=request.lead_provider,
            contract_period=ContractPeriod.objects.filter(year=int(cohort)).first()
            if re.fullmatch("[0-9]{4}", cohort)
            else None,
            school=_found(School, attributes["school_id"]),
            delivery_partner=_found(DeliveryPartner, attributes["delivery_partner_id"]),
        )
    except AttributeProblems as refused:
        return problems(422, *refused.problems)
    return _partnership_response(request.lead_provider, partnership.api_id)


@lead_provider_api("GET", "HEAD", "PUT")
def partnership(request, api_id):
    """GET: one of your partnerships. PUT: change its delivery partner."""
    if request.method != "PUT":
        return _partnership_response(request.lead_provider, api_id)
    row = queries.partnerships(request.lead_provider).filter(api_id=api_id).first()
    if row is None:
        return problems(404, NOT_FOUND)
    try:
        attributes = attributes_of(request)
    except BadBody:
        return bad_body()
    if attributes.get("delivery_partner_id") in (None, ""):
        return problems(422, ("delivery_partner_id", "Enter a delivery_partner_id."))
    try:
        provider_services.change_delivery_partner(
            partnership=row,
            lead_provider=request.lead_provider,
            delivery_partner=_found(DeliveryPartner, attributes["delivery_partner_id"]),
        )
    except AttributeProblems as refused:
        return problems(422, *refused.problems)
    return _partnership_response(request.lead_provider, api_id)


# --- Schools ------------------------------------------------------------------------------------


@lead_provider_api(required_filters=("cohort",))
def schools(request):
    """Schools you may partner with in a cohort (filter[cohort], required), and those partnered then."""
    try:
        asked = read_query(
            request.GET,
            cohort=one_year_asked_for,
            updated_since=updated_since_asked_for,
            urns=urns_asked_for,
            sort=_sort(queries.SCHOOL_SORTABLE),
            page=page_asked_for,
        )
    except BadQuery as bad:
        return problems(400, *bad.problems)
    page, cohort = asked.pop("page"), asked.pop("cohort")
    contract_period = ContractPeriod.objects.filter(year=cohort).first() if cohort else None
    if contract_period is None:
        return JsonResponse({"data": []})
    rows = queries.with_induction_tutors(
        page.of(queries.schools_in(request.lead_provider, contract_period, **asked)),
        school_of=lambda row: row,
    )
    return JsonResponse({"data": [school_json(row, cohort=cohort) for row in rows]})


@lead_provider_api(required_filters=("cohort",))
def school(request, api_id):
    cohort = one_year_asked_for(request.GET)
    contract_period = ContractPeriod.objects.filter(year=cohort).first() if cohort else None
    rows = (
        list(queries.schools_in(request.lead_provider, contract_period).filter(api_id=api_id))
        if contract_period
        else []
    )
    if not rows:
        return problems(404, NOT_FOUND)
    queries.with_induction_tutors(rows, school_of=lambda row: row)
    return JsonResponse({"data": school_json(rows[0], cohort=cohort)})


# --- Transfers, unfunded mentors, the change feed -----------------------------------------------------


@lead_provider_api()
def transfers(request):
    """Your participants who moved school, where you trained them before or after the move."""
    today = clock.today()
    return _list(
        request,
        lambda page, **asked: queries.with_moves(
            page.of(queries.transferred_participants(request.lead_provider, **asked)), request.lead_provider
        ),
        lambda teacher: transfers_json(teacher, today=today),
        **LISTED,
    )


@lead_provider_api()
def participant_transfers(request, api_id):
    teacher = queries.participant(request.lead_provider, api_id)
    if teacher is None:
        return problems(404, NOT_FOUND)
    queries.with_moves([teacher], request.lead_provider)
    return JsonResponse({"data": transfers_json(teacher, today=clock.today())})


@lead_provider_api()
def unfunded_mentors(request):
    """Mentors of your ECTs who do not train with you."""
    return _list(
        request,
        lambda page, **asked: page.of(queries.unfunded_mentors(request.lead_provider, **asked)),
        unfunded_mentor_json,
        **LISTED,
    )


@lead_provider_api()
def unfunded_mentor(request, api_id):
    mentor = queries.unfunded_mentors(request.lead_provider).filter(api_id=api_id).first()
    if mentor is None:
        return problems(404, NOT_FOUND)
    return JsonResponse({"data": unfunded_mentor_json(mentor)})


def _cursor(query) -> int:
    value = query.get("cursor", "").strip()
    if not value:
        return 0
    if not digits(value, 18):
        raise BadQuery([(BAD_REQUEST, "cursor must be the meta.next_cursor of your last response.")])
    return int(value)


@lead_provider_api()
def participant_changes(request):
    """The change feed: your participants changed since `cursor`, each once and as they are now,
    in the order of their last change, with the cursor to give next time."""
    try:
        asked = read_query(request.GET, cursor=_cursor, page=page_asked_for)
    except BadQuery as bad:
        return problems(400, *bad.problems)
    up_to = queries.settled_change()
    changed = queries.changed_participants(
        request.lead_provider, after=asked["cursor"], up_to=up_to, limit=asked["page"].per_page
    )
    full_page = len(changed) == asked["page"].per_page
    next_cursor = changed[-1][1] if full_page else max(up_to, asked["cursor"])
    by_id = {teacher.pk: teacher for teacher in Teacher.objects.filter(pk__in=[pk for pk, _ in changed])}
    teachers = [by_id[pk] for pk, _ in changed]
    today = clock.today()
    queries.with_enrolments(teachers, request.lead_provider, today=today)
    return JsonResponse(
        {
            "data": [participant_json(teacher, today=today) for teacher in teachers],
            "meta": {"next_cursor": str(next_cursor), "more": full_page},
        }
    )


# --- Declarations and statements ---------------------------------------------------------------------


def _declaration_date(value) -> datetime.datetime | None:
    """An RFC 3339 date and time (a date alone is not enough); None when it is not one."""
    if not isinstance(value, str) or "T" not in value.upper():
        return None
    try:
        when = datetime.datetime.fromisoformat(value.strip())
        return when.astimezone(datetime.UTC) if when.tzinfo else None
    except (ValueError, OverflowError):
        return None


@lead_provider_api("GET", "HEAD", "POST")
def declarations(request):
    """GET: your declarations. POST: declare that a participant reached a milestone."""
    if request.method == "POST":
        return _declare(request)
    try:
        asked = declarations_asked(request.GET)
    except BadQuery as bad:
        return problems(400, *bad.problems)
    page = asked.pop("page")
    # Read from the listing kept with the participants' (api.listing), once it has caught up.
    at = listing.position(request.lead_provider)
    if listing.catch_up(lead_provider=request.lead_provider, at=at, today=clock.today()):
        rows = listing.declaration_page_rows(lead_provider=request.lead_provider, page=page, **asked)
        return HttpResponse(listing.as_data(rows), content_type="application/json")
    return declarations_page(request.lead_provider, page, **asked)


def declarations_asked(query) -> dict:
    """What a declarations list's query string asks for (`page` and the filters); BadQuery naming
    every problem, the page's last."""
    return read_query(
        query,
        cohorts=cohorts_asked_for,
        participant_ids=lambda q: ids_asked_for(q, "filter[participant_id]", canonical=True),
        delivery_partner_ids=lambda q: ids_asked_for(q, "filter[delivery_partner_id]", canonical=True),
        updated_since=updated_since_asked_for,
        page=page_asked_for,
    )


def declarations_page(lead_provider, page, **asked) -> JsonResponse:
    """A page of declarations read from the declarations themselves, not the listing: the answer
    while the listing is behind, and what the listing is tested against."""
    return JsonResponse(
        {"data": [declaration_json(row) for row in page.of(queries.declarations(lead_provider, **asked))]}
    )


def _declare(request):
    try:
        attributes = attributes_of(request)
    except BadBody:
        return bad_body()
    required = ("participant_id", "declaration_type", "declaration_date", "course_identifier")
    missing = [name for name in required if not isinstance(attributes.get(name), str) or not attributes[name]]
    if missing:
        return problems(422, *((name, f"Enter a {name}.") for name in missing))
    participant_id = _as_uuid(attributes["participant_id"])
    teacher = queries.participant(request.lead_provider, participant_id) if participant_id else None
    evidence = attributes.get("evidence_held") or ""
    try:
        declaration = finance_services.declare(
            lead_provider=request.lead_provider,
            teacher=teacher,
            course_identifier=attributes["course_identifier"],
            declaration_type=attributes["declaration_type"],
            declaration_date=_declaration_date(attributes["declaration_date"]),
            evidence_type=evidence if isinstance(evidence, str) else "",
            now=request.api_now,
        )
    except AttributeProblems as refused:
        return problems(422, *refused.problems)
    return _declaration_response(request, declaration.api_id)


def _declaration_response(request, api_id):
    declaration = queries.declarations(request.lead_provider).filter(api_id=api_id).first()
    if declaration is None:
        return problems(404, NOT_FOUND)
    return JsonResponse({"data": declaration_json(declaration)})


@lead_provider_api()
def declaration(request, api_id):
    return _declaration_response(request, api_id)


@lead_provider_api("PUT")
def void_declaration(request, api_id):
    """Void a declaration; a paid one is clawed back. Only the provider that made it may."""
    row = queries.declarations(request.lead_provider).filter(api_id=api_id).first()
    if row is None:
        return problems(404, NOT_FOUND)
    if row.lead_provider_id != request.lead_provider.pk:
        return problems(
            422, ("declaration", f"{row.lead_provider.name} made this declaration: only they can void it.")
        )
    try:
        finance_services.void(declaration=row, lead_provider=request.lead_provider, now=request.api_now)
    except AttributeProblems as refused:
        return problems(422, *refused.problems)
    return _declaration_response(request, api_id)


@lead_provider_api()
def statements(request):
    """Your payment statements, by cut-off date."""
    return _list(
        request,
        lambda page, **asked: page.of(queries.statements(request.lead_provider, **asked)),
        statement_json,
        cohorts=cohorts_asked_for,
        updated_since=updated_since_asked_for,
    )


@lead_provider_api()
def statement(request, api_id):
    row = queries.statements(request.lead_provider).filter(api_id=api_id).first()
    if row is None:
        return problems(404, NOT_FOUND)
    return JsonResponse({"data": statement_json(row)})
