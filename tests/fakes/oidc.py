"""A fake DfE Sign-in: a real OpenID Connect provider over HTTP on 127.0.0.1, for tests.

It implements what django-allauth 65's `openid_connect` provider calls, and checks what a real
provider would:

- `GET /.well-known/openid-configuration`: discovery (allauth reads the endpoints, the issuer and
  the token endpoint's auth methods from it).
- `GET /auth`: authorization. No sign-in screen: it redirects straight back to `redirect_uri` with a
  one-time `code` and the caller's `state`, for the user set with `sign_in_as` (or with
  `error=access_denied` when `cancel` is set). It requires `response_type=code`, the known
  client, `openid` in the scope, and a PKCE S256 `code_challenge` (allauth sends one because the
  DfE Sign-in app enables PKCE).
- `POST /token`: checks the client secret (POST body or HTTP Basic), that the code was issued to
  this client for this `redirect_uri` and not used before, and the PKCE `code_verifier`; returns an
  access token and an RS256-signed `id_token` (iss, aud, sub, email, nonce when one was sent,
  iat, exp, jti).
- `GET /me`: userinfo for a bearer access token (allauth prefers it to the id_token's claims).
- `GET /certs`: the JWKS with the public half of a key generated at start.

allauth 65 sends no `nonce` and does not check the id_token's signature when it fetched the token
itself over TLS (OpenID Connect Core 3.1.3.7); it does check `iss`, `aud` and `exp`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from ecf.settings.auth import socialaccount_providers


class FakeOIDCProvider:
    def __init__(self, *, client_id: str = "ecf-test-client", client_secret: str | None = None):
        self.client_id = client_id
        self.client_secret = client_secret or secrets.token_urlsafe(24)
        self.kid = secrets.token_hex(8)
        self._private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.cancel = False
        self.require_pkce = True
        # (method, path) of every request, for tests that care what the client called.
        self.requests: list[tuple[str, str]] = []
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Set up by tests

    def sign_in_as(self, email: str, **claims) -> None:
        """The person who "signs in" at the next authorization: email plus any other claims
        (given_name, family_name, email_verified, sub...). `sub` defaults to one derived from the email."""
        self.claims = {
            "sub": hashlib.sha256(email.lower().encode()).hexdigest()[:32],
            "email": email,
            "given_name": "Test",
            "family_name": "User",
            **claims,
        }

    @property
    def issuer(self) -> str:
        assert self._server, "the fake provider is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def authorize(self, authorization_url: str) -> str:
        """What a browser does at DfE Sign-in: open the authorization URL our service redirected to,
        and return the URL DfE Sign-in sends it back to (our callback, with code and state)."""
        response = requests.get(authorization_url, allow_redirects=False, timeout=5)
        assert response.status_code == 302, (response.status_code, response.text)
        return response.headers["Location"]

    # Lifecycle

    def start(self) -> FakeOIDCProvider:
        provider = self

        class Handler(_Handler):
            fake = provider

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-oidc", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> FakeOIDCProvider:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # Protocol

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/auth",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/me",
            "jwks_uri": f"{self.issuer}/certs",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile", "organisation"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "given_name", "family_name"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._private_key.public_key()))
        jwk.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [jwk]}

    def issue_code(self, params: dict[str, str]) -> tuple[int, dict]:
        """Authorization request → (status, details). 302 details carry the redirect."""
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or not redirect_uri:
            return 400, {"error": "invalid_client"}
        if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
            return 302, {
                "location": _with_query(redirect_uri, error="invalid_request", state=params.get("state"))
            }
        challenge = params.get("code_challenge")
        if challenge and params.get("code_challenge_method") != "S256":
            return 302, {
                "location": _with_query(redirect_uri, error="invalid_request", state=params.get("state"))
            }
        if self.require_pkce and not challenge:
            return 302, {
                "location": _with_query(redirect_uri, error="invalid_request", state=params.get("state"))
            }
        if self.cancel:
            return 302, {
                "location": _with_query(redirect_uri, error="access_denied", state=params.get("state"))
            }
        assert self.claims, "call sign_in_as(email) before signing in"
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "client_id": self.client_id,
                "redirect_uri": redirect_uri,
                "scope": params["scope"].split(),
                "nonce": params.get("nonce"),
                "code_challenge": challenge,
                "claims": dict(self.claims),
            }
        return 302, {"location": _with_query(redirect_uri, code=code, state=params.get("state"))}

    def exchange_code(self, form: dict[str, str], authorization: str | None) -> tuple[int, dict]:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        if authorization and authorization.startswith("Basic "):
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if client_id != self.client_id or not secrets.compare_digest(client_secret or "", self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if not grant or grant["client_id"] != client_id or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if grant["code_challenge"]:
            verifier = form.get("code_verifier", "")
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if not verifier or not secrets.compare_digest(digest, grant["code_challenge"]):
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        claims = grant["claims"]
        now = int(time.time())
        id_token_claims = {
            "iss": self.issuer,
            "aud": client_id,
            "sub": claims["sub"],
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            "jti": secrets.token_hex(16),
            **{k: v for k, v in claims.items() if k in ("email", "email_verified")},
        }
        if grant["nonce"]:
            id_token_claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(
            id_token_claims, self._private_key, algorithm="RS256", headers={"kid": self.kid}
        )
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = {"claims": claims, "scope": grant["scope"]}
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str | None) -> tuple[int, dict]:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else ""
        with self._lock:
            grant = self._access_tokens.get(token)
        if not grant:
            return 401, {"error": "invalid_token"}
        claims, scope = grant["claims"], grant["scope"]
        info = {"sub": claims["sub"]}
        if "email" in scope:
            info.update({k: v for k, v in claims.items() if k in ("email", "email_verified")})
        if "profile" in scope:
            info.update({k: v for k, v in claims.items() if k in ("given_name", "family_name", "name")})
        if "organisation" in scope:  # DfE Sign-in's own scope: the organisation the person chose
            info.update({k: v for k, v in claims.items() if k == "organisation"})
        return 200, info


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOIDCProvider

    def do_GET(self):
        url = urlsplit(self.path)
        self.fake.requests.append(("GET", url.path))
        if url.path == "/.well-known/openid-configuration":
            self._json(200, self.fake.discovery())
        elif url.path == "/certs":
            self._json(200, self.fake.jwks())
        elif url.path == "/auth":
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, details = self.fake.issue_code(params)
            if status == 302:
                self.send_response(302)
                self.send_header("Location", details["location"])
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(status, details)
        elif url.path == "/me":
            self._json(*self.fake.userinfo(self.headers.get("Authorization")))
        else:
            self._json(404, {"error": "not_found"})

    def do_POST(self):
        url = urlsplit(self.path)
        self.fake.requests.append(("POST", url.path))
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if url.path == "/token":
            self._json(*self.fake.exchange_code(form, self.headers.get("Authorization")))
        else:
            self._json(404, {"error": "not_found"})

    def _json(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # quiet in test output
        pass


def _with_query(url: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def configure_dfe_sign_in(settings, fake: FakeOIDCProvider) -> None:
    """Point the DfE Sign-in settings at `fake`, as the environment would in production.
    SOCIALACCOUNT_PROVIDERS is rebuilt too: it is what allauth reads, on every request."""
    settings.DFE_SIGN_IN_ISSUER = fake.issuer
    settings.DFE_SIGN_IN_CLIENT_ID = fake.client_id
    settings.DFE_SIGN_IN_CLIENT_SECRET = fake.client_secret
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        fake.issuer, fake.client_id, fake.client_secret
    )
    settings.DFE_SIGN_IN_ENABLED = True


@pytest.fixture
def fake_dfe_sign_in(settings):
    """A running fake DfE Sign-in, with the settings pointing at it (restored after the test)."""
    with FakeOIDCProvider() as fake:
        configure_dfe_sign_in(settings, fake)
        yield fake
