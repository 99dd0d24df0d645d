"""What every lead provider API view shares: bearer-token authentication, the rate limit, errors
as a JSON list, and a record of each call."""

import datetime
import json
import math
import time
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from api.models import APIRequest, LeadProviderToken
from api.pages import filter_problems
from api.services import record_request
from core import clock
from core.tokens import hash_token

# Per token, as the DfE's services allow.
RATE_LIMIT = 1000
RATE_WINDOW = datetime.timedelta(minutes=5)
# last_used_at is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def problems(status: int, *errors: tuple[str, str]) -> JsonResponse:
    """An error response: every problem at once, each with a title and a detail."""
    return JsonResponse(
        {"errors": [{"title": title, "detail": detail} for title, detail in errors]}, status=status
    )


def token_from(request) -> LeadProviderToken | None:
    """The live token the request's `Authorization: Bearer …` header carries, or None."""
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    token = (
        LeadProviderToken.objects.select_related("lead_provider")
        .filter(token_hash=hash_token(value.strip()), revoked_at__isnull=True)
        .first()
    )
    now = clock.now()
    if token is not None and (token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION):
        LeadProviderToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def retry_after(token: LeadProviderToken, *, now: datetime.datetime) -> int | None:
    """Seconds until the token may call again, when it has used its calls for the window; else None.
    Counted from the calls we record anyway, so the limit holds across every web process."""
    recent = APIRequest.objects.filter(token=token, requested_at__gt=now - RATE_WINDOW)
    if recent.count() < RATE_LIMIT:
        return None
    # The oldest call that still counts must leave the window first.
    oldest_counted = recent.order_by("-requested_at").values_list("requested_at", flat=True)[RATE_LIMIT - 1]
    return max(1, math.ceil((oldest_counted + RATE_WINDOW - now).total_seconds()))


def server_date(request) -> datetime.datetime | None:
    """Now, or in the sandbox the time the request's X-With-Server-Date header gives (None when it
    cannot be read), so providers can try declarations against future milestones."""
    header = request.META.get("HTTP_X_WITH_SERVER_DATE", "").strip()
    if not (settings.API_SANDBOX and header):
        return clock.now()
    try:
        when = datetime.datetime.fromisoformat(header)
        return when.astimezone(datetime.UTC) if when.tzinfo else when.replace(tzinfo=datetime.UTC)
    except (ValueError, OverflowError):
        return None


def lead_provider_api(*methods: str, required_filters: tuple[str, ...] = ()):
    """Make a view a lead provider API endpoint answering `methods` (GET and HEAD by default):
    `request.lead_provider` is the caller's; any other method is a 405 in JSON. As the DfE's API
    does on every endpoint, a `filter` that is not filter[name]=value pairs, or one without each
    of `required_filters`, is a 400 before the view is asked."""
    allowed = set(methods or ("GET", "HEAD"))

    def decorate(view):
        return _endpoint(view, allowed, required_filters)

    return decorate


def _endpoint(view, allowed: set[str], required_filters: tuple[str, ...]):
    @csrf_exempt  # a bearer token, not a cookie, authenticates: no cross-site request can carry it
    @wraps(view)
    def endpoint(request, *args, **kwargs):
        started = time.monotonic()
        token = token_from(request)
        if request.method not in allowed:
            response = problems(405, ("Method not allowed", f"Use {' or '.join(sorted(allowed))}."))
            response["Allow"] = ", ".join(sorted(allowed))
        elif token is None:
            response = JsonResponse(
                {
                    "error": "HTTP Token: Access denied",  # what the DfE's services answer, for existing clients
                    "errors": [
                        {
                            "title": "Unauthorized",
                            "detail": "Give your API token in the Authorization header: Bearer <token>.",
                        }
                    ],
                },
                status=401,
            )
            response["WWW-Authenticate"] = 'Bearer realm="lead provider API"'
        elif (wait := retry_after(token, now=clock.now())) is not None:
            response = problems(
                429,
                (
                    "Too many requests",
                    f"You may make {RATE_LIMIT} requests every 5 minutes. Try again later.",
                ),
            )
            response["Retry-After"] = str(wait)
        elif (now := server_date(request)) is None:
            response = problems(
                400,
                (
                    "Bad request",
                    "X-With-Server-Date must be an ISO 8601 date and time, like 2027-01-10T10:42:00Z.",
                ),
            )
        elif found := filter_problems(request.GET, required_filters):
            response = problems(400, *found)
        else:
            request.lead_provider, request.api_now = token.lead_provider, now
            response = view(request, *args, **kwargs)
        record_request(
            token=token,
            request=request,
            status=response.status_code,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        return response

    return endpoint


class BadBody(Exception):
    """A request body that is not {"data": {"attributes": {...}}} in JSON."""


def attributes_of(request) -> dict:
    """The request body's data.attributes; BadBody when the body is not shaped like that."""
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadBody from None
    data = body.get("data") if isinstance(body, dict) else None
    attributes = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise BadBody
    return attributes


def bad_body() -> JsonResponse:
    return problems(
        400,
        (
            "Bad request",
            'Send JSON shaped {"data": {"type": "…", "attributes": {…}}}; the API documentation shows each one.',
        ),
    )
