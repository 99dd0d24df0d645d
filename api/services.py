"""Creating and revoking lead providers' API tokens; recording calls."""

from django.db import transaction

from accounts.models import User
from api.models import APIRequest, LeadProviderToken
from audit.services import Actor, record_event
from core import clock
from core.tokens import new_token
from providers.models import LeadProvider


@transaction.atomic
def create_token(
    *, lead_provider: LeadProvider, name: str, created_by: User
) -> tuple[str, LeadProviderToken]:
    """A new token for the lead provider: the token itself (to show once, never again) and its row."""
    token, token_hash = new_token()
    row = LeadProviderToken.objects.create(
        lead_provider=lead_provider, name=name, token_hash=token_hash, created_by=created_by
    )
    record_event(
        actor=Actor.dfe_staff(created_by),
        event_type="api_token_created",
        heading=f"API token created for {lead_provider}: {name}",
        subject=row,
        lead_provider=lead_provider,
    )
    return token, row


@transaction.atomic
def revoke_token(*, token: LeadProviderToken, revoked_by: User) -> None:
    """Stop a token working from now. Revoking one already revoked changes nothing."""
    updated = LeadProviderToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    if updated:
        record_event(
            actor=Actor.dfe_staff(revoked_by),
            event_type="api_token_revoked",
            heading=f"API token revoked for {token.lead_provider}: {token.name}",
            subject=token,
            lead_provider=token.lead_provider,
        )


def record_request(*, token: LeadProviderToken | None, request, status: int, duration_ms: int) -> None:
    """Keep one call and how it ended (outside the call's own transaction, which may have failed)."""
    APIRequest.objects.create(
        token=token,
        lead_provider_id=token.lead_provider_id if token else None,
        method=request.method[:10],
        path=request.path[:500],
        query=request.META.get("QUERY_STRING", "")[:2000],
        status=status,
        duration_ms=duration_ms,
    )
