"""How a signed-in user is read on each request."""

from django.contrib.auth import backends

from accounts.models import User
from core.precompiled import precompiled

# No user's id: a user's id is positive.
USER_STAND_IN = -7_200_001


@precompiled(user_id=USER_STAND_IN)
def _user_by_id(*, user_id):
    return User.objects.filter(pk=user_id)


class ModelBackend(backends.ModelBackend):
    """Django's, reading the signed-in user with SQL built once (core.precompiled): every page
    anyone signed in opens reads them, and compiling `User.objects.get(pk=…)` took Django longer
    than PostgreSQL took to answer it (issue 19: 6% of the workers' time in the rush)."""

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        user = _user_by_id.first(user_id=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
