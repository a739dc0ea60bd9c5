"""A cancelled plan leaves the plan feeds, and comes back when it is planned again."""

from __future__ import annotations

import pytest

from calendarapp.models import PlanStatus
from tests.calendarapp.feeds import support as fs


def plan_uids(client, path: str) -> set[str]:
    response = client.get(path)
    assert response.status_code == 200
    return {event["UID"][1].split("@")[0] for event in fs.vevents(response.getvalue())}


@pytest.mark.parametrize("feed", ["plans-mine", "plans-all"])
def test_a_cancelled_plan_leaves_the_plan_feeds(client, data, feed):
    path = fs.feed_paths(data)[feed]
    assert f"plan-{data.mine.pk}" in plan_uids(client, path)

    data.mine.status = PlanStatus.CANCELLED
    data.mine.save()
    assert f"plan-{data.mine.pk}" not in plan_uids(client, path)

    data.mine.status = PlanStatus.CONFIRMED
    data.mine.save()
    assert f"plan-{data.mine.pk}" in plan_uids(client, path)
