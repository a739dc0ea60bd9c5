"""Every page works under the Content-Security-Policy README recommends: no inline scripts."""

import pytest

from calendarapp.devtools.demo_data import ADMIN_PASSWORD, SALES_PASSWORD
from customers.models import Customer

# A demo customer the sales user owns, so its touch, step and person forms open for them.
OWNED_BY_SALES = "Aarhus Software House ApS"

RECOMMENDED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


# Like every browser test: the database is restored afterwards for the tests that follow.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_pages_run_their_scripts_under_the_recommended_policy(desktop, settings):
    settings.CONTENT_SECURITY_POLICY = RECOMMENDED_CSP
    violations = []
    desktop.page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    desktop.login("sales", SALES_PASSWORD)
    owned = Customer.objects.get(name=OWNED_BY_SALES).pk
    pages = [
        "/",
        "/plans/new",
        "/feeds/",
        "/today/",
        f"/customers/{owned}",
        "/countries/DK",
        "/accounts/api-tokens/",
        "/plans/?who=all",
        "/opportunities/",
        f"/customers/{owned}/touches/new",
        f"/customers/{owned}/steps/new",
        f"/customers/{owned}/people/new",
    ]
    for path in pages:
        response = desktop.page.goto(f"{desktop.base}{path}")
        assert response is not None and response.status == 200, path
        assert response.headers["content-security-policy"] == RECOMMENDED_CSP
        desktop.page.wait_for_load_state("networkidle")
    desktop.login("admin", ADMIN_PASSWORD)  # the Import page is the calendar admins'
    response = desktop.page.goto(f"{desktop.base}/feeds/import/")
    assert response is not None and response.status == 200
    desktop.page.wait_for_load_state("networkidle")
    desktop.login("sales", SALES_PASSWORD)
    # The subscribe page's script runs: addresses scroll to their end.
    desktop.page.goto(f"{desktop.base}/feeds/")
    assert violations == []
