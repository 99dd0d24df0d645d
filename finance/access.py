"""Who may use finance staff's pages: DfE staff in the "finance" group (accounts migration 0002)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.urls import reverse_lazy

FINANCE_GROUP = "finance"


def is_finance_staff(user) -> bool:
    return user.is_active and user.is_staff and user.groups.filter(name=FINANCE_GROUP).exists()


def finance_staff_only(view):
    """Sends someone not signed in to the staff sign-in; anyone else not in the finance group gets 403."""

    @login_required(login_url=reverse_lazy("admin:login"))
    @wraps(view)
    def finance_view(request, *args, **kwargs):
        if not is_finance_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return finance_view
