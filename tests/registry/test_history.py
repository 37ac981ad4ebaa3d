import datetime as dt

import pytest
from django.utils import timezone, translation

from doudi.core import audit
from doudi.registry import history, selectors, services
from doudi.registry.models import DuplicateCandidate


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def lines(user, person):
    return [line.text for line in history.history_lines(selectors.person_history(user, person))]


def today():
    return timezone.localdate().isoformat()


def test_registration_and_changes_read_as_sentences(world, people):
    u = world.users
    services.person_update(actor=u.town1, person=people.zhang, placement="centralized")
    services.person_update(actor=u.town1, person=people.zhang, marital_status="widowed", phone="")
    assert lines(u.town1, people.zhang) == [
        f"{today()} town1 registered 张三",
        f"{today()} town1 changed placement from Dispersed (at home) to Centralized (in an institution)",
        f"{today()} town1 cleared phone (was 138****0001)",  # numbers in entries are shown masked
        f"{today()} town1 set marital status to Widowed",
    ]


def test_the_actor_is_shown_by_full_name(world, people):
    town1 = world.users.town1
    town1.name = "张明"
    town1.save()
    services.person_update(actor=town1, person=people.zhang, placement="centralized")
    assert lines(town1, people.zhang)[-1].startswith(f"{today()} 张明 changed placement from")


def test_a_village_change_names_the_villages(world, people):
    services.person_update(actor=world.users.town1, person=people.zhang, village=world.v1b)
    assert lines(world.users.town1, people.zhang)[-1] == (
        f"{today()} town1 changed registered village from 青石社区 to 东山村"
    )


def test_an_id_number_correction_never_shows_the_number(world, people):
    from .conftest import id_number

    services.person_update(
        actor=world.users.town1, person=people.zhang, id_number=id_number(dt.date(1948, 5, 6), 13)
    )
    text = " ".join(lines(world.users.town1, people.zhang))
    assert f"{today()} town1 corrected the ID number" in text
    assert people.zhang.id_number[6:14] not in text.replace("1948-05-06", "")


def test_viewing_the_full_id_number_is_in_the_history(world, people):
    services.person_reveal_id(actor=world.users.county, person=people.zhang)
    assert lines(world.users.town1, people.zhang)[-1] == f"{today()} county viewed the full ID number"


def test_the_kept_person_shows_the_merged_records_history(world, people, register):
    u = world.users
    twin = register(u.town1, world.v1, "张三", dt.date(1970, 1, 1), 15)
    services.person_update(actor=u.town1, person=twin, placement="centralized")
    pair = DuplicateCandidate.objects.get()
    services.duplicate_merge(actor=u.county, candidate=pair, keep=people.zhang)
    text = lines(u.town1, people.zhang)
    assert (
        f"{today()} town1 changed placement from Dispersed (at home) to Centralized (in an institution)"
        in text
    )
    assert text.count(f"{today()} town1 registered 张三") == 2
    assert f"{today()} county merged the duplicate record no. {twin.pk} of 张三 into this one" in text


def test_the_history_of_a_person_registered_elsewhere_before_is_whole(world, people):
    """A county officer moves 王五 to town1's township: town1 sees the earlier entries too."""
    services.person_update(actor=world.users.county, person=people.wang, village=world.v1)
    text = lines(world.users.town1, people.wang)
    assert text[0] == f"{today()} town2 registered 王五"
    assert len(text) == 2


def test_unknown_actions_still_make_a_sentence(world, people):
    audit.record(None, "other", people.zhang)
    assert lines(world.users.town1, people.zhang)[-1] == f"{today()} the system: other"


def test_the_person_page_shows_the_history_newest_first(login, world, people):
    services.person_update(actor=world.users.town1, person=people.zhang, placement="centralized")
    body = login(world.users.town1).get(f"/persons/{people.zhang.pk}/").content.decode()
    with translation.override("zh-hans"):  # the page's language
        registered, changed = lines(world.users.town1, people.zhang)
    assert changed in body and registered in body
    assert body.index(changed) < body.index(registered)
