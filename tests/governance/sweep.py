"""What the points schemes' path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _appeal(world):
    import datetime as dt

    from doudi.governance.models import Appeal, Entry

    entry = (
        Entry.objects.exclude(village__code__startswith=world.home.prefix)
        .filter(appeal__isnull=True)
        .order_by("pk")
        .first()
    )
    return Appeal.objects.create(
        entry=entry, reason="扣分依据不足", deadline=dt.date.today(), filed_by=world.user2
    )


def _abc_close(world):
    from doudi.governance.models import PeriodClose

    return (
        PeriodClose.objects.filter(scheme__purpose="abc")
        .exclude(scheme__region__code__startswith=world.home.prefix)
        .order_by("pk")
        .first()
    )


def _abc_scheme(world):
    from doudi.governance.models import Scheme

    return (
        Scheme.objects.filter(purpose="abc")
        .exclude(region__code__startswith=world.home.prefix)
        .order_by("pk")
        .first()
    )


def sweep(s):
    return {
        "governance/<pk>": s.Obj("governance.Scheme"),
        "governance/periods/<pk>": s.Obj("governance.PeriodClose"),
        "governance/subjects/<pk>": s.Obj("governance.Subject"),
        "governance/entries/<pk>": s.Obj("governance.Entry"),
        "governance/appeals/<pk>": s.Obj("governance.Appeal", build=_appeal),
        "governance/periods/<pk>/payroll.xlsx": s.Obj("governance.PeriodClose", build=_abc_close),
        "governance/lists/<pk>": s.Obj("governance.HonourList"),
        "governance/<pk>/weeks": s.Obj("governance.Scheme", build=_abc_scheme),
        "governance/<pk>/weeks.xlsx": s.Obj("governance.Scheme", build=_abc_scheme),
        "governance/schemes/<scheme_id>/abc-weeks": s.Obj("governance.Scheme", build=_abc_scheme),
        "governance/schemes/<scheme_id>": s.Obj("governance.Scheme"),
        "results/<period>": s.Value("2026-Q1"),
        "governance/subjects/<subject_id>": s.Obj("governance.Subject"),
    }
