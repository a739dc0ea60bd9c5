"""Every page works under the Content-Security-Policy README recommends: no inline scripts."""

import pytest

from calendarapp.devtools.demo_data import SALES_PASSWORD

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
    for path in ["/", "/plans/new", "/feeds/", "/this-week/", "/customers/1", "/countries/DK"]:
        desktop.go(path)
        desktop.page.wait_for_load_state("networkidle")
    # The subscribe page's script runs: addresses scroll to their end.
    desktop.page.goto(f"{desktop.base}/feeds/")
    assert violations == []
