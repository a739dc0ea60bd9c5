"""The feed tests' data: every kind of row a feed serves, and a feed token for the sales manager."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.calendarapp.feeds import support as fs


@pytest.fixture
def data(clock, sales_manager, calendar_admin, settings) -> fs.FeedData:
    """The feed test data, a feed token for the sales manager, feeds under SITE_URL's host."""
    settings.SITE_URL = fs.SITE_URL
    cache.clear()
    return fs.build_feed_data(sales_manager, calendar_admin)
