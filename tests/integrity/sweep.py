"""What integrity's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _attachment(world):
    from doudi.integrity.models import Attachment

    return Attachment.objects.create(
        report=world.other("integrity.Report"),
        name="a.jpg",
        content_type="image/jpeg",
        size=1,
        path="sweep/a.jpg",
    )


def sweep(s):
    return {
        "integrity/reports/<pk>": s.Obj("integrity.Report"),
        "integrity/reports/<pk>/files/<file_pk>": s.Obj("integrity.Attachment", build=_attachment),
        "integrity/reports/<report_id>": s.Obj("integrity.Report"),
        "integrity/campaigns/<pk>": s.Obj("integrity.Campaign"),
        "integrity/campaigns/<campaign_id>": s.Obj("integrity.Campaign"),
        "integrity/entries/<pk>": s.Obj("integrity.CampaignUnit"),
        "integrity/forms/<pk>": s.Obj("integrity.CampaignUnit"),
        "integrity/forms/<entry_id>": s.Obj("integrity.CampaignUnit"),
        "integrity/findings/<pk>": s.Obj("integrity.Finding"),
    }
