"""The lost-deal story through the API: after the call, people, risk and dates tell what was said.

A contact tells us on a call (1 Dec 2026) that the CFO left on 30 Nov, a new CFO started whom
we have not met, the budget now closes in March instead of December, and they evaluate a
competitor, starting 14 days after our notice deadline; we agree to follow up on 24 Dec.
"""

import datetime

import pytest

from customers.decisions import decision_step_save
from customers.models import Person
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def kalmar(sales_manager, clock):
    """A Swedish customer whose CFO we met in October, with Eva, our champion, in IT, and a
    contract whose evaluation starts 14 days after its notice deadline."""
    clock.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC))
    customer = factories.customer("Kalmar AB", "SE", owner=sales_manager, budget_close_month=12)
    cfo = person_save(
        customer=customer, name="Per", job_title="CFO", decision_role="economic_buyer"
    )
    eva = person_save(customer=customer, name="Eva", reports_to=cfo, stance="champion")
    touchpoint_log(customer=customer, date=D(2026, 10, 20), channel="visit", people=[cfo, eva])
    cloud = factories.contract(customer, D(2027, 6, 30), name="Cloud", notice_period_days=90)
    evaluation = cloud.notice_deadline + datetime.timedelta(days=14)
    decision_step_save(customer=customer, contract=cloud, title="Evaluation", date=evaluation)
    return customer


def test_after_the_call_the_risk_map_pickers_and_follow_up_tell_what_was_said(sales_client, kalmar):
    per, eva = kalmar.people.get(name="Per"), kalmar.people.get(name="Eva")
    before = sales_client.get(f"/api/customers/{kalmar.pk}/risk").json()
    window = {"customer": kalmar.pk, "kind": "budget_close", "start": "2026-12-01"}
    window["end"] = "2027-12-31"
    budget = sales_client.get("/api/occurrences", window).json()["results"]
    assert [o["end"] for o in budget] == ["2026-12-31", "2027-12-31"]
    assert [signal["code"] for signal in before["signals"]] == ["late_evaluation"]
    assert "after the notice deadline on Cloud" in before["signals"][0]["text"]

    response = sales_client.post(
        "/api/touchpoints",
        {
            "customer": kalmar.pk,
            "date": "2026-12-01",
            "channel": "phone",
            "people": [eva.pk],
            "changes": [{"topic": "people", "text": "Per left; Lars is the new CFO."}],
            "people_updates": [{"id": per.pk, "left_on": "2026-11-30"}],
            "new_people": [
                {"name": "Lars", "job_title": "CFO", "decision_role": "economic_buyer",
                 "met": False},
            ],
            "customer_updates": {"budget_close_month": 3},
            "outcome": "follow_up",
            "follow_up_on": "2026-12-24",
        },
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    touch = response.json()
    assert touch["people"] == [eva.pk]  # Lars was only heard of
    assert [w["code"] for w in touch["warnings"]] == ["people_away"]
    assert "Christmas Eve (de facto)" in touch["warnings"][0]["text"]
    response = sales_client.post(
        "/api/competitors",
        {"customer": kalmar.pk, "name": "Rival Cloud", "noted_on": "2026-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()

    # The budget advice follows at once: the close is in March now, and the history says why.
    budget = sales_client.get("/api/occurrences", window).json()["results"]
    assert [o["end"] for o in budget] == ["2027-03-31"]
    [moved] = sales_client.get(f"/api/customers/{kalmar.pk}/history").json()["results"]
    assert (moved["field"], moved["old"], moved["new"]) == ("budget_close_month", "12", "3")
    assert moved["touchpoint"] == touch["id"]

    risk = sales_client.get(f"/api/customers/{kalmar.pk}/risk").json()
    codes = [signal["code"] for signal in risk["signals"]]
    assert codes == ["competitor_considered", "no_decider_met", "late_evaluation"]
    assert risk["level"] == "high"
    assert risk["signals"][1]["text"] == (
        "Nobody who decides or holds the budget met in the last 90 days."
    )
    assert Person.objects.get(name="Lars").decision_role == "economic_buyer"
    # Per stays on record, in the API and on the old touch, but leaves the map and the pickers.
    assert sales_client.get(f"/api/people/{per.pk}").json()["left_on"] == "2026-11-30"
    page = sales_client.get(f"/customers/{kalmar.pk}")
    assert [node.person.name for node in page.context["decision_map"]] == ["Eva", "Lars"]
    assert "reported to Per, left Nov 2026" in page.content.decode()
    form = sales_client.get(f"/customers/{kalmar.pk}/touches/new").context["form"]
    assert [p.name for p in form.fields["people"].queryset] == ["Eva", "Lars"]
