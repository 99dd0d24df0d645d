"""The lead provider API, version 3: JSON, each resource as {"id", "type", "attributes"}."""

import datetime

from django.http import JsonResponse
from django.utils import timezone

from api import queries
from api.http import BadBody, attributes_of, bad_body, lead_provider_api, problems
from api.pages import (
    BadQuery,
    cohorts_asked_for,
    one_of,
    page_asked_for,
    sort_asked_for,
    updated_since_asked_for,
    uuid_asked_for,
)
from api.resources import delivery_partner_json, participant_json
from participants.services import provider_actions
from participants.services.provider_actions import ActionRefused


def read_query(query, **readers):
    """Run every reader on the query string; BadQuery naming the problems of them all."""
    values, found = {}, []
    for name, reader in readers.items():
        try:
            values[name] = reader(query)
        except BadQuery as bad:
            found += bad.problems
    if found:
        raise BadQuery(found)
    return values


NOT_FOUND = ("Not found", "Nothing of yours has that id.")


@lead_provider_api()
def delivery_partners(request):
    """The delivery partners you work with, by name; filter[cohort] for some years only."""
    try:
        asked = read_query(request.GET, page=page_asked_for, cohorts=cohorts_asked_for)
    except BadQuery as bad:
        return problems(422, *bad.problems)
    partners = asked["page"].of(queries.delivery_partners(request.lead_provider, cohorts=asked["cohorts"]))
    return JsonResponse({"data": [delivery_partner_json(partner) for partner in partners]})


@lead_provider_api()
def delivery_partner(request, api_id):
    partner = queries.delivery_partners(request.lead_provider).filter(api_id=api_id).first()
    if partner is None:
        return problems(404, NOT_FOUND)
    return JsonResponse({"data": delivery_partner_json(partner)})


@lead_provider_api()
def participants(request):
    """The ECTs and mentors you train or trained. Poll with filter[updated_since] set to the
    X-Next-Updated-Since header of your last call: no change is ever missed."""
    try:
        asked = read_query(
            request.GET,
            page=page_asked_for,
            cohorts=cohorts_asked_for,
            training_status=lambda q: one_of(q, "filter[training_status]", queries.TRAINING_STATUSES),
            updated_since=updated_since_asked_for,
            from_participant_id=lambda q: uuid_asked_for(q, "filter[from_participant_id]"),
            sort=lambda q: sort_asked_for(q, tuple(queries.SORTABLE), default=("created_at",)),
        )
    except BadQuery as bad:
        return problems(422, *bad.problems)
    page = asked.pop("page")
    settled = queries.settled_now()
    today = timezone.localdate()
    teachers = page.of(queries.participants(request.lead_provider, queries.ParticipantFilters(**asked)))
    queries.with_enrolments(teachers, request.lead_provider, today=today)
    response = JsonResponse({"data": [participant_json(teacher, today=today) for teacher in teachers]})
    # To the microsecond, unlike updated_at, so the next poll repeats nothing it need not.
    response["X-Next-Updated-Since"] = settled.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return response


@lead_provider_api()
def participant(request, api_id):
    return _participant_response(request.lead_provider, api_id)


def _participant_response(lead_provider, api_id):
    teacher = queries.participant(lead_provider, api_id)
    if teacher is None:
        return problems(404, NOT_FOUND)
    today = timezone.localdate()
    queries.with_enrolments([teacher], lead_provider, today=today)
    return JsonResponse({"data": participant_json(teacher, today=today)})


def _cohort(attributes) -> int | None:
    value = attributes.get("cohort")
    if value in (None, ""):
        return None
    if not str(value).isdigit() or len(str(value)) != 4:
        raise ActionRefused(("cohort", "The cohort must be a year, like 2025."))
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
    teacher = queries.participant(request.lead_provider, api_id)
    if teacher is None:
        return problems(404, NOT_FOUND)
    try:
        attributes = attributes_of(request)
    except BadBody:
        return bad_body()
    missing = [name for name in required if not isinstance(attributes.get(name), str) or not attributes[name]]
    if missing:
        return problems(422, *((name, f"Enter a {name}.") for name in missing))
    try:
        given = {name: read(attributes) for name, read in optional.items()}
        act(
            teacher=teacher,
            lead_provider=request.lead_provider,
            **{name: attributes[name] for name in required},
            **given,
        )
    except ActionRefused as refused:
        return problems(422, *refused.problems)
    return _participant_response(request.lead_provider, api_id)
