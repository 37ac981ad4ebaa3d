"""What the pilot plans' path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _stored():
    from doudi.core import attachments

    return attachments.store(b"%PDF-1.4 sweep", "programmes")


def _report_file(world):
    from doudi.programmes.models import Report, ReportAttachment

    report = (
        Report.objects.filter(region=world.township2).first()
        or Report.objects.exclude(region__code__startswith=world.home.prefix).order_by("pk").first()
    )
    return ReportAttachment.objects.create(
        report=report,
        name="现场照片.pdf",
        content_type="application/pdf",
        size=14,
        path=_stored(),
        uploaded_by=world.user2,
    )


def _ledger_file(world):
    from doudi.programmes.models import LedgerAttachment, LedgerRow

    row = LedgerRow.objects.exclude(region__code__startswith=world.home.prefix).order_by("pk").first()
    return LedgerAttachment.objects.create(
        row=row,
        column="photo",
        name="设施照片.pdf",
        content_type="application/pdf",
        size=14,
        path=_stored(),
        uploaded_by=world.user2,
    )


def sweep(s):
    return {
        "programmes/tasks/<pk>": s.Obj("programmes.Task"),
        "programmes/<pk>": s.Obj("programmes.Plan"),
        "programmes/plans/<plan_id>": s.Obj("programmes.Plan"),
        "programmes/ledgers/<pk>": s.Obj("programmes.LedgerTemplate"),
        "programmes/ledgers/<ledger_id>": s.Obj("programmes.LedgerTemplate"),
        "programmes/files/report/<pk>": s.Obj("programmes.ReportAttachment", build=_report_file),
        "programmes/files/ledger/<pk>": s.Obj("programmes.LedgerAttachment", build=_ledger_file),
    }
