"""Pure rules of the monthly loop and the near-duplicate detector (no database)."""

import datetime as dt
import random

from doudi.care import similarity
from doudi.care.rules import (
    due_date,
    guardian_underperforms,
    network_gaps,
    placement_problems,
    visit_date_problems,
    visit_due_state,
    visit_problems,
)

TODAY = dt.date(2026, 11, 28)


def test_a_visit_cannot_be_in_the_future_or_before_registration():
    assert visit_date_problems(TODAY + dt.timedelta(days=1), today=TODAY, registered_on=None) == [
        "走访日期不能晚于今天。"
    ]
    assert visit_date_problems(dt.date(2020, 1, 1), today=TODAY, registered_on=dt.date(2021, 3, 1)) == [
        "走访日期不能早于该对象的登记日期（2021-03-01）。"
    ]
    assert visit_date_problems(TODAY, today=TODAY, registered_on=dt.date(2021, 3, 1)) == []


def test_every_aspect_is_answered_and_a_problem_is_described():
    aspects = {k: {"ok": True, "note": ""} for k in ("guardian", "service", "living", "hygiene", "spirit")}
    assert visit_problems(aspects) == ["请选择“住房安全”是否正常。"]
    aspects["housing"] = {"ok": False, "note": " "}
    assert visit_problems(aspects) == ["“住房安全”有问题时请写明具体问题。"]


def test_visit_is_overdue_only_after_the_due_day():
    assert due_date(dt.date(2026, 2, 1), 31) == dt.date(2026, 2, 28)
    before = visit_due_state(
        visits_this_month=0, required=1, last_visit=None, today=dt.date(2026, 11, 25), due_day=25
    )
    after = visit_due_state(
        visits_this_month=0, required=1, last_visit=None, today=dt.date(2026, 11, 26), due_day=25
    )
    done = visit_due_state(visits_this_month=1, required=1, last_visit=TODAY, today=TODAY, due_day=25)
    assert (before.overdue, after.overdue, done.overdue, done.done) == (False, True, False, True)


def test_guardian_problem_twice_within_three_months():
    assert guardian_underperforms([dt.date(2026, 9, 1), dt.date(2026, 11, 2)], TODAY)
    assert not guardian_underperforms([dt.date(2026, 6, 1), dt.date(2026, 11, 2)], TODAY)
    assert not guardian_underperforms([dt.date(2026, 11, 2)], TODAY)


def test_network_gaps_and_overloaded_carer():
    full = network_gaps(["guardian", "carer", "cadre", "volunteer"], carer_load=3, max_per_carer=5)
    assert full.covered
    gaps = network_gaps(["carer", "cadre"], carer_load=9, max_per_carer=5)
    assert (gaps.no_guardian, gaps.no_helper, gaps.carer_overloaded, gaps.covered) == (
        True,
        True,
        True,
        False,
    )


def test_placement_rules():
    assert placement_problems(
        "mental_health", has_institution=True, guardian_consent=False, free_beds=None
    ) == ["送精神卫生机构供养须经监护人同意，请先记录监护人同意。"]
    assert placement_problems("nursing_home", has_institution=True, guardian_consent=False, free_beds=0) == [
        "该敬老院床位已满，无法再安排入住。"
    ]
    assert placement_problems("home", has_institution=False, guardian_consent=False, free_beds=None) == []


COPIED = "老人身体状况良好，生活能自理，家中卫生整洁，监护人履职到位，无安全隐患，生活无困难。"


def test_near_identical_notes_are_found_despite_small_edits():
    a = COPIED
    b = "老人身体状况良好，生活能自理，家中卫生整洁，监护人履职到位，无安全隐患，生活无困难！"
    c = "11月3日入户，老人身体状况良好，生活能自理，家中卫生整洁，监护人履职到位，无安全隐患。"
    d = "屋顶漏雨，后墙有裂缝，已联系村里安排维修，老人暂住侄子家，情绪稳定。"
    assert similarity.jaccard(a, b) == 1.0
    assert similarity.estimate(similarity.signature(a), similarity.signature(c)) >= 0.7
    pairs = {(x, y) for x, y, _ in similarity.near_duplicates([(1, a), (2, b), (3, d)])}
    assert pairs == {(1, 2)}
    # dates and numbers do not hide a copy
    assert similarity.normalise("2026年11月3日 走访") == similarity.normalise("2025年2月17日走访")


def test_short_notes_are_perfunctory_not_copies():
    assert similarity.is_perfunctory("正常")
    assert similarity.signature("正常") == []
    assert similarity.near_duplicates([(1, "正常"), (2, "正常")]) == []


def test_lsh_compares_only_bucket_mates_not_all_pairs(monkeypatch):
    """3,000 distinct notes and a few copies: the copies are found, and the signature comparisons
    are a tiny fraction of the 4.5 million pairs a pairwise loop would make."""
    rng = random.Random(5)
    pool = "东西南北上下前后左右米面油盐酱醋茶衣被鞋袜煤炉门窗墙屋顶院水电药医病痛笑哭说听看走坐睡"
    notes = [(i, "".join(rng.choice(pool) for _ in range(60))) for i in range(3000)]
    notes += [(10_000 + i, notes[i][1][:58] + "好了") for i in range(5)]
    calls = 0
    real = similarity.estimate

    def counting(a, b):
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(similarity, "estimate", counting)
    pairs = {(a, b) for a, b, _ in similarity.near_duplicates(notes)}
    assert {(i, 10_000 + i) for i in range(5)} <= pairs
    assert calls < 3000
