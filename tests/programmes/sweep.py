"""What the pilot plans' path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def sweep(s):
    return {
        "programmes/tasks/<pk>": s.Obj("programmes.Task"),
        "programmes/<pk>": s.Obj("programmes.Plan"),
        "programmes/plans/<plan_id>": s.Obj("programmes.Plan"),
        "programmes/ledgers/<pk>": s.Obj("programmes.LedgerTemplate"),
        "programmes/ledgers/<ledger_id>": s.Obj("programmes.LedgerTemplate"),
    }
