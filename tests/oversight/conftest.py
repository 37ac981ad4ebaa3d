"""Inspections on top of the care loop's fixture: a county checklist, one inspection per township
with findings recorded (each with one problem → a rectification task), a township checklist in town2."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doudi.oversight import inspections as svc
from doudi.oversight import surveys
from doudi.oversight.models import Finding

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def results_for(checklist, problems=None, person=None, photo=False):
    """All items 符合 except those whose title starts with a key of `problems` (→ note)."""
    problems = problems or {}
    out = {}
    for item in checklist.items.filter(active=True):
        note = next((v for k, v in problems.items() if item.title.startswith(k)), None)
        out[item.pk] = {
            "ok": note is None,
            "note": note or "",
            "person": person if note else None,
            "photos": [SimpleUploadedFile("f.jpg", JPEG, "image/jpeg")] if (note and photo) else [],
        }
    return out


@pytest.fixture
def ov(loop):
    w = loop.world
    county = w.users.county
    checklist = svc.checklist_create(actor=county, region=w.county, name="督查清单")
    town_checklist = svc.checklist_create(actor=county, region=w.t2, name="柳河镇自查清单")
    i1, i2 = svc.inspection_plan(
        actor=w.users.inspector,
        round="第四季度督查",
        checklist=checklist,
        planned_on=loop.today,
        regions=[w.t1, w.t2],
    )
    for insp, owner, person in ((i1, w.users.town1, loop.p1), (i2, w.users.town2, loop.p2)):
        svc.inspection_record(
            actor=w.users.inspector,
            inspection=insp,
            owner=owner,
            results=results_for(checklist, {"视觉贫困": f"{person.name}被褥脏乱"}, person=person, photo=True),
        )
    f2 = Finding.objects.get(inspection=i2, ok=False)
    questionnaire = surveys.questionnaire_create(actor=county, region=w.county)
    questionnaire2 = surveys.questionnaire_create(actor=county, region=w.t2, name="柳河镇问卷")
    return SimpleNamespace(
        questionnaire=questionnaire,
        questionnaire2=questionnaire2,
        loop=loop,
        world=w,
        checklist=checklist,
        checklist2=town_checklist,
        item2=town_checklist.items.first(),
        insp1=i1,
        insp2=i2,
        finding2=f2,
        photo2=f2.photos.get(),
        itask2=f2.task,
    )


@pytest.fixture
def results():
    return results_for
