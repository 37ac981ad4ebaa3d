"""Satisfaction surveys and performance evaluations; the per-township results; poor guardians."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from doudi.oversight import results, surveys
from doudi.oversight.models import Evaluation, SurveyResponse

GOOD = {"履行监护职责": 5, "日常看护和生活照料": 4, "住院陪护和及时报告": 4, "与被监护人关系": 5}
BAD = {"履行监护职责": 1, "日常看护和生活照料": 2, "住院陪护和及时报告": 3, "与被监护人关系": 3}


def answers(q, *values):
    qs = list(q.questions.filter(active=True))
    return {x.pk: (values[i] if i < len(values) else "satisfied") for i, x in enumerate(qs)}


def test_a_survey_counts_answers(ov):
    r = surveys.survey_record(
        actor=ov.world.users.town1,
        person=ov.loop.p1,
        questionnaire=ov.questionnaire,
        channel="visit",
        answers=answers(ov.questionnaire, "dissatisfied", "fairly"),
    )
    assert (r.satisfied, r.fairly, r.dissatisfied) == (3, 1, 1)


def test_a_survey_needs_every_answer_and_the_area(ov):
    town1 = ov.world.users.town1
    a = answers(ov.questionnaire)
    a.pop(next(iter(a)))
    with pytest.raises(ValidationError, match="还没有回答"):
        surveys.survey_record(actor=town1, person=ov.loop.p1, questionnaire=ov.questionnaire, answers=a)
    with pytest.raises(PermissionDenied):
        surveys.survey_record(
            actor=town1, person=ov.loop.p2, questionnaire=ov.questionnaire, answers=answers(ov.questionnaire)
        )
    with pytest.raises(PermissionDenied):  # a leader may read, not record
        surveys.survey_record(
            actor=ov.world.users.inspector,
            person=ov.loop.p1,
            questionnaire=ov.questionnaire,
            answers=answers(ov.questionnaire),
        )
    assert not SurveyResponse.objects.exists()


def test_evaluations_score_one_to_five_and_mark_poor(ov):
    town1 = ov.world.users.town1
    ev = surveys.evaluation_record(
        actor=town1,
        region=ov.loop.p1.village,
        person=ov.loop.p1,
        subject="guardian",
        subject_name="张建华",
        scores=GOOD,
    )
    assert not ev.poor and float(ev.average) == 4.5
    with pytest.raises(ValidationError, match="须写明"):
        surveys.evaluation_record(
            actor=town1,
            region=ov.loop.p1.village,
            person=ov.loop.p1,
            subject="guardian",
            subject_name="张建华",
            scores=BAD,
        )
    with pytest.raises(ValidationError, match="1至5分"):
        surveys.evaluation_record(
            actor=town1,
            region=ov.world.t1,
            subject="provider",
            subject_name="服务中心1",
            scores={"服务质量": 6},
        )
    with pytest.raises(PermissionDenied):
        surveys.evaluation_record(
            actor=town1,
            region=ov.world.t2,
            subject="provider",
            subject_name="服务中心2",
            scores={"服务质量": 5, "合同履行": 5, "服务记录真实": 5, "群众评价": 5},
        )


def test_a_poor_guardian_evaluation_lists_the_person_until_a_better_one(ov):
    town1, p1 = ov.world.users.town1, ov.loop.p1
    surveys.evaluation_record(
        actor=town1,
        region=p1.village,
        person=p1,
        subject="guardian",
        subject_name="张建华",
        scores=BAD,
        comment="对老人不闻不问",
        evaluated_on=ov.loop.today - dt.timedelta(days=10),
    )
    assert [e.person for e in results.poor_guardian_evaluations(ov.world.users.county)] == [p1]
    assert list(results.poor_guardian_evaluations(ov.world.users.town2)) == []
    surveys.evaluation_record(
        actor=town1, region=p1.village, person=p1, subject="guardian", subject_name="张建华", scores=GOOD
    )
    assert list(results.poor_guardian_evaluations(ov.world.users.county)) == []


def test_township_results_summarise_everything(ov):
    town1, p1 = ov.world.users.town1, ov.loop.p1
    surveys.survey_record(
        actor=town1,
        person=p1,
        questionnaire=ov.questionnaire,
        answers=answers(ov.questionnaire, "dissatisfied"),
    )
    surveys.evaluation_record(
        actor=town1,
        region=p1.village,
        person=p1,
        subject="carer",
        subject_name="周桂香",
        scores={"服务态度": 1, "照料质量": 2, "按约定时间上门": 2, "个人和居室卫生改善": 2},
        comment="很少上门",
    )
    today = ov.loop.today
    rows = {
        r.name: r
        for r in results.township_results(
            ov.world.users.county, since=today - dt.timedelta(days=30), until=today
        )
    }
    r = rows["青石镇"]
    assert (r.units_inspected, r.problems, r.open_rectifications, r.overdue_rectifications) == (1, 1, 1, 0)
    assert (r.surveys, r.satisfaction_rate, r.evaluations, r.poor_evaluations) == (1, 80, 1, 1)
    assert r.evaluation_average == 1.75
    assert rows["柳河镇"].surveys == 0 and rows["柳河镇"].satisfaction_rate is None
    assert [x.name for x in results.township_results(ov.world.users.town2, since=today, until=today)] == [
        "柳河镇"
    ]


def test_the_person_page_links_to_the_survey_and_evaluation(ov, login):
    client = login(ov.world.users.town1)
    page = client.get(f"/persons/{ov.loop.p1.pk}/").content.decode()
    assert f"/oversight/persons/{ov.loop.p1.pk}/survey/" in page
    q = list(ov.questionnaire.questions.all())
    data = {
        "asked_on": ov.loop.today.isoformat(),
        "channel": "visit",
        **{f"q_{x.pk}": "satisfied" for x in q},
    }
    assert client.post(f"/oversight/persons/{ov.loop.p1.pk}/survey/", data).status_code == 302
    data = {
        "subject": "guardian",
        "subject_name": "张建华",
        "evaluated_on": ov.loop.today.isoformat(),
        "comment": "不闻不问",
    }
    data.update({f"c_{n}": 1 for n in range(4)})
    assert (
        client.post(f"/oversight/persons/{ov.loop.p1.pk}/evaluation/?subject=guardian", data).status_code
        == 302
    )
    assert Evaluation.objects.get().poor
    page = client.get("/oversight/results/").content.decode()
    assert ov.loop.p1.name in page


def test_county_edits_the_questionnaire(ov, login):
    client = login(ov.world.users.county)
    r = client.post(
        f"/oversight/questionnaires/{ov.questionnaire.pk}/",
        {"text": "您对住房安全是否满意？", "active": "on"},
    )
    assert r.status_code == 302 and ov.questionnaire.questions.filter(text__contains="住房安全").exists()
    first = ov.questionnaire.questions.first()
    client.post(
        f"/oversight/questionnaires/{ov.questionnaire.pk}/", {"question": first.pk, "text": first.text}
    )
    first.refresh_from_db()
    assert not first.active
    assert (
        login(ov.world.users.town1).get(f"/oversight/questionnaires/{ov.questionnaire.pk}/").status_code
        == 403
    )
