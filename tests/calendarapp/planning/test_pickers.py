"""The planner's audience pickers: multi-selects marked for chips, posting the same fields."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_audience_pickers_are_multi_selects_marked_for_chips_with_their_script(sales_client):
    html = sales_client.get("/plans/new").content.decode()
    for name in ("customers", "countries", "interests", "offers"):
        select = re.search(rf'<select name="{name}"[^>]*>', html).group(0)
        assert "multiple" in select and "data-chips" in select
    # Without JavaScript they stay plain multi-selects; the script only enhances them.
    assert "/static/js/chips.js" in html
    assert html.index("chips.js") < html.index("planner.js")
