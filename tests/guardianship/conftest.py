"""Fixtures for the guardianship tests: wards in town1's and town2's townships."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest

from doudi.core import documents
from doudi.guardianship import services
from doudi.guardianship.models import CandidateKind, GuardianCandidate
from doudi.registry.idcard import make_id_number
from doudi.registry.models import Person

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _no_libreoffice(monkeypatch, request):
    """LibreOffice takes seconds per document; tests that want the PDF ask for `with_pdf`."""
    if "with_pdf" not in request.fixturenames:
        monkeypatch.setattr(documents, "soffice_path", lambda: None)


@pytest.fixture
def with_pdf():
    if documents.soffice_path() is None:
        pytest.skip("LibreOffice is not installed")


def make_person(village, name="张福生", capacity="none", birth=dt.date(1950, 3, 8), **extra):
    n = next(_seq)
    return Person.objects.create(
        name=name,
        id_number=make_id_number(village.code, birth, n),
        birth_date=birth,
        sex="M",
        village=village,
        civil_capacity=capacity,
        **extra,
    )


def make_candidate(person, kind, name, **flags):
    defaults = {
        "relation": "",
        "able": True,
        "willing": True,
        "position": 10 + GuardianCandidate.objects.filter(person=person).count(),
    }
    return GuardianCandidate.objects.create(person=person, kind=kind, name=name, **{**defaults, **flags})


@pytest.fixture
def care(world):
    """A ward in each township, each with a confirmed category Ⅰ guardian and a generated agreement."""
    u = world.users
    p1 = make_person(world.v1b, "张福生")
    p2 = make_person(world.v2, "李长根")
    out = SimpleNamespace(p1=p1, p2=p2)
    for key, person, clerk in (("1", p1, u.town1), ("2", p2, u.town2)):
        spouse = make_candidate(
            person,
            CandidateKind.SPOUSE,
            "王桂英",
            relation="配偶",
            able=False,
            reason_unable="年老体弱无力履行",
        )
        son = make_candidate(
            person, CandidateKind.CHILD, f"{person.name[0]}建国", relation="长子", phone="13800000001"
        )
        g = services.guardianship_confirm(actor=clerk, person=person)
        a = services.agreement_create(actor=clerk, guardianship=g, **agreement_terms())
        services.agreement_generate(actor=clerk, agreement=a)
        setattr(out, f"spouse{key}", spouse)
        setattr(out, f"son{key}", son)
        setattr(out, f"g{key}", g)
        setattr(out, f"a{key}", a)
    return out


def agreement_terms(**overrides):
    today = dt.date.today()
    terms = {
        "duties": [
            {"key": "daily_watch", "detail": "每天上午看望一次，查看门窗、火炉"},
            {"key": "hospital_escort", "detail": ""},
            {"key": "protect_rights", "detail": ""},
        ],
        "visit_frequency": "每周上门探视不少于3次",
        "contact": "监护人电话13800000001",
        "emergency_steps": "1. 拨打120\n2. 报告村委会",
        "other_terms": "",
        "start_on": today,
        "end_on": today.replace(year=today.year + 3) - dt.timedelta(days=1),
    }
    terms.update(overrides)
    return terms


PDF_BYTES = b"%PDF-1.4\n% signed scan\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def f():
    """Factories for the tests in this folder (test modules cannot import conftest)."""
    return SimpleNamespace(
        person=make_person, candidate=make_candidate, terms=agreement_terms, PDF=PDF_BYTES, PNG=PNG_BYTES
    )
