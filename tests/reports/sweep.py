"""What the reports' path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def sweep(s):
    return {
        "reports/closing/<pk>": s.Obj("reports.MonthReport"),
    }
