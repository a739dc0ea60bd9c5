"""The API of how a customer decides: exact fields, bad input a 400 naming the field, owners write."""

import datetime

import pytest

from customers.decisions import decision_factor_save, decision_step_save
from customers.models import Competitor, Contract, DecisionFactor, DecisionStep
from customers.services import person_save
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


@pytest.fixture
def other(db):
    return factories.customer("Bornholm A/S", "DK")


@pytest.fixture
def dated_client(client, sales_manager, clock):
    """The account owner signed in on 3 Mar 2027 (signed in after the clock moved)."""
    clock.move_to(D(2027, 3, 3))
    client.force_login(sales_manager)
    return client


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_people_carry_their_part_stance_influence_and_stake_and_keep_dated_history(
    dated_client, customer
):
    sales_client = dated_client
    response = post(
        sales_client,
        "/api/people",
        {"customer": customer.pk, "name": "Mette", "decision_role": "economic_buyer",
         "stance": "supporter", "influence": "high", "personal_stake": "Wants a calm year-end"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    person = response.json()
    assert person["decision_role"] == "economic_buyer" and person["influence"] == "high"
    patched = sales_client.patch(
        f"/api/people/{person['id']}", {"stance": "sceptic"}, content_type="application/json"
    )
    assert patched.status_code == 200
    history = sales_client.get(f"/api/people/{person['id']}/history").json()["results"]
    assert history[0] == {
        "field": "stance",
        "old_value": "supporter",
        "new_value": "sceptic",
        "changed_on": "2027-03-03",
    }
    assert {change["field"] for change in history} == {
        "decision_role",
        "stance",
        "influence",
        "personal_stake",
    }


def test_the_history_of_a_person_who_does_not_exist_is_the_json_404(sales_client):
    response = sales_client.get("/api/people/999/history")
    assert response.status_code == 404
    assert "detail" in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("decision_role", "king"), ("stance", "hostile"), ("influence", "huge")],
)
def test_an_unknown_role_stance_or_influence_is_a_400_naming_it(
    sales_client, customer, field, value
):
    response = post(
        sales_client, "/api/people", {"customer": customer.pk, "name": "Ole", field: value}
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not customer.people.exists()


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/decision-factors", {"id", "customer", "name", "weight", "note"}),
        (
            "/api/decision-steps",
            {"id", "customer", "contract", "title", "date", "recurrence", "people", "done"},
        ),
        (
            "/api/competitors",
            {
                "id",
                "customer",
                "name",
                "incumbent",
                "offering",
                "value_proposition",
                "strengths",
                "weaknesses",
                "noted_on",
            },
        ),  # fmt: skip
        (
            "/api/contracts",
            {
                "id",
                "customer",
                "name",
                "end_date",
                "notice_period_days",
                "pre_shopping_days",
                "notes",
            },
        ),  # fmt: skip
    ],
)
def test_each_list_shows_exactly_the_issue_fields_and_filters_by_customer(
    sales_client, customer, other, path, fields
):
    for owner in (customer, other):
        decision_factor_save(customer=owner, name="Price", weight=5)
        decision_step_save(customer=owner, title="Board approval", date=D(2027, 3, 12))
        Competitor.objects.create(customer=owner, name="Rival")
        factories.contract(owner, D(2027, 6, 30), name="Cloud")
    response = sales_client.get(f"{path}?customer={customer.pk}")
    assert response.status_code == 200
    (record,) = response.json()["results"]
    assert set(record) == fields
    assert record["customer"] == customer.pk


def test_a_step_repeats_by_an_rrule_and_names_its_contract_and_people(sales_client, customer):
    contract = factories.contract(customer, D(2027, 6, 30), name="Cloud")
    cfo = person_save(customer=customer, name="Mette")
    response = post(
        sales_client,
        "/api/decision-steps",
        {"customer": customer.pk, "contract": contract.pk, "title": "Committee meeting",
         "recurrence": "RRULE:FREQ=MONTHLY;BYDAY=2TU", "people": [cfo.pk]},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    step = response.json()
    assert step["date"] is None
    assert step["recurrence"] == "RRULE:FREQ=MONTHLY;BYDAY=2TU"
    assert step["people"] == [cfo.pk] and step["done"] is False
    detail = sales_client.get(f"/api/decision-steps/{step['id']}").json()
    assert detail == step


def test_a_step_repeating_until_a_day_is_saved_and_its_last_date_is_that_day(
    sales_client, customer
):
    response = post(
        sales_client,
        "/api/decision-steps",
        {"customer": customer.pk, "title": "Budget round", "date": "2026-12-15",
         "recurrence": "RRULE:FREQ=YEARLY;UNTIL=20301215"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    step = DecisionStep.objects.get()
    assert step.rule_text == "RRULE:FREQ=YEARLY;UNTIL=20301215"
    found = sales_client.get(
        "/api/occurrences", {"start": "2029-01-01", "end": "2031-12-31", "kind": "decision_step"}
    ).json()["results"]
    assert [o["start"] for o in found] == ["2029-12-15", "2030-12-15"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Board approval"}, "date"),
        ({"title": "Board", "date": "2027-3-12"}, "date"),
        ({"title": "Board", "recurrence": "RRULE:FREQ=SOMETIMES"}, "recurrence"),
        (
            {"title": "Board", "date": "2027-03-12", "recurrence": "RRULE:FREQ=YEARLY;BYMONTH=4"},
            "recurrence",
        ),  # fmt: skip
        ({"title": "", "date": "2027-03-12"}, "title"),
        # Repeating within a day would flood every calendar showing the customer.
        ({"title": "Stand-up", "recurrence": "RRULE:FREQ=MINUTELY"}, "recurrence"),
        ({"title": "Stand-up", "recurrence": "RRULE:FREQ=HOURLY;INTERVAL=12"}, "recurrence"),
        (
            {"title": "Stand-up", "date": "2027-03-12", "recurrence": "RRULE:FREQ=SECONDLY"},
            "recurrence",
        ),
        # Once in 28 years: every build of the customer's calendar would walk to the next one.
        (
            {
                "title": "Leap board",
                "recurrence": "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
            },
            "recurrence",
        ),
        (
            {
                "title": "Leap board",
                "date": "2036-02-29",
                "recurrence": "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=FR",
            },
            "recurrence",
        ),
        # Never: ISO week 53's Thursday is in December.
        (
            {"title": "Never", "recurrence": "RRULE:FREQ=WEEKLY;BYWEEKNO=53;BYMONTH=1;BYDAY=TH"},
            "recurrence",
        ),
    ],
)
def test_a_bad_step_is_a_400_naming_the_field_and_saves_nothing(
    sales_client, customer, body, field
):
    response = post(sales_client, "/api/decision-steps", {"customer": customer.pk, **body})
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not DecisionStep.objects.exists()


def test_a_step_may_not_name_a_person_or_contract_of_another_customer(
    sales_client, customer, other
):
    stranger = person_save(customer=other, name="Jonas")
    their_contract = factories.contract(other, D(2027, 6, 30))
    body = {"customer": customer.pk, "title": "Board", "date": "2027-03-12"}
    response = post(sales_client, "/api/decision-steps", {**body, "people": [stranger.pk]})
    assert response.status_code == 400
    assert "Jonas" in response.json()["errors"]["people"][0]
    response = post(sales_client, "/api/decision-steps", {**body, "contract": their_contract.pk})
    assert response.status_code == 400
    assert "contract" in response.json()["errors"]
    assert not DecisionStep.objects.exists()


@pytest.mark.parametrize("weight", [0, 6, "heavy"])
def test_a_weight_outside_one_to_five_is_a_400_naming_it(sales_client, customer, weight):
    body = {"customer": customer.pk, "name": "Price", "weight": weight}
    response = post(sales_client, "/api/decision-factors", body)
    assert response.status_code == 400
    assert "weight" in response.json()["errors"]
    assert not DecisionFactor.objects.exists()


def test_factors_competitors_and_contracts_are_written_read_and_deleted(sales_client, customer):
    factor = post(
        sales_client,
        "/api/decision-factors",
        {"customer": customer.pk, "name": "Transport", "weight": 4},
    ).json()
    patched = sales_client.patch(
        f"/api/decision-factors/{factor['id']}", {"note": "Trucks"}, content_type="application/json"
    )
    assert patched.json()["note"] == "Trucks"
    competitor = post(
        sales_client,
        "/api/competitors",
        {"customer": customer.pk, "name": "Rival", "incumbent": True, "noted_on": "2026-05-01"},
    )
    assert competitor.status_code == 201 and competitor.json()["incumbent"] is True
    contract = post(
        sales_client,
        "/api/contracts",
        {"customer": customer.pk, "name": "Cloud", "end_date": "2027-06-30",
         "notice_period_days": 90, "pre_shopping_days": 60},
    )  # fmt: skip
    assert contract.status_code == 400
    assert "pre_shopping_days" in contract.json()["errors"]
    assert not Contract.objects.exists()
    assert sales_client.delete(f"/api/decision-factors/{factor['id']}").status_code == 204
    assert not DecisionFactor.objects.exists()


def test_another_sales_manager_reads_but_may_not_write(client, customer):
    reader = factories.user("jonas", "Sales managers")
    client.force_login(reader)
    factor = decision_factor_save(customer=customer, name="Price", weight=5)
    assert client.get(f"/api/decision-factors/{factor.pk}").status_code == 200
    body = {"customer": customer.pk, "name": "Rival"}
    assert post(client, "/api/competitors", body).status_code == 403
    response = client.patch(
        f"/api/decision-factors/{factor.pk}", {"weight": 1}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.delete(f"/api/decision-factors/{factor.pk}").status_code == 403
    assert client.get(f"/api/customers/{customer.pk}/risk").status_code == 200


def test_a_calendar_admin_writes_any_customers_steps(admin_client, customer):
    body = {"customer": customer.pk, "title": "Board approval", "date": "2027-03-12"}
    assert post(admin_client, "/api/decision-steps", body).status_code == 201


def test_a_record_keeps_its_customer(sales_client, customer, other):
    factor = decision_factor_save(customer=customer, name="Price", weight=5)
    response = sales_client.patch(
        f"/api/decision-factors/{factor.pk}",
        {"customer": other.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "customer" in response.json()["errors"]


def test_the_risk_check_answers_level_signals_and_questions(dated_client, customer):
    sales_client = dated_client
    Competitor.objects.create(customer=customer, name="Rival", incumbent=True)
    response = sales_client.get(f"/api/customers/{customer.pk}/risk")
    assert response.status_code == 200
    risk = response.json()
    assert set(risk) == {"level", "signals", "questions"}
    assert risk["level"] == "high"
    assert [s["code"] for s in risk["signals"]] == ["incumbent", "no_decider_met", "no_champion"]
    assert all(set(s) == {"code", "text"} for s in risk["signals"])
    assert risk["questions"]


def test_the_risk_of_a_customer_that_does_not_exist_is_the_json_404(sales_client):
    assert sales_client.get("/api/customers/999/risk").status_code == 404


def test_the_owner_adds_a_contract_and_a_step_on_it_is_then_a_finding(dated_client, customer):
    sales_client = dated_client
    contract = post(
        sales_client,
        "/api/contracts",
        {"customer": customer.pk, "name": "Cloud", "end_date": "2027-05-31",
         "notice_period_days": 91, "pre_shopping_days": 180},
    )  # fmt: skip
    assert contract.status_code == 201, contract.json()
    step = post(
        sales_client,
        "/api/decision-steps",
        {"customer": customer.pk, "contract": contract.json()["id"], "title": "Board approval",
         "date": "2027-03-12"},
    ).json()  # fmt: skip
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "but notice on the Cloud contract is due 1 Mar 2027" in page
    done = sales_client.patch(
        f"/api/decision-steps/{step['id']}", {"done": True}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["done"] is True
    assert done.json()["title"] == "Board approval"
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "but notice on the Cloud contract" not in page
