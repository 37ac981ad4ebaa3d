"""One way to open a rectification task: `rectification_open(source=...)` for any registered source
kind. Oversight knows no app above it; the kinds and their links come from the apps (sources.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from doudi.oversight import services, sources
from doudi.oversight.models import RectificationTask
from doudi.oversight.sources import Source, SourceRecord


@pytest.fixture
def campaign_kind():
    """A kind as a later app (a campaign) would register it from its AppConfig.ready()."""
    found = {}

    def find(user, pk):
        if pk not in found:
            raise Http404
        return found[pk]

    sources.register("test_campaign", "专项治理（测试）", find=find)
    yield found
    sources._TYPES.pop("test_campaign")


def _open(world, source, **more):
    return services.rectification_open(
        actor=world.users.town1,
        source=source,
        region=world.v1b,
        title="账外资金未入账",
        owner=world.users.town1,
        deadline=dt.date.today() + dt.timedelta(days=30),
        **more,
    )


def test_a_registered_kind_opens_a_task_and_its_page_links_back(world, login, campaign_kind):
    task = _open(world, Source("test_campaign", 17))
    assert (task.source_kind, task.source_id, task.source_label) == (
        "test_campaign",
        "17",
        "专项治理（测试）",
    )
    page = login(world.users.town1).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert "专项治理（测试）" in page and 'id="task-source"' not in page  # nothing to link to yet
    campaign_kind["17"] = SourceRecord(
        Source("test_campaign", 17), None, None, "/campaigns/17/", "第17号专项"
    )
    page = login(world.users.town1).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert 'id="task-source"' in page and 'href="/campaigns/17/"' in page and "第17号专项" in page


def test_an_unknown_kind_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError, match="未知的问题来源"):
        _open(world, Source("nonsense", 1))
    assert not RectificationTask.objects.exists()


def test_a_visit_task_links_to_its_visit_only_inside_the_area(loop, login):
    """Care registers visits; a task a visit opened links to it, for users who may see the visit."""
    task = RectificationTask.objects.filter(source_kind="visit").first()
    if task is None:
        pytest.skip("the loop fixture opened no task from a visit")
    page = login(loop.world.users.town1).get(f"/oversight/rectification/{task.pk}/").content.decode()
    assert f'href="/care/visits/{task.source_id}/"' in page
    with pytest.raises(Http404):
        sources.find(loop.world.users.town2, task.source)


def test_oversight_lists_the_kinds_the_apps_registered():
    kinds = dict(sources.choices())
    assert {"visit", "inspection", "complaint"} <= set(kinds)
