import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is the client's to write, except the entries our own
    proxies appended: with TRUSTED_PROXY_HOPS proxies in front, the client is that many from the end."""
    hops = settings.TRUSTED_PROXY_HOPS
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    candidate = forwarded[-hops] if hops and len(forwarded) >= hops else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address(candidate or ""))
    except ValueError:
        return None
