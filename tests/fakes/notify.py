"""A fake GOV.UK Notify: a real HTTP server on 127.0.0.1 speaking Notify's API for sending email.

It answers what `notifications-python-client` calls for `send_email_notification`, and checks what
the real Notify would:

- `POST /v2/notifications/email` with `Authorization: Bearer <JWT>`. API keys look like
  `{key name}-{service id}-{secret}`; the client signs a JWT with the secret (HS256) whose `iss` is
  the service id and whose `iat` is now. No header: 401. A bad signature, another service or an
  `iat` more than 30 seconds away from now: 403. Both with Notify's error JSON
  (`{"status_code": …, "errors": [{"error": …, "message": …}]}`).
- The body must be JSON with `email_address` (an email address), `template_id` (a template this
  fake knows), optional `personalisation` (an object giving every placeholder of the template;
  Notify ignores extra keys) and optional `reference`; otherwise 400 with a `ValidationError` or
  `BadRequestError`, as Notify answers.
- 201 with Notify's response: `id`, `reference`, `content` (subject and body with the
  placeholders filled in, `from_email`), `uri`, `template` (`id`, `version`, `uri`).

It records every request (`requests`) and every email it accepted (`sent`), and can be told to
fail the next N requests (`fail_next(2)`: 500, as when Notify has an outage) or to hold requests
until released (`hold()` / `release()`), so that a test can make two senders overlap for certain.

Use the `fake_notify` fixture: it starts a fake that knows our templates and points
NOTIFY_BASE_URL, NOTIFY_API_KEY and NOTIFY_TEMPLATE_IDS at it.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest

PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
EMAIL_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TOKEN_LEEWAY_SECONDS = 30


@dataclass
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: dict | None
    status: int = 0  # what the fake answered


@dataclass
class FakeTemplate:
    subject: str
    body: str
    version: int = 1


@dataclass
class SentEmail:
    id: str
    email_address: str
    template_id: str
    personalisation: dict
    reference: str | None
    subject: str
    body: str
    received_at: float = field(default_factory=time.time)


class FakeNotify:
    def __init__(self, *, templates: dict[str, FakeTemplate], key_name: str = "test_key"):
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.api_key = f"{key_name}-{self.service_id}-{self.secret}"
        self.templates = templates
        self.from_email = "manage.training.for.early.career.teachers@notifications.service.gov.uk"
        self.requests: list[ReceivedRequest] = []
        self.sent: list[SentEmail] = []
        self._failures_to_give: list[int] = []
        self._open = threading.Event()
        self._open.set()
        self._held = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Set up by tests

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` requests with `status` (after checking nothing), as an outage would."""
        with self._lock:
            self._failures_to_give.extend([status] * count)

    def hold(self) -> None:
        """Keep every request waiting (before it is answered or recorded as sent) until release()."""
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def wait_until_held(self, count: int = 1, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self._held >= count:
                    return
            time.sleep(0.01)
        raise AssertionError(f"{count} request(s) never reached the fake Notify")

    def wait_for_sent(self, count: int = 1, timeout: float = 10.0) -> list[SentEmail]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.sent) >= count:
                    return list(self.sent)
            time.sleep(0.02)
        raise AssertionError(
            f"the fake Notify received {len(self.sent)} email(s), not {count}, in {timeout}s"
        )

    @property
    def url(self) -> str:
        assert self._server, "the fake Notify is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # Lifecycle

    def start(self) -> FakeNotify:
        fake = self

        class Handler(_Handler):
            notify = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-notify", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeNotify:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # The API

    def handle(self, method: str, path: str, headers: dict[str, str], raw_body: bytes) -> tuple[int, dict]:
        try:
            body = json.loads(raw_body) if raw_body else None
        except ValueError:
            body = None
        request = ReceivedRequest(method=method, path=path, headers=headers, body=body)
        with self._lock:
            self.requests.append(request)
            forced = self._failures_to_give.pop(0) if self._failures_to_give else None
        if forced:
            status, answer = forced, _error(forced, "Exception", "Internal server error")
        else:
            status, answer = self._answer(method, path, headers, body)
        request.status = status
        return status, answer

    def _answer(self, method, path, headers, body) -> tuple[int, dict]:
        if path != "/v2/notifications/email":
            return 404, _error(404, "NoResultFound", "No result found")
        if method != "POST":
            return 405, _error(405, "MethodNotAllowed", "The method is not allowed for the requested URL.")
        auth_error = self._check_token(headers.get("authorization", ""))
        if auth_error:
            return auth_error
        if not isinstance(body, dict):
            return 400, _error(400, "BadRequestError", "Invalid JSON supplied in POST data")

        problems = [
            f"{name} is a required property" for name in ("email_address", "template_id") if name not in body
        ]
        if problems:
            return 400, {
                "status_code": 400,
                "errors": [{"error": "ValidationError", "message": m} for m in problems],
            }
        email_address, template_id = body["email_address"], body["template_id"]
        if not isinstance(email_address, str) or not EMAIL_ADDRESS.match(email_address):
            return 400, _error(400, "ValidationError", "email_address Not a valid email address")
        try:
            uuid.UUID(str(template_id))
        except ValueError:
            return 400, _error(400, "ValidationError", "template_id is not a valid UUID")
        personalisation = body.get("personalisation") or {}
        if not isinstance(personalisation, dict):
            return 400, _error(400, "ValidationError", "personalisation should be an object")
        reference = body.get("reference")
        if reference is not None and not isinstance(reference, str):
            return 400, _error(400, "ValidationError", "reference should be a string")
        template = self.templates.get(template_id)
        if template is None:
            return 400, _error(400, "BadRequestError", "Template not found")
        needed = PLACEHOLDER.findall(template.subject + template.body)
        missing = sorted({name for name in needed if name not in personalisation})
        if missing:
            return 400, _error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")

        def fill(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: str(personalisation[m[1]]), text)

        with self._lock:
            self._held += 1
        self._open.wait()
        with self._lock:
            self._held -= 1
        notification_id = str(uuid.uuid4())
        subject, content = fill(template.subject), fill(template.body)
        with self._lock:
            self.sent.append(
                SentEmail(
                    id=notification_id,
                    email_address=email_address,
                    template_id=template_id,
                    personalisation=dict(personalisation),
                    reference=reference,
                    subject=subject,
                    body=content,
                )
            )
        return 201, {
            "id": notification_id,
            "reference": reference,
            "content": {
                "subject": subject,
                "body": content,
                "from_email": self.from_email,
                "one_click_unsubscribe_url": None,
            },
            "uri": f"{self.url}/v2/notifications/{notification_id}",
            "template": {
                "id": template_id,
                "version": template.version,
                "uri": f"{self.url}/services/{self.service_id}/templates/{template_id}",
            },
            "scheduled_for": None,
        }

    def _check_token(self, authorization: str) -> tuple[int, dict] | None:
        if not authorization.startswith("Bearer "):
            return 401, _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return 403, _error(403, "AuthError", "Invalid token: signature, api token not found")
        if header.get("alg") != "HS256":
            return 403, _error(403, "AuthError", "Invalid token: algorithm used is not HS256")
        if claims.get("iss") != self.service_id:
            return 403, _error(403, "AuthError", "Invalid token: service not found")
        try:
            jwt.decode(token, key=self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            return 403, _error(403, "AuthError", "Invalid token: API key not found")
        if not isinstance(claims.get("iat"), int | float):
            return 403, _error(403, "AuthError", "Invalid token: iat field not provided")
        if abs(time.time() - claims["iat"]) > TOKEN_LEEWAY_SECONDS:
            return 403, _error(
                403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
            )
        return None


def _error(status: int, error: str, message: str) -> dict:
    return {"status_code": status, "errors": [{"error": error, "message": message}]}


class _Handler(BaseHTTPRequestHandler):
    notify: FakeNotify

    def _respond(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, answer = self.notify.handle(self.command, self.path, headers, raw_body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _respond

    def log_message(self, format, *args):  # quiet: pytest shows what matters
        pass


def our_templates(template_ids: dict[str, str]) -> dict[str, FakeTemplate]:
    """The fake's copy of our templates (emails/templates.py) under the Notify ids settings give them,
    as if someone had pasted each into Notify."""
    from emails.templates import TEMPLATES

    return {
        template_ids[name]: FakeTemplate(subject=template.subject, body=template.body)
        for name, template in TEMPLATES.items()
    }


@pytest.fixture
def fake_notify(settings):
    """A running fake GOV.UK Notify holding our templates, with settings pointing at it."""
    with FakeNotify(templates=our_templates(settings.NOTIFY_TEMPLATE_IDS)) as fake:
        settings.EMAIL_DELIVERY = "notify"
        settings.NOTIFY_BASE_URL = fake.url
        settings.NOTIFY_API_KEY = fake.api_key
        yield fake
