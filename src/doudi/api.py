"""The HTTP API under /api/v1/ (django-ninja). Every endpoint reads through the area scope.

Auth: `Authorization: Bearer <token>` (from POST /api/v1/auth/token) or the browser session.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from doudi.core import second_factor
from doudi.core.models import ApiToken


class BearerToken(HttpBearer):
    """A token from POST /api/v1/auth/token. An expired or revoked one is refused with a 401 that
    says so (an unknown one gets the plain 401). The last use is written at most once a minute."""

    def authenticate(self, request, token):
        row = (
            ApiToken.objects.select_related("user", "user__region", "user__unit")
            .filter(key_hash=ApiToken.hash_key(token), user__is_active=True)
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        status = row.status_at(now)
        if status == ApiToken.Status.REVOKED:
            raise HttpError(401, "此 API 令牌已被撤销，请重新申请令牌（POST /api/v1/auth/token）。")
        if status == ApiToken.Status.EXPIRED:
            raise HttpError(401, "此 API 令牌已过期，请重新申请令牌（POST /api/v1/auth/token）。")
        every = dt.timedelta(seconds=ApiToken.LAST_USED_EVERY)
        if row.last_used_at is None or row.last_used_at <= now - every:
            # The filter repeats the test, so concurrent calls write the row once.
            ApiToken.objects.filter(pk=row.pk).filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - every)
            ).update(last_used_at=now)
        request.user = row.user
        return row.user


class VerifiedSession(SessionAuth):
    """The browser session, once the second factor is given when the account owes one
    (core/second_factor.py): a password-only session of such an account gets 401 here."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user and second_factor.pending(request) is not None:
            return None
        return user


api = NinjaAPI(
    title="doudi API",
    version="1",
    urls_namespace="api",
    auth=[BearerToken(), VerifiedSession()],
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def request_invalid(request, exc):
    """Malformed request bodies and parameters: a Chinese summary, pydantic's details kept."""
    return api.create_response(
        request, {"detail": "请求数据不符合要求，请检查字段名称和类型。", "errors": exc.errors}, status=422
    )


from doudi.care.api import router as care_router  # noqa: E402
from doudi.core.api import router as core_router  # noqa: E402
from doudi.eligibility.api import router as eligibility_router  # noqa: E402
from doudi.governance.api import router as governance_router  # noqa: E402
from doudi.guardianship.api import router as guardianship_router  # noqa: E402
from doudi.integrity.api import router as integrity_router  # noqa: E402
from doudi.mediation.api import router as mediation_router  # noqa: E402
from doudi.oversight.api import router as oversight_router  # noqa: E402
from doudi.programmes.api import router as programmes_router  # noqa: E402
from doudi.registry.api import router as registry_router  # noqa: E402
from doudi.reports.api import router as reports_router  # noqa: E402
from doudi.village.api import router as village_router  # noqa: E402

api.add_router("/", core_router)
api.add_router("/", registry_router)
api.add_router("/", guardianship_router)
api.add_router("/", eligibility_router)
api.add_router("/", care_router)
api.add_router("/", oversight_router)
api.add_router("/", village_router)
api.add_router("/", integrity_router)
api.add_router("/", programmes_router)
api.add_router("/", governance_router)
api.add_router("/", mediation_router)
api.add_router("/", reports_router)
