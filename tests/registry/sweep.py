"""What the registry's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _ledger_import(world):
    from doudi.registry.models import LedgerImport

    return LedgerImport.objects.create(
        upload=world.other("core.Upload"), region=world.township2, created_by=world.user2
    )


def sweep(s):
    return {
        "<person_id>": s.Obj("registry.Person"),
        "persons/<pk>": s.Obj("registry.Person"),
        "duplicates/<pk>": s.Obj("registry.DuplicateCandidate"),
        "ledger/imports/<pk>": s.Obj("registry.LedgerImport", build=_ledger_import),
    }
