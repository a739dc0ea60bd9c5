"""The documented production environment: `check --deploy` is clean and HTTPS=1 turns it all on."""

import os
import subprocess
import sys

import pytest
from django.test import Client

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 50 + "-not-a-real-secret-but-long-and-varied-0123456789",
    "ALLOWED_HOSTS": "calendar.example.com",
    "HTTPS": "1",
}
SHOW = (
    "import json, calendarapp.settings as s; print(json.dumps({name: getattr(s, name, None) for "
    "name in ['SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER']}))"
)


def run(*args, **env):
    # The browser tests allow the ORM under Playwright's event loop; production does not.
    unset = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, *args],
        env={**environment, "DJANGO_SETTINGS_MODULE": "calendarapp.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_the_documented_production_environment():
    result = run("manage.py", "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_https_turns_on_redirect_secure_cookies_hsts_and_the_proxy_header():
    import json

    shown = json.loads(run("-c", SHOW, **PRODUCTION).stdout)
    assert shown == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_each_https_setting_can_be_set_alone_under_djangos_name():
    import json

    alone = {**PRODUCTION, "HTTPS": "0", "SESSION_COOKIE_SECURE": "1", "SECURE_HSTS_SECONDS": "60"}
    shown = json.loads(run("-c", SHOW, **alone).stdout)
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["SECURE_HSTS_SECONDS"] == 60
    assert shown["SECURE_SSL_REDIRECT"] is False


@pytest.mark.django_db
def test_the_policy_headers_are_sent_when_the_environment_sets_them(client, settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'self'"
    settings.PERMISSIONS_POLICY = "camera=()"
    response = client.get("/accounts/login/")
    assert response["Content-Security-Policy"] == "default-src 'self'"
    assert response["Permissions-Policy"] == "camera=()"


@pytest.mark.django_db
def test_no_policy_header_when_unset(client):
    assert "Content-Security-Policy" not in client.get("/accounts/login/")


@pytest.mark.parametrize("path", ["/api/customers/-1", "/api/customers/1.5", "/api/nothing"])
def test_an_api_path_that_names_nothing_is_a_json_404(sales_client, path):
    response = sales_client.get(path)
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["There is nothing at this address."]}}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_any_method_on_an_api_path_that_names_nothing_is_a_json_404_not_a_csrf_page(
    sales_manager, method
):
    # A logged-in browser session without a CSRF token, as a script using the session would be.
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_manager)
    response = getattr(client, method)("/api/nothing/here", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["There is nothing at this address."]}}


@pytest.mark.parametrize(
    "path", ["/admin/customers/customer/?q=Ac%00me", "/?q=%00", "/api/occurrences?country=D%00K"]
)
def test_a_nul_byte_in_a_parameter_is_a_400_naming_it(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 400
    assert "NUL byte" in response.content.decode()
