"""The customer page's decision map, steps, findings, competitors and risk; the step form."""

import datetime
import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from customers.decisions import competitor_save, decision_factor_save, decision_step_save
from customers.models import DecisionStep
from customers.services import person_save, touchpoint_log
from tests import factories
from tests.support import shown_form

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales_manager, clock):
    clock.move_to(D(2027, 1, 10))
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


@pytest.fixture
def owner_client(client, sales_manager, customer):
    client.force_login(sales_manager)
    return client


@pytest.fixture
def cloud(customer):
    """Notice on the Cloud contract is due 1 Mar 2027."""
    return factories.contract(customer, D(2027, 5, 31), name="Cloud", notice_period_days=91)


def test_the_map_shows_part_and_stance_in_words_last_touch_and_who_was_not_met(
    owner_client, customer
):
    ceo = person_save(customer=customer, name="Mette", job_title="CEO", decision_role="decides")
    cfo = person_save(
        customer=customer, name="Ole", job_title="CFO", reports_to=ceo, stance="supporter"
    )
    person_save(person=cfo, customer=customer, stance="sceptic")
    touchpoint_log(customer=customer, date=D(2026, 12, 1), channel="visit", people=[cfo])
    page = owner_client.get(f"/customers/{customer.pk}").content.decode()
    assert "Decision map" in page
    assert 'class="stance stance-sceptic">Sceptic</span>' in page
    assert "stance to us changed from supporter to sceptic on 10 Jan 2027" in page.replace(
        "Stance", "stance"
    )
    assert "last touch 1 Dec 2026" in page
    assert "⚠ Not met in 90 days" in page  # Mette, never met
    # Ole is drawn inside Mette's branch.
    assert page.index("Mette") < page.index("Ole")


def test_a_step_after_the_notice_deadline_is_a_finding_on_the_page(owner_client, customer, cloud):
    decision_step_save(
        customer=customer, contract=cloud, title="Board approval", date=D(2027, 3, 12)
    )
    page = owner_client.get(f"/customers/{customer.pk}").content.decode()
    assert (
        "Board approval on 12 Mar 2027, but notice on the Cloud contract is due 1 Mar 2027." in page
    )


def test_the_page_shows_high_risk_with_its_signals_and_questions(owner_client, customer):
    competitor_save(customer=customer, name="Rival", incumbent=True, offering="Cloud hosting")
    page = owner_client.get(f"/customers/{customer.pk}").content.decode()
    assert "⚠ High risk" in page
    assert "Rival sells to them now" in page
    assert "Whom else do they consider" in page
    assert "incumbent</span>" in page


def test_another_sales_manager_reads_the_map_but_gets_no_edit_links(client, customer, cloud):
    decision_step_save(customer=customer, title="Evaluation", date=D(2027, 2, 1))
    client.force_login(factories.user("jonas", "Sales managers"))
    page = client.get(f"/customers/{customer.pk}").content.decode()
    assert "How they decide" in page and "Evaluation" in page
    assert "Add a step" not in page and "Add someone to the map" not in page
    step = DecisionStep.objects.get()
    assert client.get(f"/steps/{step.pk}").status_code == 403
    assert client.get(f"/customers/{customer.pk}/steps/new").status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_the_page_costs_the_same_queries_however_many_people_steps_and_competitors(
    owner_client, customer, cloud, count, django_assert_num_queries
):
    boss = person_save(customer=customer, name="Boss", decision_role="decides")
    for i in range(count):
        person = person_save(customer=customer, name=f"P{i}", reports_to=boss, stance="neutral")
        touchpoint_log(customer=customer, date=D(2026, 12, 1), channel="visit", people=[person])
        decision_step_save(
            customer=customer, title=f"Step {i}", date=D(2027, 3, 2), people=[person]
        )
        decision_factor_save(customer=customer, name=f"Factor {i}", weight=3)
        competitor_save(customer=customer, name=f"Rival {i}")
    with django_assert_num_queries(42):  # 41 and the steps' people
        assert owner_client.get(f"/customers/{customer.pk}").status_code == 200
    # Again with nothing changed: the page is remembered, and the change log asked once.
    with django_assert_num_queries(5):
        assert owner_client.get(f"/customers/{customer.pk}").status_code == 200


def test_the_owner_adds_a_repeating_step_on_the_second_tuesday(owner_client, customer, cloud):
    response = owner_client.post(
        f"/customers/{customer.pk}/steps/new",
        {"title": "Committee meeting", "contract": cloud.pk, "date": "2027-02-09",
         "repeats": "monthly_weekday"},
    )  # fmt: skip
    assert response.status_code == 302
    step = DecisionStep.objects.get()
    assert step.rule_text == "RRULE:FREQ=MONTHLY;BYDAY=2TU"


def test_the_owner_adds_a_step_repeating_until_a_day(owner_client, customer):
    response = owner_client.post(
        f"/customers/{customer.pk}/steps/new",
        {"title": "Budget round", "date": "2027-02-09", "repeats": "custom",
         "rule": "RRULE:FREQ=YEARLY;UNTIL=20300209"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    assert DecisionStep.objects.get().rule_text == "RRULE:FREQ=YEARLY;UNTIL=20300209"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Board"}, "date"),
        ({"title": "Board", "date": "2027-3-12"}, "date"),
        ({"title": "Board", "date": "2027-03-12", "repeats": "custom"}, "rule"),
        (
            {"title": "Board", "date": "2027-03-12", "repeats": "custom", "rule": "RRULE:FREQ=NO"},
            "rule",
        ),  # fmt: skip
        ({"title": "Board", "repeats": "monthly_weekday"}, "date"),
    ],
)
def test_a_bad_step_is_a_form_error_naming_the_field_and_saves_nothing(
    owner_client, customer, data, field
):
    response = owner_client.post(f"/customers/{customer.pk}/steps/new", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not DecisionStep.objects.exists()


def test_the_owner_marks_a_step_done_and_its_finding_goes(owner_client, customer, cloud):
    step = decision_step_save(
        customer=customer, contract=cloud, title="Board approval", date=D(2027, 3, 12)
    )
    form = owner_client.get(f"/steps/{step.pk}").context["form"]
    assert form.initial["title"] == "Board approval"
    response = owner_client.post(
        f"/steps/{step.pk}",
        {"title": "Board approval", "contract": cloud.pk, "date": "2027-03-12", "done": "on"},
    )
    assert response.status_code == 302
    page = owner_client.get(f"/customers/{customer.pk}").content.decode()
    assert "but notice on the Cloud contract" not in page
    assert "✓ done" in page


def test_the_person_form_sets_part_stance_influence_and_stake(owner_client, customer):
    response = owner_client.post(
        f"/customers/{customer.pk}/people/new",
        {"name": "Mette", "decision_role": "economic_buyer", "stance": "champion",
         "influence": "high", "personal_stake": "Her bonus depends on uptime", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    mette = customer.people.get()
    assert (mette.decision_role, mette.stance, mette.influence) == (
        "economic_buyer",
        "champion",
        "high",
    )
    assert mette.changes.count() == 4


def test_the_timeline_marks_a_high_risk_customer_and_not_a_covered_one(owner_client, customer):
    covered = factories.customer("Bornholm A/S", "DK")
    boss = person_save(customer=covered, name="Kim", decision_role="decides", stance="champion")
    touchpoint_log(customer=covered, date=D(2027, 1, 5), channel="visit", people=[boss])
    competitor_save(customer=customer, name="Rival", incumbent=True)
    page = owner_client.get("/").content.decode()
    row_of = {name: page[page.index(name) : page.index("</th>", page.index(name))] for name in
              ("Aarhus A/S", "Bornholm A/S")}  # fmt: skip
    assert "⚠ high risk" in row_of["Aarhus A/S"]
    assert "high risk" not in row_of["Bornholm A/S"]


def test_a_step_is_in_the_customers_feed(client, customer, sales_manager):
    step = decision_step_save(customer=customer, title="Board approval", date=D(2027, 3, 12))
    out = io.StringIO()
    call_command("feed_url", sales_manager.username, "--customer", str(customer.pk), stdout=out)
    path = urlsplit(out.getvalue().strip()).path
    body = b"".join(client.get(path).streaming_content).decode()
    assert f"UID:step-{step.pk}@" in body
    assert "Board approval" in body


def test_the_owner_adds_edits_and_deletes_a_factor_and_a_competitor(owner_client, customer):
    response = owner_client.post(
        f"/customers/{customer.pk}/factors/new", {"name": "Transport", "weight": "4", "note": ""}
    )
    assert response.status_code == 302
    factor = customer.decision_factors.get()
    response = owner_client.post(
        f"/customers/{customer.pk}/competitors/new",
        {"name": "Rival", "incumbent": "on", "offering": "Trucks", "noted_on": "2026-12-01"},
    )
    assert response.status_code == 302
    rival = customer.competitors.get()
    assert rival.incumbent and rival.noted_on == D(2026, 12, 1)
    page = owner_client.get(f"/customers/{customer.pk}").content.decode()
    assert "Transport" in page and "4/5" in page and "Rival" in page
    owner_client.post(f"/factors/{factor.pk}", {"name": "Transport", "weight": "2"})
    factor.refresh_from_db()
    assert factor.weight == 2
    assert owner_client.post(f"/competitors/{rival.pk}", {"delete": "1"}).status_code == 302
    assert not customer.competitors.exists()


@pytest.mark.parametrize("weight", ["0", "6", "heavy"])
def test_a_weight_outside_one_to_five_is_a_form_error_and_saves_nothing(
    owner_client, customer, weight
):
    response = owner_client.post(
        f"/customers/{customer.pk}/factors/new", {"name": "Price", "weight": weight}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["weight"]
    assert not customer.decision_factors.exists()


def test_a_second_factor_of_the_same_name_is_refused(owner_client, customer):
    decision_factor_save(customer=customer, name="Price", weight=5)
    response = owner_client.post(
        f"/customers/{customer.pk}/factors/new", {"name": "Price", "weight": "3"}
    )
    assert response.status_code == 400
    assert "already has a factor of that name" in response.content.decode()
    assert customer.decision_factors.count() == 1


def test_another_sales_manager_may_not_open_the_factor_or_competitor_forms(client, customer):
    factor = decision_factor_save(customer=customer, name="Price", weight=5)
    client.force_login(factories.user("jonas", "Sales managers"))
    assert client.get(f"/factors/{factor.pk}").status_code == 403
    assert client.post(f"/factors/{factor.pk}", {"delete": "1"}).status_code == 403
    assert client.get(f"/customers/{customer.pk}/competitors/new").status_code == 403


def test_the_owner_deletes_a_step(owner_client, customer):
    step = decision_step_save(customer=customer, title="Board", date=D(2027, 3, 12))
    assert owner_client.post(f"/steps/{step.pk}", {"delete": "1"}).status_code == 302
    assert not DecisionStep.objects.exists()


def test_two_people_editing_one_step_on_the_page_each_keep_their_change(
    owner_client, customer, cloud
):
    mette = person_save(customer=customer, name="Mette")
    step = decision_step_save(customer=customer, title="Board", date=D(2027, 2, 1), people=[mette])
    first = shown_form(owner_client, f"/steps/{step.pk}")
    second = shown_form(owner_client, f"/steps/{step.pk}")
    renamed = owner_client.post(f"/steps/{step.pk}", {**first, "title": "Board meeting"})
    assert renamed.status_code == 302
    tied = owner_client.post(f"/steps/{step.pk}", {**second, "contract": str(cloud.pk)})
    assert tied.status_code == 302
    step.refresh_from_db()
    assert (step.title, step.contract, list(step.people.all())) == ("Board meeting", cloud, [mette])
