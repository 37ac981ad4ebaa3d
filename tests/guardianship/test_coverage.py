"""The county's coverage table: numbers and the lists behind them come from one selector."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.guardianship import selectors, services
from doudi.guardianship.models import Agreement


def _populate(world, f, n_per_township=3):
    """A mix: no guardian, category Ⅰ/Ⅱ/Ⅲ, agreements in force, expiring, lapsed; and persons
    who need no guardian (full capacity, terminated)."""
    today = dt.date.today()
    for township, village, clerk in (
        (world.t1, world.v1b, world.users.town1),
        (world.t2, world.v2, world.users.town2),
    ):
        for i in range(n_per_township):
            f.person(village, f"无人{i}")  # no candidates: no guardian
            rel = f.person(village, f"亲属{i}", capacity="limited")
            f.candidate(rel, "child", f"子{i}")
            g1 = services.guardianship_confirm(actor=clerk, person=rel)
            a = services.agreement_create(actor=clerk, guardianship=g1, **f.terms())
            services.agreement_generate(actor=clerk, agreement=a, pdf=False)
            services.agreement_sign(actor=clerk, agreement=a, scan=SimpleUploadedFile("s.pdf", f.PDF))
            if i % 2 == 0:  # expiring within 30 days
                Agreement.objects.filter(pk=a.pk).update(
                    start_on=today - dt.timedelta(days=700), end_on=today + dt.timedelta(days=5 + i)
                )
            vol = f.person(village, f"邻{i}")
            nb = f.candidate(vol, "individual", f"邻居{i}")
            services.consent_record(
                actor=clerk,
                candidate=nb,
                body="village_committee",
                body_name="",
                granted=True,
                decided_on=today,
            )
            g2 = services.guardianship_confirm(actor=clerk, person=vol)
            lapsed = services.agreement_create(actor=clerk, guardianship=g2, **f.terms())
            Agreement.objects.filter(pk=lapsed.pk).update(
                status="expired", start_on=today - dt.timedelta(days=900), end_on=today - dt.timedelta(days=3)
            )
            vc = f.person(village, f"村{i}")
            f.candidate(vc, "village_committee", "村委会")
            services.guardianship_confirm(actor=clerk, person=vc)
            f.person(village, f"全{i}", capacity="full")
            f.person(village, f"终{i}", status="terminated")
        assert township


def test_numbers_equal_the_lists_behind_them(world, f):
    _populate(world, f)
    user = world.users.county
    table, total = selectors.coverage_table(user)
    assert [row.code for row in table] == [world.t1.code, world.t2.code]
    for row in [*table, total]:
        for bucket, number in row.counts.items():
            persons = list(selectors.coverage_persons(user, row.code, bucket))
            assert number == len(persons), (row.code, bucket)
    t1 = table[0].counts
    assert t1 == {"need": 12, "cat_I": 3, "cat_II": 3, "cat_III": 3, "agreement": 3, "expiring": 2, "none": 3}
    assert total.counts["need"] == 24
    assert t1["need"] == t1["cat_I"] + t1["cat_II"] + t1["cat_III"] + t1["none"]


def test_query_count_does_not_grow_with_the_data(world, f):
    _populate(world, f, n_per_township=1)
    with CaptureQueriesContext(connection) as small:
        selectors.coverage_table(world.users.county)
        list(selectors.coverage_persons(world.users.county, "all", "expiring"))
    _populate(world, f, n_per_township=4)
    with CaptureQueriesContext(connection) as large:
        selectors.coverage_table(world.users.county)
        list(selectors.coverage_persons(world.users.county, "all", "expiring"))
    assert len(small) == len(large) <= 4


def test_the_page_links_each_number_to_its_list(world, f, login):
    _populate(world, f, n_per_township=2)
    client = login(world.users.county)
    page = client.get("/care/guardianship/").content.decode()
    assert f'href="/care/guardianship/{world.t1.code}/none/" data-bucket="none">2<' in page
    listing = client.get(f"/care/guardianship/{world.t1.code}/none/").content.decode()
    assert (
        'id="list-count">2<' in listing
        and "无人0" in listing
        and "无人1" in listing
        and "亲属0" not in listing
    )
    assert client.get(f"/care/guardianship/{world.t1.code}/nonsense/").status_code == 404
    # a clerk's table has their own township only, with the same numbers
    table, _total = selectors.coverage_table(world.users.town1)
    county_table, _ = selectors.coverage_table(world.users.county)
    assert [r.counts for r in table] == [county_table[0].counts]
