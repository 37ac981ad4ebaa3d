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
    }
