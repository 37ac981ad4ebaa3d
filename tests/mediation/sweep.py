"""What dispute mediation's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _county2(world):
    return world.county2


def sweep(s):
    return {
        "mediation/disputes/<pk>": s.Obj("mediation.Dispute"),
        "mediation/disputes/<dispute_id>": s.Obj("mediation.Dispute"),
        "mediation/committees/<code>": s.Obj("core.Region", attr="code", level=5),
        "mediation/committees/<pk>": s.Obj("mediation.MediationCommittee"),
        "mediation/members/<pk>": s.Obj("mediation.CommitteeMember"),
        "mediation/settings/<code>": s.Obj("core.Region", attr="code", level=4),
        # the agreement template is a county's: the other county's code
        **{
            f"mediation/settings/<code>/template{tail}": s.Obj("core.Region", attr="code", build=_county2)
            for tail in ("", "/revert", "/current.docx", "/default.docx")
        },
    }
