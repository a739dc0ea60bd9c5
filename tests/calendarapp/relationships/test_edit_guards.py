"""The pages' record forms: an edit carries its version (someone else's save meanwhile is shown,
never overwritten), and a double-clicked form saves once."""

import datetime
import re

import pytest
from django.test import Client

from calendarapp.models import Plan
from customers.decisions import competitor_save, decision_step_save
from customers.models import Competitor, Customer, DecisionStep, Person, Touchpoint
from customers.services import person_save
from tests import factories
from tests.support import at_once, needs_postgresql, shown_form

pytestmark = pytest.mark.django_db


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def person_body(page: str, **fields) -> dict:
    body = {
        "name": "Mette",
        "job_title": "CFO",
        "decision_role": "none",
        "stance": "unknown",
        "influence": "medium",
        "active": "on",
        **fields,
    }
    return {**body, "version": hidden(page, "version"), "once": hidden(page, "once")}


def test_an_edit_saved_by_someone_else_meanwhile_shows_both_values_and_saves_nothing(
    sales_client, cfo
):
    page = sales_client.get(f"/people/{cfo.pk}").content.decode()
    person_save(person=cfo, customer=cfo.customer, job_title="CEO")

    response = sales_client.post(f"/people/{cfo.pk}", person_body(page, phone="+45 1234"))

    assert response.status_code == 400
    text = response.content.decode()
    assert "Someone else saved this while you were editing." in text
    assert "Saved by someone else meanwhile: CEO; yours: CFO." in text
    cfo.refresh_from_db()
    assert (cfo.job_title, cfo.phone) == ("CEO", "")
    # Saving the form as it is now shown keeps what it says: the user has seen their value.
    again = sales_client.post(f"/people/{cfo.pk}", person_body(text, phone="+45 1234"))
    assert again.status_code == 302
    cfo.refresh_from_db()
    assert (cfo.job_title, cfo.phone) == ("CFO", "+45 1234")


def test_an_edit_with_nothing_saved_meanwhile_saves(sales_client, cfo):
    page = sales_client.get(f"/people/{cfo.pk}").content.decode()
    response = sales_client.post(f"/people/{cfo.pk}", person_body(page, job_title="CEO"))
    assert response.status_code == 302
    cfo.refresh_from_db()
    assert cfo.job_title == "CEO"


def test_someone_else_saving_what_the_form_says_is_no_conflict(sales_client, cfo):
    page = sales_client.get(f"/people/{cfo.pk}").content.decode()
    person_save(person=cfo, customer=cfo.customer, job_title="CEO")
    response = sales_client.post(f"/people/{cfo.pk}", person_body(page, job_title="CEO"))
    assert response.status_code == 302


def test_a_choice_changed_meanwhile_is_named_by_its_label(sales_client, cfo):
    page = sales_client.get(f"/people/{cfo.pk}").content.decode()
    person_save(person=cfo, customer=cfo.customer, stance="champion")
    response = sales_client.post(f"/people/{cfo.pk}", person_body(page))
    assert "Saved by someone else meanwhile: Champion; yours: Unknown." in response.content.decode()


def test_the_facts_form_carries_its_version_too(admin_client, customer):
    page = admin_client.get(f"/customers/{customer.pk}/facts").content.decode()
    Customer.objects.filter(pk=customer.pk).update(budget_close_month=3)
    body = {
        "name": customer.name,
        "country": "DK",
        "owner": customer.owner_id,
        "budget_close_month": "12",
        "contact_every_days": "30",
        "strategy_weeks_before_start": "10",
        "strategy_weeks_before_end": "4",
        "timezone": "Europe/Copenhagen",
        "active": "on",
        "version": hidden(page, "version"),
        "once": hidden(page, "once"),
    }
    response = admin_client.post(f"/customers/{customer.pk}/facts", body)
    assert response.status_code == 400
    assert "Saved by someone else meanwhile: March; yours: December." in response.content.decode()
    customer.refresh_from_db()
    assert customer.budget_close_month == 3


def touch_body(page: str) -> dict:
    return {
        "date": "2026-06-12",
        "channel": "video",
        "summary": "Intro call",
        "outcome": "none",
        "once": hidden(page, "once"),
        "version": hidden(page, "version"),
    }


def test_a_double_clicked_touch_form_logs_one_touch_and_lands_on_the_first_result(
    sales_client, customer, clock
):
    page = sales_client.get(f"/customers/{customer.pk}/touches/new").content.decode()
    body = touch_body(page)
    first = sales_client.post(f"/customers/{customer.pk}/touches/new", body)
    second = sales_client.post(f"/customers/{customer.pk}/touches/new", body, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "That form was sent twice; it was saved once." in second.content.decode()
    assert Touchpoint.objects.count() == 1


def test_a_new_form_is_a_new_touch(sales_client, customer, clock):
    for _ in range(2):
        page = sales_client.get(f"/customers/{customer.pk}/touches/new").content.decode()
        sales_client.post(f"/customers/{customer.pk}/touches/new", touch_body(page))
    assert Touchpoint.objects.count() == 2


def test_a_double_clicked_edit_lands_on_the_first_result_not_on_a_conflict(sales_client, cfo):
    page = sales_client.get(f"/people/{cfo.pk}").content.decode()
    body = person_body(page, job_title="CEO")
    sales_client.post(f"/people/{cfo.pk}", body)
    assert sales_client.post(f"/people/{cfo.pk}", body).status_code == 302


def test_a_refused_form_keeps_its_token_free_for_the_corrected_submit(sales_client, customer):
    page = sales_client.get(f"/customers/{customer.pk}/people/new").content.decode()
    refused = sales_client.post(
        f"/customers/{customer.pk}/people/new", person_body(page, name="", version="")
    )
    assert refused.status_code == 400
    assert hidden(refused.content.decode(), "once") == hidden(page, "once")
    saved = sales_client.post(
        f"/customers/{customer.pk}/people/new", person_body(page, name="Ole", version="")
    )
    assert saved.status_code == 302
    assert Person.objects.filter(name="Ole").count() == 1


def test_a_double_clicked_plan_form_saves_one_plan(sales_client, danes):
    page = sales_client.get("/plans/new").content.decode()
    body = {
        "kind": "event",
        "title": "Spring seminar",
        "start": "2027-03-02",
        "end": "2027-03-02",
        "countries": ["DK"],
        "action": "save-anyway",
        "once": hidden(page, "once"),
    }
    first = sales_client.post("/plans/new", body)
    second = sales_client.post("/plans/new", body)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Plan.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submits_of_one_touch_form_at_once_log_one_touch(sales_manager):
    needs_postgresql()
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager)
    reader = Client()
    reader.force_login(sales_manager)
    body = touch_body(reader.get(f"/customers/{customer.pk}/touches/new").content.decode())

    def submit():
        client = Client()
        client.force_login(sales_manager)
        response = client.post(f"/customers/{customer.pk}/touches/new", body)
        return response.status_code, response["Location"]

    first, second = at_once(submit, submit)
    assert first == second == (302, f"/customers/{customer.pk}")
    assert Touchpoint.objects.count() == 1
    assert datetime.date(2026, 6, 12) == Touchpoint.objects.get().date


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_edits_of_one_field_at_once_save_one_and_show_the_other_both_values(sales_manager):
    needs_postgresql()
    customer = factories.customer("Aarhus A/S", "DK", owner=sales_manager)
    cfo = person_save(customer=customer, name="Mette", job_title="CFO")
    clients, bodies = [], []
    for title in ("CEO", "COO"):
        client = Client()
        client.force_login(sales_manager)
        page = client.get(f"/people/{cfo.pk}").content.decode()
        clients.append(client)
        bodies.append(person_body(page, job_title=title))

    def submit(index: int):
        return lambda: clients[index].post(f"/people/{cfo.pk}", bodies[index])

    responses = at_once(submit(0), submit(1))
    assert sorted(response.status_code for response in responses) == [302, 400]
    shown = max(responses, key=lambda response: response.status_code)
    cfo.refresh_from_db()
    mine = "COO" if cfo.job_title == "CEO" else "CEO"
    assert f"Saved by someone else meanwhile: {cfo.job_title}; yours: {mine}." in (
        shown.content.decode()
    )


def test_a_delete_of_a_step_changed_since_the_page_was_shown_deletes_nothing_and_says_what(
    sales_client, customer
):
    step = decision_step_save(customer=customer, title="Board", date=datetime.date(2027, 3, 12))
    shown = shown_form(sales_client, f"/steps/{step.pk}")
    decision_step_save(step=step, customer=customer, title="Board meeting")

    refused = sales_client.post(f"/steps/{step.pk}", {**shown, "delete": "1"})

    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Nothing was deleted: someone else changed this since you opened it" in text
    assert "Changed by someone else meanwhile, now: Board meeting." in text
    assert DecisionStep.objects.get().title == "Board meeting"
    # Deleting again from the page as now shown deletes it.
    again = {**shown, "version": hidden(text, "version"), "delete": "1"}
    assert sales_client.post(f"/steps/{step.pk}", again).status_code == 302
    assert not DecisionStep.objects.exists()


def test_a_delete_of_a_record_unchanged_since_the_page_was_shown_deletes_it(sales_client, customer):
    rival = competitor_save(customer=customer, name="Rival A/S")
    shown = shown_form(sales_client, f"/competitors/{rival.pk}")
    assert (
        sales_client.post(f"/competitors/{rival.pk}", {**shown, "delete": "1"}).status_code == 302
    )
    assert not Competitor.objects.exists()


def test_a_delete_of_a_record_changed_meanwhile_on_the_record_page_deletes_nothing(
    sales_client, customer
):
    rival = competitor_save(customer=customer, name="Rival A/S")
    shown = shown_form(sales_client, f"/competitors/{rival.pk}")
    competitor_save(competitor=rival, customer=customer, name="Rival Group")

    refused = sales_client.post(f"/competitors/{rival.pk}", {**shown, "delete": "1"})

    assert refused.status_code == 400
    assert "Changed by someone else meanwhile, now: Rival Group." in refused.content.decode()
    assert Competitor.objects.get().name == "Rival Group"


def test_a_delete_of_a_record_deleted_meanwhile_is_the_gone_page(sales_client, customer):
    rival = competitor_save(customer=customer, name="Rival A/S")
    shown = shown_form(sales_client, f"/competitors/{rival.pk}")
    Competitor.objects.all().delete()
    assert (
        sales_client.post(f"/competitors/{rival.pk}", {**shown, "delete": "1"}).status_code == 404
    )
