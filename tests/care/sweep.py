"""What the care loop's path parameters name, for the cross-area sweep (tests/test_cross_area_sweep.py)."""


def _photo(world):
    from doudi.care.models import VisitPhoto

    return VisitPhoto.objects.create(visit=world.other("care.Visit"), upload=world.upload())


def _handover_with_signature(world):
    h = world.other("care.MaterialHandover")
    h.signature = world.upload()
    h.save(update_fields=["signature"])
    return h


def sweep(s):
    return {
        "care/network/<pk>": s.Obj("care.SupportMember"),
        "care/home-support/<township>": s.Obj("core.Region", attr="code", level=4),
        "care/home-support/<township>/<bucket>": s.Value("home"),
        "care/visits/<pk>": s.Obj("care.Visit"),
        "care/visits/<pk>/photos/<photo_pk>": s.Obj("care.VisitPhoto", build=_photo),
        "care/providers/<pk>": s.Obj("care.Provider"),
        "care/contracts/<pk>": s.Obj("care.ServiceContract"),
        "care/orders/<pk>": s.Obj("care.ServiceOrder"),
        "care/materials/<pk>": s.Obj("care.MaterialBatch"),
        "care/handovers/<pk>": s.Obj("care.MaterialHandover"),
        "care/handovers/<pk>/signature": s.Obj("care.MaterialHandover", build=_handover_with_signature),
        "visits/<visit_id>": s.Obj("care.Visit"),
        "service-deliveries/<delivery_id>": s.Obj("care.ServiceDelivery"),
    }
