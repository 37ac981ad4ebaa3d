"""Merging probable duplicates (registry) when both records carry one-per-person care rows."""

import pytest
from django.core.exceptions import ValidationError

from doudi.guardianship import services
from doudi.guardianship.models import Guardianship
from doudi.registry.models import DuplicateCandidate, Person


def _ward_with_guardian(f, world, name):
    ward = f.person(world.v1, name)
    f.candidate(ward, "child", f"{name}之子")
    return ward, services.guardianship_confirm(actor=world.users.town1, person=ward)


def test_merging_two_wards_with_active_guardians_is_refused_and_changes_nothing(world, f, login):
    a, ga = _ward_with_guardian(f, world, "王老汉")
    b, gb = _ward_with_guardian(f, world, "王老汉")
    pair = DuplicateCandidate.objects.create(person=a, other=b, reason="同名同村")
    from doudi.registry.services import duplicate_merge

    with pytest.raises(ValidationError, match="只能|only one"):
        duplicate_merge(actor=world.users.county, candidate=pair, keep=a)
    assert Person.objects.filter(pk__in=[a.pk, b.pk]).count() == 2
    assert set(Guardianship.objects.values_list("person_id", flat=True)) == {a.pk, b.pk}
    pair.refresh_from_db()
    assert pair.status == DuplicateCandidate.Status.OPEN

    response = login(world.users.county).post(
        f"/persons/duplicates/{pair.pk}/merge/", {"keep": a.pk}, follow=True
    )
    assert response.status_code == 200
    assert Person.objects.filter(pk=b.pk).exists()
