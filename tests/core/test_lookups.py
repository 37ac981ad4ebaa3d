"""core.lookups.AnyOf: `field__any_of=[…]` finds what `field__in=[…]` finds, on both databases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.core.models import Region


@pytest.mark.django_db
def test_any_of_matches_in():
    for code, name in [("990000000000", "省"), ("990100000000", "市"), ("990121000000", "县")]:
        Region.objects.create(code=code, name=name, level=len(code.rstrip("0")) // 2)
    wanted = ["990100000000", "990121000000", "000000000000", "it's; not'--"]
    found = sorted(Region.objects.filter(code__any_of=wanted).values_list("code", flat=True))
    assert found == sorted(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    assert found == ["990100000000", "990121000000"]
    assert list(Region.objects.filter(code__any_of=[])) == []
    assert Region.objects.filter(code__any_of=iter(["990000000000"])).count() == 1


@pytest.mark.django_db
def test_any_of_sends_one_parameter_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the array parameter is PostgreSQL's")
    with CaptureQueriesContext(connection) as ctx:
        list(Region.objects.filter(code__any_of=[str(i) for i in range(2000)]))
    assert "IN (SELECT unnest(" in ctx.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_any_of_takes_more_values_than_placeholders_allow():
    """One parameter on both databases: 40,000 values (SQLite allows 32,766 placeholders)."""
    Region.objects.create(code="990000000000", name="省", level=1)
    wanted = [f"{i:012d}" for i in range(40_000)] + ["990000000000"]
    assert list(Region.objects.filter(code__any_of=wanted).values_list("code", flat=True)) == ["990000000000"]
