"""The main menu: entries grouped by the work, each role seeing only what it can do, groups a
registry that apps extend (issue 15)."""

import pytest

from doudi.core import navigation
from doudi.core.navigation import NavItem, groups_for, register, register_group
from doudi.core.roles import Role


@pytest.fixture
def restore():
    items, groups = list(navigation.ITEMS), dict(navigation.GROUPS)
    yield
    navigation.ITEMS[:] = items
    navigation.GROUPS.clear()
    navigation.GROUPS.update(groups)


def labels(user):
    return {str(g["label"]): [str(i["label"]) for i in g["items"]] for g in groups_for(user)}


def test_the_county_officer_sees_the_work_in_groups(world):
    menu = labels(world.users.county)
    order = list(menu)
    assert order[:6] == ["", "台账", "认定", "监护", "照护", "督查"]
    # the governance modules' groups (村务监督, 廉洁监督, 试点方案) come between 督查 and 统计
    assert order.index("督查") < order.index("村务监督") < order.index("试点方案") < order.index("统计")
    assert menu[""] == ["首页"]
    assert "特困人员台账" in menu["台账"] and "导入台账" in menu["台账"]
    assert "单位与系统" in menu and "审计日志" in menu["单位与系统"]
    assert sum(len(v) for v in menu.values()) > 20
    assert all(len(items) <= 8 for items in menu.values())  # a group fits a phone screen


def test_each_role_sees_only_what_it_may_do(world, make):
    provider = make.user("provider", world.t1, [Role.PROVIDER_STAFF])
    assert labels(provider) == {"": ["首页"], "照护": ["我的服务工单"], "单位与系统": ["行政区划"]}
    village = labels(world.users.village1)
    assert village.get("单位与系统") == ["行政区划"] and "导入台账" not in village["台账"]
    assert "政策参数" not in sum(labels(world.users.town1).values(), [])
    admin_only = {"账号管理", "政策参数"}
    assert not admin_only & set(sum(labels(world.users.inspector).values(), []))


def test_an_entry_without_a_group_goes_to_other(world, restore):
    register(NavItem("Regions import", "region_import", order=81))
    menu = labels(world.users.county)
    assert menu["其他"] == ["Regions import"] and list(menu)[-1] == "其他"


def test_an_app_registers_its_own_group_or_names_a_new_one(world, restore):
    register_group("testgroup", "测试分组", order=58)
    register(NavItem("Committees", "region_import", group="testgroup"))
    register(NavItem("Complaints", "region_list", group="新分组", order=200))
    menu = labels(world.users.county)
    assert menu["测试分组"] == ["Committees"]
    assert menu["新分组"] == ["Complaints"]
    order = list(menu)
    assert order.index("督查") < order.index("测试分组") < order.index("统计") < order.index("新分组")


def test_a_group_with_nothing_for_the_user_is_not_shown(world, restore):
    register_group("pilot", "试点", order=70)
    assert "试点" not in labels(world.users.county)


def test_the_page_draws_groups_and_highlights_the_open_one(login, world):
    page = login(world.users.county).get("/persons/duplicates/").content.decode()
    assert 'data-group="ledger"' in page and 'class="navgroup active"' in page
    nav = page[page.index('<nav class="mainnav"') : page.index("</nav>")]
    assert nav.count('aria-current="page"') == 1 and 'href="/persons/duplicates/" class="active"' in nav
    home = login(world.users.county).get("/").content.decode()
    assert 'class="shortcut-group" data-group="care"' in home
