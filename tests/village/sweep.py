"""What the village module's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def sweep(s):
    return {
        "village/list/<what>": s.Value("vouchers"),
        "village/public/<code>": s.Open(
            "public by design: the village's published affairs (docs/village.md)"
        ),
        "village/<code>": s.Obj("core.Region", attr="code", level=5),
        "village/officials/<pk>": s.Obj("village.Official"),
        "village/committees/<pk>": s.Obj("village.Committee"),
        "village/committees/<pk>/<action>": s.Value("submit"),
        "village/candidates/<pk>": s.Obj("village.Candidate"),
        "village/vouchers/<pk>": s.Obj("village.Voucher"),
        "village/inquiries/<pk>": s.Obj("village.Inquiry"),
        "village/openness/<pk>": s.Obj("village.OpennessItem"),
        "village/committees/<committee_id>": s.Obj("village.Committee"),
        "village/vouchers/<voucher_id>": s.Obj("village.Voucher"),
        "village/settings/<code>": s.Obj("core.Region", attr="code", level=4),
        "village/appeals/<pk>": s.Obj("village.Appeal"),
        "village/meetings/<pk>": s.Obj("village.Meeting"),
        "village/evaluations/<pk>": s.Obj("village.Evaluation"),
        "village/inquiries/<inquiry_id>": s.Obj("village.Inquiry"),
        "village/meetings/<meeting_id>": s.Obj("village.Meeting"),
    }
