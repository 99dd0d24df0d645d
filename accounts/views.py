"""Signing in by emailed link, the privacy notice, signing out."""

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import services
from accounts.forms import SignInForm
from core.http import client_ip

BACKEND = "accounts.backends.ModelBackend"


@require_http_methods(["GET", "POST"])
def sign_in(request):
    if request.user.is_authenticated and not request.user.is_staff:
        return redirect("post_sign_in")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait_until = services.request_sign_in_link(
            email=form.cleaned_data["email"], ip_address=client_ip(request)
        )
        if wait_until:
            return render(request, "accounts/try_later.html", {"wait_until": wait_until}, status=429)
        request.session["sign_in_email"] = form.cleaned_data["email"]
        return redirect("sign_in_check_email")
    return render(request, "accounts/sign_in.html", {"form": form})


@require_safe
def check_email(request):
    return render(
        request,
        "accounts/check_email.html",
        {
            "email": request.session.get("sign_in_email"),
            "expires_in": services.SIGN_IN_LINK_LIFETIME_IN_WORDS,
        },
    )


@require_http_methods(["GET", "POST"])
def sign_in_link(request, token: str):
    """GET asks the person to press a button; only the POST spends the link. Email security
    scanners open links in emails, and must not use up someone's sign-in."""
    if request.method == "GET":
        if problem := services.sign_in_link_problem(token=token):
            return render(request, "accounts/link_unusable.html", {"reason": problem}, status=410)
        return render(request, "accounts/sign_in_link.html")
    try:
        user = services.use_sign_in_link(token=token)
    except services.LinkProblem as problem:
        return render(request, "accounts/link_unusable.html", {"reason": problem.reason}, status=410)
    login(request, user, backend=BACKEND)
    return redirect("post_sign_in")


@login_required
@require_safe
def post_sign_in(request):
    """Where everyone goes after signing in: the privacy notice once, then their school(s)."""
    if request.user.privacy_notice_accepted_at is None:
        return redirect("accept_privacy_notice")
    return redirect("choose_school")


@login_required
@require_http_methods(["GET", "POST"])
def accept_privacy_notice(request):
    if request.method == "POST":
        services.accept_privacy_notice(user=request.user)
        return redirect("post_sign_in")
    return render(request, "accounts/privacy_notice.html")


@require_POST
def sign_out(request):
    logout(request)
    return render(request, "accounts/signed_out.html")
