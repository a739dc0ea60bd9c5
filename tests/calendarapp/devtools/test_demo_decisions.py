"""The demo shows how customers decide: a map with stances, steps with a finding, one high risk."""

import datetime

import pytest
import time_machine

from calendarapp.devtools.demo import load_demo
from calendarapp.occurrences.decision_checks import risks, step_findings
from customers.models import Competitor, Customer, DecisionFactor, DecisionStep, PersonChange

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def demo():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)):
        load_demo(today=TODAY)
        yield


def test_one_demo_customer_is_high_risk_and_one_has_a_step_after_its_notice_deadline(demo):
    names = dict(Customer.objects.values_list("id", "name"))
    found = {names[pk]: risk for pk, risk in risks(Customer.objects.all(), TODAY).items()}
    assert found["Havfrue Shipping ApS"].level == "high"
    # Well covered, but they consider ShopCloud Nordic, noted 60 days ago.
    assert [s.code for s in found["Nordlys Retail A/S"].signals] == ["competitor_considered"]
    nordlys = Customer.objects.get(name="Nordlys Retail A/S")
    findings = step_findings(Customer.objects.filter(pk=nordlys.pk), TODAY)[nordlys.pk]
    assert any("Board approval" in f.text and "Cloud platform licence" in f.text for f in findings)
    assert nordlys.people.filter(stance="champion", decision_role="evaluates").exists()


def test_loading_the_demo_again_doubles_no_step_factor_competitor_or_change(demo):
    counts = [m.objects.count() for m in (DecisionStep, DecisionFactor, Competitor, PersonChange)]
    load_demo(today=TODAY)
    again = [m.objects.count() for m in (DecisionStep, DecisionFactor, Competitor, PersonChange)]
    assert again == counts
    assert all(counts)
