from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.health import service_health


@require_safe
def start(request):
    return render(request, "core/start.html")


@require_safe
def accessibility(request):
    return render(request, "core/accessibility.html")


@require_safe
def cookies(request):
    return render(request, "core/cookies.html")


@require_safe
def privacy(request):
    return render(request, "core/privacy.html")


@never_cache
@require_safe
def healthcheck(request):
    checks = service_health()
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
