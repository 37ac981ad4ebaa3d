"""What oversight's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _finding_photo(world):
    from doudi.oversight.models import FindingPhoto

    return FindingPhoto.objects.create(finding=world.other("oversight.Finding"), upload=world.upload())


def _task_with_evidence(world):
    t = world.other("oversight.RectificationTask")
    t.evidence_file = world.upload()
    t.save(update_fields=["evidence_file"])
    return t


def sweep(s):
    return {
        "oversight/rectification/<pk>": s.Obj("oversight.RectificationTask"),
        "oversight/rectification/<pk>/evidence": s.Obj(
            "oversight.RectificationTask", build=_task_with_evidence
        ),
        "rectifications/<task_id>": s.Obj("oversight.RectificationTask"),
        "oversight/checklists/<pk>": s.Obj("oversight.Checklist"),
        "oversight/checklists/<pk>/items/<item_pk>": s.Obj("oversight.ChecklistItem"),
        "oversight/inspections/<pk>": s.Obj("oversight.Inspection"),
        "oversight/findings/photos/<pk>": s.Obj("oversight.FindingPhoto", build=_finding_photo),
        "oversight/persons/<pk>": s.Obj("registry.Person"),
        "oversight/questionnaires/<pk>": s.Obj("oversight.Questionnaire"),
    }
