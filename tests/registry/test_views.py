import datetime as dt

import pytest
from django.utils import translation

from doudi.core.models import AuditEntry
from doudi.registry.idcard import mask_id_number
from doudi.registry.models import DuplicateCandidate, Person

from .conftest import id_number


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def form_data(village, **overrides):
    data = {
        "name": "赵六",
        "id_number": id_number(dt.date(1945, 9, 9), 51),
        "phone": "13900000000",
        "village": village.code,
        "address": "东街2号",
        "marital_status": "widowed",
        "disability_kind": "",
        "disability_grade": "",
        "disability_certificate": "",
        "civil_capacity": "full",
        "civil_capacity_basis": "",
        "placement": "dispersed",
        "status": "active",
        "applied_on": "2020-01-05",
        "supported_since": "2020-02-01",
        "terminated_on": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_a_clerk_registers_a_person_with_the_form(login, world):
    client = login(world.users.town1)
    page = client.get("/persons/new/").content.decode()
    assert 'type="tel"' in page and 'type="date"' in page and "东山村" in page and "西河村" not in page
    response = client.post("/persons/new/", form_data(world.v1b))
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/persons/{person.pk}/"
    assert (person.birth_date, person.sex, person.village, person.created_by) == (
        dt.date(1945, 9, 9),
        "M",
        world.v1b,
        world.users.town1,
    )


def test_form_errors_come_back_on_their_fields(login, world):
    client = login(world.users.town1)
    response = client.post("/persons/new/", form_data(world.v1, id_number="110105194912310021"))
    assert response.status_code == 200
    assert "身份证号校验位错误" in response.content.decode()
    assert not Person.objects.exists()


def test_a_village_outside_the_area_is_not_offered(login, world):
    response = login(world.users.town1).post("/persons/new/", form_data(world.v2))
    assert response.status_code == 200 and not Person.objects.exists()


def test_a_duplicate_id_links_to_the_existing_person(login, world, people):
    client = login(world.users.town1)
    response = client.post("/persons/new/", form_data(world.v1, id_number=people.zhang.id_number))
    body = response.content.decode()
    assert "already registered: 张三" in body
    assert f'href="/persons/{people.zhang.pk}/"' in body


def test_a_duplicate_id_from_another_township_shows_only_whom_to_contact(login, world, people):
    client = login(world.users.town1)
    response = client.post("/persons/new/", form_data(world.v1, id_number=people.wang.id_number))
    body = response.content.decode()
    assert "registered elsewhere in the county" in body and "柳河镇" in body
    for secret in ("王五", world.v2.name, f"/persons/{people.wang.pk}/"):  # the number is what they typed
        assert secret not in body


def test_a_probable_duplicate_warns_the_clerk(login, world, people):
    client = login(world.users.town1)
    response = client.post("/persons/new/", form_data(world.v1, name="张三"), follow=True)
    assert "looks like another registered person" in response.content.decode()
    assert DuplicateCandidate.objects.count() == 1


def test_editing_through_the_form(login, world, people):
    client = login(world.users.town1)
    page = client.get(f"/persons/{people.zhang.pk}/edit/").content.decode()
    assert "13800000001" in page and "From the ID number: born 1948-05-06" in page
    data = form_data(world.v1, name="张三", id_number=people.zhang.id_number, placement="centralized")
    assert client.post(f"/persons/{people.zhang.pk}/edit/", data).status_code == 302
    people.zhang.refresh_from_db()
    assert people.zhang.placement == "centralized" and people.zhang.phone == "13900000000"


def test_the_person_page_shows_everything_known(login, world, register):
    p = register(
        world.users.town1,
        world.v1,
        "孙强",
        dt.date(1985, 6, 1),
        45,
        disability_kind="intellectual",
        disability_grade=2,
        civil_capacity="limited",
        civil_capacity_basis="法院判决",
        address="东街3号",
    )
    body = login(world.users.village1).get(f"/persons/{p.pk}/").content.decode()
    for text in (
        "孙强",
        "Disabled",
        "Intellectual, grade 2",
        "Limited civil capacity",
        "法院判决",
        "东街3号",
        "青石镇",
    ):
        assert text in body, text
    assert "Elderly" not in body
    for key in ("details", "disability", "support", "history"):
        assert f'id="{key}"' in body


def test_other_apps_can_add_a_section(login, world, people):
    from doudi.registry import sections

    saved = list(sections.SECTIONS)
    sections.register_section(
        sections.Section("extra", "Extra section", "registry/sections/_support.html", order=50)
    )
    try:
        body = login(world.users.town1).get(f"/persons/{people.zhang.pk}/").content.decode()
    finally:
        sections.SECTIONS[:] = saved
    assert 'id="extra"' in body and "Extra section" in body


# ---- full ID numbers -------------------------------------------------------------------------


def test_lists_and_pages_show_masked_numbers_only(login, world, people):
    client = login(world.users.county)
    for url in ("/persons/", f"/persons/{people.zhang.pk}/"):
        body = client.get(url).content.decode()
        assert people.zhang.id_number not in body
        assert mask_id_number(people.zhang.id_number) in body


def test_revealing_the_full_number_is_logged(login, world, people):
    client = login(world.users.town1)
    page = client.get(f"/persons/{people.zhang.pk}/").content.decode()
    assert "Show full ID number" in page
    response = client.post(f"/persons/{people.zhang.pk}/id-number/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert people.zhang.id_number in body and "<html" not in body
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.object_id, entry.extra) == (
        world.users.town1,
        str(people.zhang.pk),
        {"field": "id_number"},
    )


def test_revealing_without_htmx_shows_the_page(login, world, people):
    response = login(world.users.county).post(f"/persons/{people.zhang.pk}/id-number/")
    assert response.status_code == 200 and people.zhang.id_number in response.content.decode()


def test_village_staff_cannot_reveal(login, world, people):
    client = login(world.users.village1)
    page = client.get(f"/persons/{people.zhang.pk}/").content.decode()
    assert "Show full ID number" not in page and people.zhang.id_number not in page
    assert client.post(f"/persons/{people.zhang.pk}/id-number/").status_code == 403
    assert client.get(f"/persons/{people.zhang.pk}/id-number/").status_code == 405
    assert not AuditEntry.objects.filter(action="view").exists()


# ---- duplicate review ------------------------------------------------------------------------


@pytest.fixture
def pair(world, people, register):
    twin = register(world.users.town1, world.v1, "张三", dt.date(1970, 1, 1), 15, address="东街1号")
    return DuplicateCandidate.objects.get(other=twin)


def test_the_queue_lists_open_pairs_for_the_county(login, world, pair):
    client = login(world.users.county)
    body = client.get("/persons/duplicates/").content.decode()
    assert f"/persons/duplicates/{pair.pk}/" in body and "Same name in the same village" in body
    page = client.get(f"/persons/duplicates/{pair.pk}/").content.decode()
    assert "Keep this record" in page and "They are different persons" in page
    assert pair.other.id_number not in page and mask_id_number(pair.other.id_number) in page


def test_the_person_page_points_to_the_pair(login, world, people, pair):
    body = login(world.users.county).get(f"/persons/{people.zhang.pk}/").content.decode()
    assert f"/persons/duplicates/{pair.pk}/" in body
    clerk_body = login(world.users.town1).get(f"/persons/{people.zhang.pk}/").content.decode()
    assert "looks like another registered person" in clerk_body
    assert f"/persons/duplicates/{pair.pk}/" not in clerk_body


def test_merging_from_the_page(login, world, people, pair):
    twin_pk = pair.other_id
    client = login(world.users.county)
    response = client.post(f"/persons/duplicates/{pair.pk}/merge/", {"keep": people.zhang.pk})
    assert response.status_code == 302 and response["Location"] == f"/persons/{people.zhang.pk}/"
    assert not Person.objects.filter(pk=twin_pk).exists()
    old_link = client.get(f"/persons/{twin_pk}/")
    assert old_link.status_code == 302 and old_link["Location"] == f"/persons/{people.zhang.pk}/"
    assert "merged" in client.get("/persons/duplicates/?status=merged").content.decode().lower()


def test_merging_needs_a_choice(login, world, pair):
    response = login(world.users.county).post(f"/persons/duplicates/{pair.pk}/merge/", {"keep": "x"})
    assert response.status_code == 302 and Person.objects.count() == 4


def test_dismissing_from_the_page(login, world, pair):
    client = login(world.users.county)
    assert client.post(f"/persons/duplicates/{pair.pk}/dismiss/").status_code == 302
    pair.refresh_from_db()
    assert pair.status == "dismissed"
    assert f"/persons/duplicates/{pair.pk}/" not in client.get("/persons/duplicates/").content.decode()


def test_the_menu_has_the_registry_entries(login, world):
    county = login(world.users.county).get("/").content.decode()
    assert 'href="/persons/"' in county and 'href="/persons/duplicates/"' in county
    clerk = login(world.users.town1).get("/").content.decode()
    assert 'href="/persons/"' in clerk and 'href="/persons/duplicates/"' not in clerk
