"""The reports demo step: one month closed, last month submitted with one township sent back; idempotent."""

from django.utils import timezone

from doudi.core import demo
from doudi.reports import rules
from doudi.reports.models import MonthReport


def test_demo_months(db):
    ctx = demo.run()
    county = ctx["county"]
    this_month = timezone.localdate().replace(day=1)
    last = rules.previous_month(this_month)
    before = rules.previous_month(last)
    assert MonthReport.objects.get(region=county, month=before).status == "closed"
    statuses = list(
        MonthReport.objects.filter(month=last, region__parent=county).values_list("status", flat=True)
    )
    assert statuses.count("returned") == 1 and statuses.count("submitted") == len(statuses) - 1 >= 5
    assert not MonthReport.objects.filter(month=this_month).exists()
    n = MonthReport.objects.count()
    demo.run()
    assert MonthReport.objects.count() == n
