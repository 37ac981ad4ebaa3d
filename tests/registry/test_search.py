import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.registry import selectors
from doudi.registry.idcard import make_id_number
from doudi.registry.models import Person


@pytest.fixture
def more(world, people, register):
    u = world.users
    return {
        "zhangsanfeng": register(u.town1, world.v1b, "张三丰", dt.date(1940, 2, 2), 41),
        "liuxiulan": register(u.town1, world.v1b, "刘秀兰", dt.date(1952, 2, 2), 42),
        "minor": register(u.town1, world.v1, "赵小宝", dt.date(2016, 6, 1), 43),
        "disabled": register(
            u.town1, world.v1, "孙强", dt.date(1985, 6, 1), 45, disability_kind="physical", disability_grade=1
        ),
    }


def names(user, **filters):
    return sorted(p.name for p in selectors.person_list(user, **filters))


def test_search_by_name_finds_part_of_the_name(world, more):
    town1 = world.users.town1
    assert names(town1, q="张三") == ["张三", "张三丰"]
    assert names(town1, q="秀兰") == ["刘秀兰"]


def test_search_by_full_pinyin_or_its_beginning(world, more):
    town1 = world.users.town1
    assert names(town1, q="zhangsan") == ["张三", "张三丰"]
    assert names(town1, q="ZhangSanFeng") == ["张三丰"]
    assert names(town1, q="liu") == ["刘秀兰"]


def test_search_by_initials(world, more):
    town1 = world.users.town1
    assert names(town1, q="zs") == ["张三", "张三丰"]
    assert names(town1, q="zsf") == ["张三丰"]
    assert names(town1, q="lxl") == ["刘秀兰"]


def test_search_by_the_last_digits_of_the_id_number(world, people, more):
    town1 = world.users.town1
    zhang = people.zhang.id_number
    assert names(town1, q=zhang[-4:]) == ["张三"]
    assert names(town1, q=zhang[-6:]) == ["张三"]
    assert names(town1, q=zhang) == ["张三"]
    assert names(town1, q=" ".join([zhang[:6], zhang[6:14], zhang[14:]])) == ["张三"]  # typed with spaces


def test_an_id_tail_ending_in_x_is_found_typed_lower_case(world, register):
    birth = dt.date(1949, 12, 31)
    seq = next(n for n in range(1, 999) if make_id_number("990121", birth, n).endswith("X"))
    p = register(world.users.town1, world.v1, "周八", birth, seq)
    assert names(world.users.town1, q=p.id_number[-4:].lower()) == ["周八"]
    assert names(world.users.town1, q="x") == ["周八"]
    xu = register(world.users.town1, world.v1, "徐九", dt.date(1950, 1, 1), 2)
    assert names(world.users.town1, q="x") == sorted(["周八", xu.name])  # also the initial x


def test_search_by_village_name(world, more):
    assert names(world.users.town1, q="东山村") == ["刘秀兰", "张三丰", "李四"]


def test_search_never_crosses_the_area(world, people, more):
    assert names(world.users.town1, q="wang") == []
    assert names(world.users.town1, q=people.wang.id_number[-4:]) == []
    assert names(world.users.town1, q="西河村") == []
    assert names(world.users.county, q="wang") == ["王五"]


def test_region_filter_takes_a_township_or_a_village(world, more):
    county = world.users.county
    assert names(county, region=world.t2.code) == ["王五"]
    assert names(county, region=world.v1.code) == ["孙强", "张三", "赵小宝"]
    assert names(county, region="not-a-code") == []
    assert names(world.users.town1, region=world.t2.code) == []


def test_category_status_and_placement_filters(world, people, more):
    from doudi.registry import services

    town1 = world.users.town1
    services.person_update(actor=town1, person=people.li, placement="centralized")
    assert names(town1, category="minor") == ["赵小宝"]
    assert names(town1, category="disabled") == ["孙强"]
    assert "孙强" not in names(town1, category="elderly") and "张三" in names(town1, category="elderly")
    assert names(town1, placement="centralized") == ["李四"]
    assert names(town1, status="terminated") == []


def test_search_keys_are_served_by_indexes(world, more):
    """Pinyin and ID-tail searches are range conditions on indexed columns (see selectors): the
    query plan uses the column's own index on both databases — a plain B-tree, declared in
    Person.Meta.indexes (no pattern-ops "_like" twin on PostgreSQL). (The area condition is the scope
    mechanism's; it is left out here so that a tiny test table does not make the planner prefer
    the village index.)"""
    index_of = {index.fields[0]: index.name for index in Person._meta.indexes if len(index.fields) == 1}
    for q, columns in [("zs", ["name_pinyin", "name_initials"]), ("4311", ["id_reversed"])]:
        sql, params = Person.objects.filter(selectors.search_filter(q)).query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql, params)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cursor.fetchall())
        for column in columns:
            assert index_of[column] in plan, plan


def test_the_list_page_uses_a_constant_number_of_queries(login, world, register):
    client = login(world.users.county)
    register(world.users.county, world.v1, "测试", dt.date(1950, 1, 1), 99)
    client.get("/persons/")  # the session's first page also notes "no authenticator" (core.second_factor)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/persons/").status_code == 200
    for i in range(12):
        register(
            world.users.county,
            [world.v1, world.v1b, world.v2][i % 3],
            f"测试{i}",
            dt.date(1950, 1, 1),
            100 + i,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/persons/")
    assert response.content.decode().count("/persons/") > 12
    assert len(many) == len(few), [q["sql"] for q in many]
    assert Person.objects.count() == 13


def test_the_list_page_searches_with_htmx(login, world, more):
    client = login(world.users.town1)
    response = client.get("/persons/", {"q": "zs"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and "张三丰" in body and "刘秀兰" not in body


def test_the_search_columns_have_no_pattern_ops_twins(db):
    """On PostgreSQL each search column has exactly one index (docs/performance.md): Django's
    db_index=True / unique=True would add a varchar_pattern_ops copy that no query uses."""
    if connection.vendor != "postgresql":
        pytest.skip("pattern-ops indexes exist only on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [Person._meta.db_table])
        definitions = [row[0] for row in cursor.fetchall()]
    for column in ["name_pinyin", "name_initials", "id_reversed", "id_number"]:
        on_column = [d for d in definitions if f"({column}" in d]
        assert len(on_column) == 1 and "pattern_ops" not in on_column[0], on_column
    assert any("UNIQUE" in d and "(id_number)" in d for d in definitions)
