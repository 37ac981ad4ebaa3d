"""What eligibility's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def sweep(s):
    return {
        "eligibility/cases/<pk>": s.Obj("eligibility.Case"),
        "eligibility/cases/<pk>/<action>": s.Value("accept"),
        "eligibility/documents/<pk>": s.Obj("eligibility.CaseDocument"),
        "eligibility/persons/<pk>": s.Obj("registry.Person"),
    }
