"""What guardianship's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _replacement(world):
    from doudi.guardianship.models import ReplacementCase

    g = world.other("guardianship.Guardianship")
    return ReplacementCase.objects.create(
        person=g.person,
        guardianship=g,
        ground="other_infringement",
        article="第三十六条",
        facts="外县的案件",
        started_by=world.user2,
    )


def _template(world):
    from doudi.guardianship.models import AgreementTemplate

    return AgreementTemplate.objects.create(
        region=world.county2, name="外县模板", upload=world.other("core.Upload"), uploaded_by=world.user2
    )


def _agreement_with_scan(world):
    a = world.other("guardianship.Agreement")
    a.signed_scan = world.upload()
    a.save(update_fields=["signed_scan"])
    return a


def _consent_with_scan(world):
    c = world.other("guardianship.GuardianConsent")
    c.document = world.upload()
    c.save(update_fields=["document"])
    return c


def sweep(s):
    return {
        "care/guardianship/<township>": s.Obj("core.Region", attr="code", level=4),
        "care/guardianship/<township>/<bucket>": s.Value("need"),
        "care/candidates/<pk>": s.Obj("guardianship.GuardianCandidate"),
        "care/consents/<pk>": s.Obj("guardianship.GuardianConsent"),
        # the files: an object that has one, so that only the area check can refuse it
        "care/consents/<pk>/document": s.Obj("guardianship.GuardianConsent", build=_consent_with_scan),
        "care/agreements/<pk>/file": s.Obj("guardianship.Agreement", build=_agreement_with_scan),
        "care/agreements/<pk>": s.Obj("guardianship.Agreement"),
        "care/agreements/<pk>/file/<kind>": s.Value("scan"),
        "care/replacements/<pk>": s.Obj("guardianship.ReplacementCase", build=_replacement),
        "care/agreement-templates/<key>": s.Obj("guardianship.AgreementTemplate", build=_template),
        "care/agreement-templates/<key>/file/<kind>": s.Value("original"),
    }
