"""A user who can log in but belongs to neither role sees none of the team's customer data."""

import pytest

from tests import factories


@pytest.mark.parametrize(
    "path", ["/", "/plans/", "/plans/new", "/countries/DK", "/this-week/", "/feeds/"]
)
def test_pages_refuse_a_user_outside_both_roles(client, nobody, path):
    client.force_login(nobody)
    response = client.get(path)
    assert response.status_code == 403
    assert b"Acme" not in response.content


def test_customer_page_refuses_a_user_outside_both_roles(client, nobody):
    acme = factories.customer("Acme A/S", "DK")
    client.force_login(nobody)
    response = client.get(acme.get_absolute_url())
    assert response.status_code == 403
    assert b"Acme" not in response.content
