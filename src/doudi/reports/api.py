"""GET /api/v1/reports/monthly?month=YYYY-MM&region=CODE — the same figures as the page."""

from ninja import Router
from ninja.errors import HttpError

from . import rules, selectors

router = Router(tags=["reports"])


@router.get("/reports/monthly", url_name="reports_api_monthly")
def monthly(request, month: str, region: str = ""):
    try:
        m = rules.parse_month(month)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return selectors.month_statistics(request.user, region or request.user.region_id or "", m).as_json()
