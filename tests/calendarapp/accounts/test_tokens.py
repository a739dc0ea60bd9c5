"""Personal API tokens: named, expiring, revoked by their owner or an admin, refused once dead."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calendarapp.accounts.tokens import api_token_create, api_token_revoke
from calendarapp.models import ApiToken, hash_token


def bearer(plain: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def errors(response) -> list[str]:
    return response.json()["errors"]["detail"]


def test_a_token_is_stored_only_as_its_hash(sales_manager):
    token, plain = api_token_create(user=sales_manager, name=" Report script ")
    assert token.token_hash == hash_token(plain) != plain
    assert token.name == "Report script"
    assert not ApiToken.objects.filter(token_hash=plain).exists()


def test_an_expiry_in_the_past_is_refused_naming_the_field(sales_manager):
    with pytest.raises(ValidationError) as refused:
        api_token_create(
            user=sales_manager, name="Old", expires_at=timezone.now() - datetime.timedelta(days=1)
        )
    assert "expires_at" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_gets_a_401_saying_so(client, sales_manager):
    token, plain = api_token_create(user=sales_manager, name="Script")
    assert client.get("/api/plans", **bearer(plain)).status_code == 200
    assert api_token_revoke(token=token) is True
    assert api_token_revoke(token=token) is False, "revoking twice changes nothing"
    response = client.get("/api/plans", **bearer(plain))
    assert response.status_code == 401
    assert "This API token was revoked on" in errors(response)[0]


def test_an_expired_token_gets_a_401_saying_so(client, sales_manager, time_machine):
    time_machine.move_to("2026-12-04 09:00Z", tick=False)
    _, plain = api_token_create(
        user=sales_manager, name="Short", expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert client.get("/api/plans", **bearer(plain)).status_code == 200
    time_machine.move_to("2026-12-04 10:00Z", tick=False)
    response = client.get("/api/plans", **bearer(plain))
    assert response.status_code == 401
    assert errors(response) == [
        "This API token expired at 2026-12-04 11:00; create a new one on the API tokens page."
    ]


def test_an_unknown_token_gets_a_401(client, sales_manager):
    response = client.get("/api/plans", **bearer("nope"))
    assert response.status_code == 401
    assert errors(response) == ["This API token is unknown."]


def test_last_used_is_written_at_most_once_a_minute(client, sales_manager, time_machine):
    time_machine.move_to("2026-12-04 09:00Z", tick=False)
    token, plain = api_token_create(user=sales_manager, name="Busy script")
    client.get("/api/plans", **bearer(plain))
    token.refresh_from_db()
    first = token.last_used_at
    assert first == timezone.now()
    time_machine.move_to("2026-12-04 09:00:30Z", tick=False)
    with CaptureQueriesContext(connection) as captured:
        client.get("/api/plans", **bearer(plain))
    assert not any("UPDATE" in q["sql"] for q in captured.captured_queries)
    token.refresh_from_db()
    assert token.last_used_at == first
    time_machine.move_to("2026-12-04 09:01:30Z", tick=False)
    client.get("/api/plans", **bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at == timezone.now()


def test_session_logins_still_reach_the_api(sales_client):
    assert sales_client.get("/api/plans").status_code == 200


# The page


def test_the_page_shows_a_new_token_once_and_no_cache_keeps_it(sales_client, sales_manager):
    response = sales_client.post(
        "/accounts/api-tokens/", {"name": "Weekly report", "expires_on": ""}
    )
    assert response.status_code == 302
    shown = sales_client.get("/accounts/api-tokens/")
    assert "no-store" in shown["Cache-Control"]
    page = shown.content.decode()
    assert "Your new token: Weekly report" in page
    plain = page.split('id="new-token-value"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert ApiToken.objects.get(user=sales_manager).token_hash == hash_token(plain)
    again = sales_client.get("/accounts/api-tokens/").content.decode()
    assert "Your new token" not in again and plain not in again
    assert "Weekly report" in again


def test_the_page_lists_name_dates_and_status_of_the_own_tokens_only(
    sales_client, sales_manager, calendar_admin, time_machine
):
    time_machine.move_to("2026-12-04 09:00Z", tick=False)
    api_token_create(user=sales_manager, name="Mine, live")
    revoked, _ = api_token_create(user=sales_manager, name="Mine, revoked")
    api_token_revoke(token=revoked)
    api_token_create(
        user=sales_manager,
        name="Mine, expiring",
        expires_at=timezone.now() + datetime.timedelta(days=2),
    )
    api_token_create(user=calendar_admin, name="Alice's secret script")
    page = sales_client.get("/accounts/api-tokens/").content.decode()
    assert "Mine, live" in page and "Active" in page
    assert "Revoked 4 Dec 2026" in page
    assert "6 Dec 2026, 10:00" in page, "when it ends (team time zone)"
    assert "no end date" in page
    assert "Alice" not in page
    assert page.count("Revoke</button>") == 2, "only live tokens can be revoked"


def test_the_expiry_is_the_end_of_the_chosen_day(sales_client, sales_manager, time_machine):
    time_machine.move_to("2026-12-04 09:00Z", tick=False)
    sales_client.post("/accounts/api-tokens/", {"name": "Until Friday", "expires_on": "2026-12-11"})
    token = ApiToken.objects.get(user=sales_manager)
    assert timezone.localtime(token.expires_at).isoformat() == "2026-12-12T00:00:00+01:00"
    assert "Until Friday" in sales_client.get("/accounts/api-tokens/").content.decode()
    assert "11 Dec 2026</td>" in sales_client.get("/accounts/api-tokens/").content.decode()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "", "expires_on": ""}, "name", "This field is required."),
        ({"name": "x", "expires_on": "2026-1-1"}, "expires_on", "YYYY-MM-DD"),
        ({"name": "x", "expires_on": "2020-01-01"}, "expires_on", "cannot be in the past"),
        ({"name": "x", "expires_on": "2999-01-01"}, "expires_on", "1900"),
    ],
)
def test_a_bad_form_is_a_400_naming_the_field(sales_client, clock, data, field, message):
    response = sales_client.post("/accounts/api-tokens/", data)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_a_token_on_the_page(sales_client, sales_manager):
    token, plain = api_token_create(user=sales_manager, name="Old laptop")
    response = sales_client.post(f"/accounts/api-tokens/{token.pk}/revoke", follow=True)
    assert "Revoked “Old laptop”" in response.content.decode()
    assert sales_client.get("/api/plans", **bearer(plain)).status_code == 401
    assert sales_client.get("/api/plans").status_code == 200, "the session is not a token"


def test_nobody_can_revoke_another_users_token(sales_client, calendar_admin):
    token, _ = api_token_create(user=calendar_admin, name="Alice's")
    assert sales_client.post(f"/accounts/api-tokens/{token.pk}/revoke").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_user_in_neither_group_gets_403(client, nobody):
    client.force_login(nobody)
    assert client.get("/accounts/api-tokens/").status_code == 403


def test_the_user_menu_links_the_page(sales_client):
    assert 'href="/accounts/api-tokens/"' in sales_client.get("/today/").content.decode()


# Commands


def test_create_api_token_prints_the_token_alone_on_its_last_line(client, sales_manager, capsys):
    call_command("create_api_token", "sam", "--name", "CI", "--expires-days", "30")
    plain = capsys.readouterr().out.splitlines()[-1]
    token = ApiToken.objects.get(token_hash=hash_token(plain))
    assert token.name == "CI"
    assert token.expires_at - timezone.now() == pytest.approx(
        datetime.timedelta(days=30), abs=datetime.timedelta(minutes=1)
    )
    assert client.get("/api/plans", **bearer(plain)).status_code == 200


@pytest.mark.parametrize(
    "arguments, message",
    [(["nobody-here"], "No user named"), (["sam", "--expires-days", "0"], "at least 1")],
)
def test_create_api_token_refuses_bad_arguments(sales_manager, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *arguments)


def test_api_tokens_lists_everybodys_or_one_users(sales_manager, calendar_admin, capsys):
    revoked, _ = api_token_create(user=sales_manager, name="Sam's script")
    api_token_revoke(token=revoked)
    api_token_create(user=calendar_admin, name="Alice's report")
    call_command("api_tokens")
    everybody = capsys.readouterr().out
    assert "Sam's script" in everybody and "revoked" in everybody
    assert "Alice's report" in everybody and "active" in everybody
    call_command("api_tokens", "sam")
    assert "Alice" not in capsys.readouterr().out


def test_revoke_api_token_revokes_by_id(client, sales_manager, capsys):
    token, plain = api_token_create(user=sales_manager, name="Leaked")
    call_command("revoke_api_token", str(token.pk))
    assert f"Revoked API token {token.pk} (Leaked) of sam." in capsys.readouterr().out
    assert client.get("/api/plans", **bearer(plain)).status_code == 401
    with pytest.raises(CommandError, match="No API token has the id 999"):
        call_command("revoke_api_token", "999")


# Admin


def test_the_admin_shows_who_has_which_token_without_the_hash(admin_client, sales_manager):
    token, _ = api_token_create(user=sales_manager, name="Sam's script")
    listing = admin_client.get("/admin/calendarapp/apitoken/").content.decode()
    assert "Sam&#x27;s script" in listing and "sam" in listing
    detail = admin_client.get(f"/admin/calendarapp/apitoken/{token.pk}/change/").content.decode()
    assert token.token_hash not in listing + detail
    assert admin_client.get("/admin/calendarapp/apitoken/add/").status_code == 403


def test_a_calendar_admin_revokes_tokens_in_the_admin(admin_client, sales_manager):
    token, plain = api_token_create(user=sales_manager, name="Sam's script")
    response = admin_client.post(
        "/admin/calendarapp/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "Revoked 1 API token(s)" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_sales_managers_do_not_see_tokens_in_the_admin(client, sales_manager):
    sales_manager.is_staff = True
    sales_manager.save()
    client.force_login(sales_manager)
    assert client.get("/admin/calendarapp/apitoken/").status_code == 403
