"""How a customer decides: steps on bad days, the "just a data point?" check, the decision map."""

import datetime

import pytest
import recurrence
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.occurrences import decision_checks
from calendarapp.occurrences.decision_checks import (
    FINDINGS_DAYS,
    decision_map,
    risks,
    step_findings,
)
from calendarapp.occurrences.stream import calendar_between
from customers.decisions import competitor_save, decision_step_save
from customers.models import Customer, DecisionFactor, Person, Touchpoint
from customers.services import person_save, touchpoint_log
from tests import factories

D = datetime.date
TODAY = D(2027, 1, 10)
pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(db, clock):
    """A Danish customer, on 10 Jan 2027."""
    clock.move_to(TODAY)
    return factories.customer("Acme A/S", "DK")


@pytest.fixture
def cloud(acme):
    """Ends 31 May 2027 with 91 days' notice: notice is due 1 Mar 2027."""
    return factories.contract(acme, D(2027, 5, 31), name="Cloud", notice_period_days=91)


def findings(customer):
    return step_findings(Customer.objects.filter(pk=customer.pk), TODAY).get(customer.pk, [])


def risk(customer, today=TODAY):
    return risks(Customer.objects.filter(pk=customer.pk), today)[customer.pk]


def codes(customer, today=TODAY):
    return [signal.code for signal in risk(customer, today).signals]


def test_a_step_after_its_contracts_notice_deadline_is_a_finding(acme, cloud):
    assert cloud.notice_deadline == D(2027, 3, 1)
    decision_step_save(customer=acme, contract=cloud, title="Board approval", date=D(2027, 3, 12))
    (finding,) = findings(acme)
    assert finding.text == (
        "Board approval on 12 Mar 2027, but notice on the Cloud contract is due 1 Mar 2027."
    )


def test_a_step_before_the_deadline_a_done_step_and_a_step_of_no_contract_are_no_finding(
    acme, cloud
):
    decision_step_save(customer=acme, contract=cloud, title="Evaluation", date=D(2027, 2, 1))
    decision_step_save(
        customer=acme, contract=cloud, title="Board approval", date=D(2027, 3, 12), done=True
    )
    decision_step_save(customer=acme, title="Kick-off", date=D(2027, 3, 12))
    assert findings(acme) == []


def test_a_committee_whose_next_meeting_is_after_the_deadline_is_a_finding_once(acme, cloud):
    # Every six months from 15 Apr 2026: 15 Oct 2026, then 15 Apr 2027, after 1 Mar.
    decision_step_save(
        customer=acme,
        contract=cloud,
        title="Committee meeting",
        date=D(2026, 4, 15),
        recurrence=_rule("RRULE:FREQ=MONTHLY;INTERVAL=6"),
    )
    (finding,) = findings(acme)
    assert finding.day == D(2027, 4, 15)
    assert "Committee meeting on 15 Apr 2027, but notice" in finding.text


def test_a_committee_meeting_before_the_deadline_is_no_finding(acme, cloud):
    decision_step_save(
        customer=acme,
        contract=cloud,
        title="Committee meeting",
        recurrence=_rule("RRULE:FREQ=MONTHLY;BYDAY=2TU"),
    )
    assert findings(acme) == []


def test_a_step_in_the_customers_vacation_or_busy_season_is_a_finding(acme):
    factories.tradition(
        customer=acme, kind="busy_season", title="Year-end rush", start=D(2027, 11, 15),
        end=D(2027, 12, 20),
    )  # fmt: skip
    decision_step_save(customer=acme, title="Board approval", date=D(2027, 12, 1))
    (finding,) = findings(acme)
    assert finding.text.startswith("Board approval on 1 Dec 2027 falls in Year-end rush")


def test_a_step_in_the_countrys_autumn_school_holiday_is_a_finding(danes):
    aarhus = danes[0]
    decision_step_save(customer=aarhus, title="Evaluation", date=D(2027, 10, 20))
    (finding,) = findings(aarhus)
    assert "falls in Autumn school holiday" in finding.text


def test_steps_are_occurrences_of_kind_decision_step_with_stable_ids(acme, cloud):
    one = decision_step_save(customer=acme, title="Board approval", date=D(2027, 3, 12))
    meets = decision_step_save(
        customer=acme, title="Committee", recurrence=_rule("RRULE:FREQ=MONTHLY;BYDAY=2TU")
    )
    calendar = calendar_between(D(2027, 3, 1), D(2027, 4, 30), kinds=["decision_step"])
    ids = sorted(o.id for o in calendar.occurrences)
    assert ids == sorted(
        [f"step-{one.pk}", f"step-{meets.pk}-2027-03-09", f"step-{meets.pk}-2027-04-13"]
    )


# The "are we just a data point?" check, one rule at a time, then together.


@pytest.fixture
def well_covered(acme):
    """A customer with no signal: a champion, a decider met last month, a visit, no incumbent."""
    boss = person_save(customer=acme, name="Mette", decision_role="decides")
    person_save(customer=acme, name="Ole", decision_role="influences", stance="champion")
    touchpoint_log(customer=acme, date=D(2026, 12, 10), channel="visit", people=[boss])
    return acme


def test_a_well_covered_customer_is_low_risk(well_covered):
    assert risk(well_covered).level == "low"
    assert risk(well_covered).signals == []


def test_an_incumbent_competitor_alone_is_a_signal(well_covered):
    competitor_save(customer=well_covered, name="Rival", incumbent=True)
    # Noted more than 180 days ago: no longer what they consider now.
    competitor_save(customer=well_covered, name="Other", noted_on=D(2026, 7, 13))
    assert codes(well_covered) == ["incumbent"]
    assert risk(well_covered).level == "medium"
    assert "Whom else do they consider" in risk(well_covered).questions[0]


def test_a_competitor_they_consider_noted_in_the_last_180_days_alone_is_a_signal(well_covered):
    other = competitor_save(customer=well_covered, name="Other", noted_on=D(2026, 7, 14))
    assert codes(well_covered) == ["competitor_considered"]
    (signal,) = risk(well_covered).signals
    assert signal.text == "They consider Other: we are one offer among others."
    assert risk(well_covered).questions[0].startswith("What do they like in the other offer")
    assert codes(well_covered, D(2027, 1, 11)) == []  # 181 days since it was noted
    competitor_save(competitor=other, customer=well_covered, noted_on=D(2027, 1, 11))
    assert codes(well_covered) == []  # noted tomorrow: not yet


@pytest.mark.parametrize(
    "gone",
    [{"active": False}, {"left_on": TODAY}, {"left_on": D(2026, 12, 31)}],
    ids=["inactive", "left-today", "left-before"],
)
def test_someone_who_left_counts_no_more_as_met_deciding_or_champion(well_covered, gone):
    for person in well_covered.people.all():
        person_save(person=person, customer=well_covered, **gone)
    assert codes(well_covered) == ["no_decider_met", "no_champion"]
    assert risk(well_covered).signals[0].text == (
        "Nobody recorded as deciding or holding the budget."
    )


def test_someone_leaving_tomorrow_still_counts_and_the_day_passes_without_a_save(well_covered):
    for person in well_covered.people.all():
        person_save(person=person, customer=well_covered, left_on=D(2027, 1, 11))
    assert codes(well_covered) == []
    assert codes(well_covered, D(2027, 1, 11)) == ["no_decider_met", "no_champion"]


def test_no_touch_with_a_decider_in_ninety_days_alone_is_a_signal(well_covered):
    # Met on 10 Dec: 90 days later is 10 Mar.
    assert codes(well_covered, D(2027, 3, 10)) == []
    assert codes(well_covered, D(2027, 3, 11)) == ["no_decider_met"]


def test_no_champion_alone_is_a_signal(well_covered):
    ole = well_covered.people.get(name="Ole")
    person_save(person=ole, customer=well_covered, stance="supporter")
    assert codes(well_covered) == ["no_champion"]


def test_an_evaluation_starting_within_sixty_days_of_a_notice_deadline_alone_is_a_signal(
    well_covered, cloud
):
    step = decision_step_save(
        customer=well_covered, contract=cloud, title="Evaluation of offers", date=D(2026, 12, 30)
    )
    assert codes(well_covered) == []  # 61 days before notice is due on 1 Mar: in time
    decision_step_save(step=step, customer=well_covered, date=D(2026, 12, 31))
    assert codes(well_covered) == ["late_evaluation"]
    assert risk(well_covered).signals[0].text == (
        "Evaluation of offers starts 31 Dec 2026, less than 60 days before notice on Cloud is "
        "due (1 Mar 2027): we came in late."
    )


def test_an_evaluation_after_the_notice_deadline_says_so(well_covered, cloud):
    decision_step_save(
        customer=well_covered, contract=cloud, title="Evaluation", date=D(2027, 3, 15)
    )
    assert risk(well_covered).signals[0].text == (
        "Evaluation starts 15 Mar 2027, after the notice deadline on Cloud (1 Mar 2027): "
        "we came in late."
    )


def test_the_last_three_touches_only_by_email_alone_is_a_signal(well_covered):
    boss = well_covered.people.get(name="Mette")
    for day in (D(2026, 12, 20), D(2026, 12, 28)):
        touchpoint_log(customer=well_covered, date=day, channel="email", people=[boss])
    assert codes(well_covered) == []  # the visit is still among the last three
    touchpoint_log(customer=well_covered, date=D(2027, 1, 5), channel="email", people=[boss])
    assert codes(well_covered) == ["email_only"]


def test_every_signal_together_is_high_with_a_question_for_each(acme, cloud):
    competitor_save(customer=acme, name="Rival", incumbent=True)
    competitor_save(customer=acme, name="Challenger")
    decision_step_save(customer=acme, contract=cloud, title="Evaluation", date=D(2027, 2, 1))
    for day in (D(2026, 12, 1), D(2026, 12, 15), D(2027, 1, 5)):
        touchpoint_log(customer=acme, date=day, channel="email")
    result = risk(acme)
    assert [s.code for s in result.signals] == [
        "incumbent",
        "competitor_considered",
        "no_decider_met",
        "no_champion",
        "late_evaluation",
        "email_only",
    ]
    assert result.level == "high"
    assert len(result.questions) == 8  # one per signal, and factors and personal stakes unknown


@given(
    step_day=st.dates(min_value=D(2027, 1, 10), max_value=D(2028, 12, 31)),
    end_date=st.dates(min_value=D(2027, 1, 1), max_value=D(2029, 3, 31)),
    notice_days=st.integers(min_value=0, max_value=400),
)
# No deadline: each example writes rows, and a busy machine makes that slow now and then.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_step_is_late_exactly_when_it_falls_after_its_notice_deadline(
    acme, step_day, end_date, notice_days
):
    # Leap days, year ends and deadlines on either side of the step, within the year ahead.
    cloud = factories.contract(
        acme, end_date, name="Cloud", notice_period_days=notice_days, pre_shopping_days=400
    )
    decision_step_save(customer=acme, contract=cloud, title="Board approval", date=step_day)
    late = [f for f in findings(acme) if "but notice" in f.text]
    in_window = step_day <= TODAY + datetime.timedelta(days=FINDINGS_DAYS)
    assert bool(late) == (in_window and step_day > cloud.notice_deadline)
    cloud.delete()
    acme.decision_steps.all().delete()


def test_the_check_costs_the_same_queries_for_two_and_twenty_customers(
    acme, django_assert_max_num_queries
):
    for size in (2, 20):
        Customer.objects.all().delete()
        for number in range(size):
            customer = factories.customer(f"Customer {number}", "DK")
            person_save(customer=customer, name="Mette", decision_role="decides")
            competitor_save(customer=customer, name="Rival", incumbent=True)
            touchpoint_log(customer=customer, date=D(2026, 1, 5), channel="email")
            decision_step_save(customer=customer, title="Evaluation", date=D(2026, 3, 1))
        # Six for the check, the ids, and where the change log stands before it.
        with django_assert_max_num_queries(9):
            assert len(risks(Customer.objects.all(), D(2026, 2, 1))) == size


def test_a_remembered_check_costs_two_queries_and_an_edit_checks_its_customer_again(
    acme, well_covered, django_assert_num_queries, django_assert_max_num_queries
):
    other = factories.customer("Other A/S", "DK")
    everyone = Customer.objects.order_by("name")
    first = risks(everyone, TODAY)
    assert list(first) == [acme.pk, other.pk]
    with django_assert_num_queries(2):  # the ids, and what the change log says changed
        assert risks(everyone, TODAY) == first
    # An edit through any path renews that customer's risk only, read again by id.
    competitor_save(customer=other, name="Rival", incumbent=True)
    with django_assert_max_num_queries(9):
        renewed = risks(everyone, TODAY)
    assert renewed[acme.pk] is first[acme.pk]
    assert [s.code for s in renewed[other.pk].signals][0] == "incumbent"
    assert renewed == _cold(everyone, TODAY)


@pytest.mark.parametrize(
    "edit",
    ["champion_left", "met_forgotten", "factor", "competitor_raw"],
)
def test_every_table_the_check_reads_renews_a_remembered_risk(well_covered, edit):
    everyone = Customer.objects.all()
    before = risks(everyone, TODAY)
    if edit == "champion_left":
        Person.objects.filter(stance="champion").update(active=False)
    elif edit == "met_forgotten":
        Touchpoint.people.through.objects.all().delete()
    elif edit == "factor":
        DecisionFactor.objects.create(customer=well_covered, name="Price", weight=3)
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO customers_competitor (customer_id, name, incumbent, noted_on, "
                "offering, value_proposition, strengths, weaknesses, updated_at) "
                "VALUES (%s, 'Rival', %s, %s, '', '', '', '', %s)",
                [well_covered.pk, True, TODAY, timezone.now()],
            )
    after = risks(everyone, TODAY)
    assert after == _cold(everyone, TODAY)
    assert after != before


def _cold(customers, today):
    """The check made afresh, as a process that remembers nothing would."""
    decision_checks._KNOWN = None
    return risks(customers, today)


# The decision map.


def test_the_map_draws_people_by_reporting_line_with_last_touch_and_who_was_not_met(acme):
    ceo = person_save(customer=acme, name="Mette", decision_role="decides")
    cfo = person_save(customer=acme, name="Ole", reports_to=ceo, decision_role="economic_buyer")
    person_save(customer=acme, name="Kim", reports_to=cfo, stance="sceptic")
    touchpoint_log(customer=acme, date=D(2026, 12, 1), channel="visit", people=[cfo])
    touchpoint_log(customer=acme, date=D(2026, 9, 1), channel="visit", people=[ceo])
    (root,) = decision_map(acme, TODAY)
    assert root.person == ceo and root.not_met and root.last_touch == D(2026, 9, 1)
    (middle,) = root.reports
    assert middle.person == cfo and not middle.not_met
    assert middle.reports[0].person.name == "Kim" and middle.reports[0].last_touch is None


def test_people_who_left_leave_the_map_and_their_reports_move_up(acme):
    cfo = person_save(customer=acme, name="Ole", decision_role="economic_buyer")
    person_save(customer=acme, name="Kim", reports_to=cfo)
    person_save(customer=acme, name="Ex", active=False)
    person_save(person=cfo, customer=acme, left_on=D(2026, 11, 30))
    (root,) = decision_map(acme, TODAY)
    assert root.person.name == "Kim" and not root.person.manager_here
    # Leaving tomorrow: still on the map today.
    person_save(person=cfo, customer=acme, left_on=D(2027, 1, 11))
    (root,) = decision_map(acme, TODAY)
    assert root.person == cfo and [r.person.name for r in root.reports] == ["Kim"]


@pytest.mark.parametrize("size", [2, 20])
def test_the_map_costs_the_same_queries_however_many_people(acme, size, django_assert_num_queries):
    boss = person_save(customer=acme, name="Boss", decision_role="decides")
    for number in range(size):
        person = person_save(customer=acme, name=f"P{number}", reports_to=boss, stance="neutral")
        touchpoint_log(customer=acme, date=D(2026, 12, 1), channel="visit", people=[person])
    with django_assert_num_queries(2):
        (root,) = decision_map(acme, TODAY)
    assert len(root.reports) == size


def _rule(text):
    return recurrence.deserialize(text)
