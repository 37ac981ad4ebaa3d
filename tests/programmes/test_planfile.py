"""Plan files: every shipped plan loads against the schema; bad files give Chinese errors."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from doudi.programmes import planfile

PLANS = sorted(
    p for p in (Path(planfile.__file__).parent / "data").glob("*.toml") if not p.name.startswith("ledger-")
)

SEED3 = {
    "sewage",
    "digital-village-zhangjiagang",
    "township-governance",
    "new-countryside",
    "county-governance",
    "city-key-tasks",
    "cadre-funds-221",
    "cadre-funds-442",
    "digital-village-pingluo",
}


def test_the_nine_plans_of_seed_3_and_the_phased_plans_of_seeds_1_2_4_are_shipped():
    keys = {planfile.load(p.read_text(encoding="utf-8"), year=2026).key for p in PLANS}
    assert SEED3 <= keys
    assert {"guardianship-pilot", "village-supervision", "off-book-funds"} <= keys


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_every_shipped_plan_loads_and_survives_a_round_trip(path):
    spec = planfile.load(path.read_text(encoding="utf-8"), year=2026)
    assert spec.tasks and spec.title
    for task in spec.tasks:
        assert task.title, task.number
        assert task.lead or task.responsible or task.regions
        for target in task.targets:
            assert target.unit and target.value is not None
    again = planfile.load(planfile.dump(spec), year=1999)  # the export holds real dates
    assert again == spec


def test_the_year_is_a_parameter_of_the_import():
    text = (PLANS[0].parent / "sewage.toml").read_text(encoding="utf-8")
    a, b = planfile.load(text, year=2026), planfile.load(text, year=2027)
    assert a.start == date(2026, 1, 1) and b.start == date(2027, 1, 1)
    survey = next(t for t in b.tasks if t.number == "6")
    assert survey.deadline == date(2027, 4, 30) and survey.phase == "宣传发动、调查摸底"
    rate = next(t for t in a.tasks if t.number == "13").targets[0]
    assert (rate.metric, rate.unit, rate.value, rate.per_region) == (
        "农村生活污水处理率",
        "%",
        Decimal(30),
        True,
    )


def test_transcribed_details():
    load = lambda name: planfile.load((PLANS[0].parent / name).read_text(encoding="utf-8"), year=2021)  # noqa: E731
    zl = load("county-governance.toml")
    t = next(t for t in zl.tasks if t.number == "（二）1")
    assert (
        t.lead == ["民政局"]
        and t.responsible == ["公安局", "司法局", "财政局", "农业农村局"]
        and t.regions == "all"
    )
    assert [p.name for p in zl.phases] == ["谋划准备阶段", "组织实施阶段", "总结验收阶段", "提质扩容阶段"]
    assert zl.phases[-1].end == date(2022, 10, 31)
    pl = load("digital-village-pingluo.toml")
    five = next(t for t in pl.tasks if t.number == "5")
    assert five.lead == ["县委网信办"] and five.cooperating == ["各电信运营商"] and five.regions == "all"
    assert ("新建5G基站", Decimal(300)) in [(g.metric, g.value) for g in five.targets]
    f7 = load("cadre-funds-221.toml").tasks[0].funding[0]
    assert f7.ratio == [2, 2, 1] and f7.levels == ["省", "市", "县"] and f7.amount == Decimal(10000)
    vs = load("village-supervision.toml")
    assert vs.doc_number == "建委办〔2012〕33号" and vs.phases[1].start == date(2012, 4, 20)


BAD = """
[plan]
key = "bad"
title = "坏方案"
level = "county"
start = "{Y}-01-01"
end = "{Y}-12-31"

[[phases]]
name = "谋划准备阶段"
start = "{Y}-01-01"
end = "{Y}-03-31"

[[tasks]]
number = "1"
title = "一项任务"
lead = ["民政局"]
phase = "谋划准备阶段"
deadline = "{Y}-05-31"

[[tasks.targets]]
metric = "处理率"
value = "30"

[[tasks]]
number = "1"
title = "同号任务"
phase = "不存在的阶段"
"""


def test_a_bad_file_lists_every_problem_in_chinese():
    with pytest.raises(planfile.PlanFileError) as exc:
        planfile.load(BAD, year=2026)
    text = " ".join(f"{p} {m}" for p, m in exc.value.errors)
    assert "超出其所属阶段" in text  # the deadline outside its phase
    assert "没有计量单位" in text  # the target with no unit
    assert "两项任务的编号都是 1" in text
    assert "未知阶段" in text
    assert "没有牵头单位" in text


def test_not_toml_is_an_error_not_a_crash():
    with pytest.raises(planfile.PlanFileError) as exc:
        planfile.load("[plan\n", year=2026)
    assert "TOML" in exc.value.errors[0][1]
