"""Oversight feeding care: poor guardian evaluations on care's guardian-performance list, and the
satisfaction survey asked during a visit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doudi.care import selectors as sel
from doudi.care import services as care
from doudi.oversight import surveys
from doudi.oversight.models import SurveyResponse
from doudi.oversight.sources import Source, SourceRecord

GOOD = {"履行监护职责": 5, "日常看护和生活照料": 4, "住院陪护和及时报告": 4, "与被监护人关系": 5}
BAD = {"履行监护职责": 1, "日常看护和生活照料": 2, "住院陪护和及时报告": 3, "与被监护人关系": 3}


def _evaluate(actor, person, scores, day, comment=""):
    return surveys.evaluation_record(
        actor=actor,
        region=person.village,
        person=person,
        subject="guardian",
        subject_name="张建华",
        scores=scores,
        comment=comment or ("对老人不闻不问" if scores is BAD else ""),
        evaluated_on=day,
    )


def test_a_poor_guardian_evaluation_puts_the_person_on_the_list_until_a_better_one(ov, login):
    town1, town2, county = ov.world.users.town1, ov.world.users.town2, ov.world.users.county
    p1, p2, today = ov.loop.p1, ov.loop.p2, ov.loop.today
    assert list(sel.guardian_performance(town1)) == []
    _evaluate(town1, p1, BAD, today - dt.timedelta(days=10))
    _evaluate(town2, p2, BAD, today - dt.timedelta(days=5))
    rows = list(sel.guardian_performance(town1))
    assert rows == [p1]
    assert rows[0].poor_evaluation and not rows[0].by_visits
    assert rows[0].evaluated_on == today - dt.timedelta(days=10)
    # area scope: each township sees only its own; the county sees both
    assert list(sel.guardian_performance(town2)) == [p2]
    assert set(sel.guardian_performance(county)) == {p1, p2}
    page = login(town1).get("/care/guardian-performance/").content.decode()
    assert 'id="list-count">1<' in page and 'data-reason="evaluation"' in page
    assert 'data-reason="visits"' not in page
    assert p1.name in page and p2.name not in page
    # a later good evaluation takes the person off the list
    _evaluate(town1, p1, GOOD, today)
    assert list(sel.guardian_performance(town1)) == []
    assert list(sel.guardian_performance(county)) == [p2]


def test_both_reasons_are_shown_on_one_row(ov, login, lf):
    town1, p1, today = ov.world.users.town1, ov.loop.p1, ov.loop.today
    for days, note in ((30, "监护人长期不来看望"), (0, "监护人仍未履职")):
        care.visit_record(
            actor=town1,
            person=p1,
            visited_on=today - dt.timedelta(days=days),
            aspects=lf.all_ok(guardian=note),
            notes=f"入户查看第{days}天，老人独自在家，监护人未到，屋内较乱，已联系村干部。",
        )
    _evaluate(town1, p1, BAD, today)
    (row,) = sel.guardian_performance(town1)
    assert row.by_visits and row.poor_evaluation and row.guardian_problems == 2
    page = login(town1).get("/care/guardian-performance/").content.decode()
    assert 'data-reason="visits"' in page and 'data-reason="evaluation"' in page
    assert 'id="list-count">1<' in page


def test_the_list_costs_the_same_queries_whatever_the_number_of_persons(ov, login, lf):
    town1, today = ov.world.users.town1, ov.loop.today
    client = login(town1)
    _evaluate(town1, ov.loop.p1, BAD, today)
    client.get("/care/guardian-performance/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/care/guardian-performance/").status_code == 200
    for n in range(3):
        _evaluate(town1, lf.person(ov.world.v1, f"评估对象{n}"), BAD, today)
    with CaptureQueriesContext(connection) as four:
        page = client.get("/care/guardian-performance/").content.decode()
    assert 'id="list-count">4<' in page
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_survey_is_asked_from_the_visit_page(ov, login):
    town1, p1, visit = ov.world.users.town1, ov.loop.p1, ov.loop.visit1
    client = login(town1)
    page = client.get(f"/care/visits/{visit.pk}/").content.decode()
    url = f"/oversight/persons/{p1.pk}/survey/?channel=visit&visit={visit.pk}"
    assert url.replace("&", "&amp;") in page
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"]["channel"].value() == "visit"
    assert f"/care/visits/{visit.pk}/" in form.content.decode()
    data = {
        "asked_on": ov.loop.today.isoformat(),
        "channel": "separate",  # ignored: the channel is fixed to the visit
        **{f"q_{q.pk}": "satisfied" for q in ov.questionnaire.questions.all()},
    }
    r = client.post(url, data)
    assert r.status_code == 302 and r.url == f"/care/visits/{visit.pk}/"
    s = SurveyResponse.objects.get()
    assert (
        (s.source_kind, s.source_id) == ("visit", str(visit.pk)) and s.channel == "visit" and s.person == p1
    )
    page = client.get(f"/care/visits/{visit.pk}/").content.decode()
    assert 'id="visit-surveys"' in page
    # someone else's visit, or a visit of another person, is not found
    assert client.get(f"/oversight/persons/{p1.pk}/survey/?visit={ov.loop.visit2.pk}").status_code == 404
    other = login(ov.world.users.town2)
    assert other.get(f"/oversight/persons/{ov.loop.p2.pk}/survey/?visit={visit.pk}").status_code == 404
    with pytest.raises(ValidationError):
        surveys.survey_record(
            actor=town1,
            person=p1,
            questionnaire=ov.questionnaire,
            answers={q.pk: "satisfied" for q in ov.questionnaire.questions.all()},
            during=SourceRecord(Source("visit", ov.loop.visit2.pk), ov.loop.visit2.person_id, None, "", ""),
        )
    # a leader reading the visit gets no survey button
    page = login(ov.world.users.inspector).get(f"/care/visits/{visit.pk}/")
    assert page.status_code in (200, 404) and 'id="visit-survey"' not in page.content.decode()
