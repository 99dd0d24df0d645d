"""Secret tokens for emailed links. The link carries the token; the database keeps only its hash,
so a copy of the database cannot be used to sign in or nominate."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh (token, hash) pair."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
