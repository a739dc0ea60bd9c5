"""A remembered calendar is renewed by what an edit touched, and always equals a cold rebuild.

After any sequence of writes, through the write functions, the API and the admin, every
cached answer (the calendar of each question, the check of a draft, the best-date finder,
the all-customers feed in slices, each customer's page) is what a process that remembered
nothing would answer.
"""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendarapp.feeds import feeds, slices
from calendarapp.imports.ics import import_ics
from calendarapp.kinds import ALL_KINDS
from calendarapp.models import Plan, PlanKind
from calendarapp.occurrences.stream import RECENT_CALENDARS, calendar_between
from calendarapp.planning.check import Matcher, check_plan
from calendarapp.planning.drafts import Draft
from calendarapp.planning.services import plan_save
from calendarapp.planning.suggest import suggest_dates
from customers.decisions import contract_save, decision_step_save
from customers.facts import customer_facts_save
from customers.interests import interests_note, strategy_save
from customers.models import Customer, DecisionStep, Person, Touchpoint
from customers.services import person_save, touchpoint_log
from tests import factories
from tests.support import page_html, process_memory_forget, shown_form
from traditions.models import Tradition
from traditions.services import tradition_save

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = (D(2026, 1, 1), D(2026, 12, 31))
DRAFT = Draft(
    kind=PlanKind.EVENT, start=D(2026, 10, 5), end=D(2026, 10, 6), countries=frozenset({"DK", "DE"})
)


# A form's CSRF token is masked anew for every request.
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def forget_calendars():
    cache.clear()


@pytest.fixture
def team(every_source, sales_manager, calendar_admin, monkeypatch):
    """Danes with everything, a German and a Bavarian customer, an API and an admin client;
    the all-customers feed in slices of two customers."""
    monkeypatch.setattr(slices, "BLOCK", 2)
    factories.customer("Köln GmbH", "DE", owner=sales_manager)
    factories.customer("München GmbH", "DE", subdivision="BY")
    api, admin, owner_reads, admin_reads = Client(), Client(), Client(), Client()
    api.force_login(sales_manager)
    admin.force_login(calendar_admin)
    # Pages are read by clients of their own: the admin's "changed" message stays out of them.
    owner_reads.force_login(sales_manager)
    admin_reads.force_login(calendar_admin)

    def forget() -> None:
        process_memory_forget(monkeypatch)
        cache.clear()

    return {
        "user": sales_manager,
        "api": api,
        "admin": admin,
        "readers": (owner_reads, admin_reads),
        "forget": forget,
    }


def questions():
    return [
        {},
        {"kinds": ALL_KINDS},
        {"customers": Customer.objects.filter(country="DK", active=True)},
        {"countries": ["DK"]},
        {"customers": Customer.objects.filter(name__startswith="Aarhus"), "include_plans": False},
    ]


def feed_body(user, kinds=None) -> bytes:
    feed = feeds.FEEDS["all-customers"]
    version = feed.version(None, user, kinds)
    return b"".join(feed.body(None, user, kinds, version).parts)


def customer_pages(team) -> list[bytes]:
    """Each customer's page as the sales manager (who owns some) and as a calendar admin."""
    return [
        CSRF_TOKEN.sub(b"", client.get(f"/customers/{pk}").content)
        for client in team["readers"]
        for pk in Customer.objects.order_by("pk").values_list("pk", flat=True)
    ]


# The pages drawn from remembered calendars: a year of the timeline by owner (every kind, so
# next touches too) and Today.
CALENDAR_PAGES = ["/?range=year&start=2026-01-01&group=owner", "/today/"]


def answers(team) -> list[object]:
    """Every cached answer: each question's calendar, a check, the best-date finder, a feed,
    the customer pages, the timeline and Today."""
    user = team["user"]
    # With every kind, next touches too: they step around their country's days.
    found: list[object] = [feed_body(user), feed_body(user, frozenset(ALL_KINDS))]
    for question in questions():
        calendar = calendar_between(*YEAR, **question)
        found.append((calendar.customers, calendar.occurrences))
    found.append(check_plan(DRAFT))
    found.append(suggest_dates(DRAFT, today=D(2026, 6, 1)))
    found += customer_pages(team)
    found += [page_html(client, path) for client in team["readers"] for path in CALENDAR_PAGES]
    return found


def pick(index: int):
    customers = list(Customer.objects.order_by("pk"))
    return customers[index % len(customers)]


def budget_month(team, index, value):
    customer = pick(index)
    customer_facts_save(customer=customer, by=team["user"], budget_close_month=value % 12 + 1)


def touch(team, index, value):
    customer = pick(index)
    # An interest heard on a touch (odd values) moves the plans that target it.
    heard = [{"interest": "cloud", "strength": "evaluating"}] if value % 2 else []
    touchpoint_log(
        customer=customer, date=D(2026, 5, 1 + value % 28), channel="phone", interests=heard
    )


def touch_through_the_api(team, index, value):
    """A touch that learns the budget month (a fact) on the way, as the API logs it."""
    customer = pick(index)
    body = {
        "customer": customer.pk,
        "date": f"2026-05-{1 + value % 28:02}",
        "channel": "phone",
        "customer_updates": {"budget_close_month": 1 + value % 12},
    }
    response = team["admin"].post("/api/touchpoints", body, content_type="application/json")
    assert response.status_code == 201, response.content


def own_tradition(team, index, value):
    tradition_save(
        customer=pick(index),
        kind=["vacation", "customer_event", "busy_season"][value % 3],
        title=f"Own {value}",
        start=D(2026, 10, 1 + value % 20),
        end=D(2026, 10, 3 + value % 20),
    )


def own_tradition_through_the_api(team, index, value):
    body = {
        "customer": pick(index).pk,
        "kind": "vacation",
        "title": f"Away {value}",
        "start": f"2026-10-{1 + value % 20:02}",
        "end": f"2026-10-{2 + value % 20:02}",
        "recurrence": "RRULE:FREQ=YEARLY" if value % 2 else "",
    }
    response = team["admin"].post("/api/traditions", body, content_type="application/json")
    assert response.status_code == 201, response.content


def interest_noted(team, index, value):
    notes = [{"interest": "cloud" if value % 2 else "security", "strength": "evaluating"}]
    interests_note(customer=pick(index), notes=notes, on=D(2026, 6, 1))


def contract(team, index, value):
    contract_save(customer=pick(index), name=f"Deal {value}", end_date=D(2027, 1 + value % 12, 1))


def local_tradition(team, index, value):
    tradition_save(
        customer=None,
        country=["DK", "DE"][index % 2],
        kind="busy_season",
        title=f"Season {value}",
        start=D(2026, 10, 1 + value % 20),
        end=D(2026, 10, 2 + value % 20),
    )


def plan_moved(team, index, value):
    plan = Plan.objects.order_by("pk").first()
    day = D(2026, 10, 1 + value % 20)
    plan_save(
        plan=plan,
        owner=plan.owner,
        kind=plan.kind,
        title=plan.title,
        start=day,
        end=day,
        countries=["DK"] if value % 2 else [],
        interests=plan.interests.all(),
    )


def moved_country_through_the_api(team, index, value):
    customer = pick(index)
    response = team["admin"].patch(
        f"/api/customers/{customer.pk}",
        {"country": ["DK", "DE", "SE"][value % 3], "subdivision": ""},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


def tradition_renamed_in_the_admin(team, index, value):
    tradition = Tradition.objects.filter(customer=None).order_by("pk").first()
    if tradition is None:
        local_tradition(team, index, value)
        tradition = Tradition.objects.get(customer=None)
    url = reverse("admin:traditions_localtradition_change", args=[tradition.pk])
    form = team["admin"].get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(title=f"Renamed {value}", start=data["start"], end=data["end"])
    response = team["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def regional_import(team, index, value):
    """An .ics file imported for a whole country: its events join every customer there."""
    day = D(2026, 10, 1 + value % 20)
    event = f"UID:fair-{value}\r\nDTSTART;VALUE=DATE:{day:%Y%m%d}\r\nSUMMARY:Fair {value}"
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        f"BEGIN:VEVENT\r\n{event}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    country = ["DK", "DE"][index % 2]
    import_ics(name=f"Fairs {country}", kind="customer_event", country=country, data=data)


def budget_month_in_the_admin(team, index, value):
    customer = pick(index)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    data = shown_form(team["admin"], url)
    data["budget_close_month"] = str(1 + value % 12)
    response = team["admin"].post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def person_renamed(team, index, value):
    customer = pick(index)
    person = Person.objects.filter(customer=customer).first()
    person_save(person=person, customer=customer, name=f"Person {value}", job_title=f"CFO {value}")


def strategy_noted(team, index, value):
    strategy_save(customer=pick(index), title=f"Strategy {value}", noted_on=D(2026, 5, 1))


def step_people_added_in_sql(team, index, value):
    """Only a row of who takes part: the step itself is not written."""
    customer = pick(index)
    step = DecisionStep.objects.filter(customer=customer).first() or decision_step_save(
        customer=customer, title=f"Step {value}", date=D(2026, 11, 2)
    )
    step.people.add(person_save(customer=customer, name=f"Approver {value}"))


def our_people_changed_in_sql(team, index, value):
    """Only who of ours was at a touch: the touch itself is not written."""
    customer = pick(index)
    touch = Touchpoint.objects.filter(customer=customer).first() or touchpoint_log(
        customer=customer, date=D(2026, 5, 2), channel="phone"
    )
    ours = [team["user"]] if value % 2 else [Customer.objects.get(pk=customer.pk).owner]
    touch.our_people.set([user for user in ours if user is not None] or [team["user"]])


def user_renamed(team, index, value):
    """The sales manager's name shows as the account owner and on touches."""
    type(team["user"]).objects.filter(pk=team["user"].pk).update(first_name=f"Sam {value}")


def deactivated(team, index, value):
    customer = pick(index)
    Customer.objects.filter(pk=customer.pk).update(active=not customer.active)


# Write functions, the API, the admin and a raw update, over every source: facts, touches
# (and interests heard on them), own and local traditions, contracts, plans, regional imports.
EDITS = [
    budget_month,
    touch,
    interest_noted,
    contract,
    own_tradition,
    local_tradition,
    regional_import,
    plan_moved,
    moved_country_through_the_api,
    touch_through_the_api,
    own_tradition_through_the_api,
    tradition_renamed_in_the_admin,
    budget_month_in_the_admin,
    deactivated,
    person_renamed,
    strategy_noted,
    step_people_added_in_sql,
    our_people_changed_in_sql,
    user_renamed,
]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(EDITS), st.integers(0, 5), st.integers(0, 50)),
        min_size=1,
        max_size=5,
    )
)
def test_after_any_edits_every_cached_answer_equals_a_cold_rebuild(team, edits):
    answers(team)  # remembered before the edits
    for edit, index, value in edits:
        edit(team, index, value)
        cached = answers(team)
        team["forget"]()
        assert cached == answers(team), edit.__name__


def test_an_edit_of_one_customer_renews_only_that_customer(team, django_assert_max_num_queries):
    calendar = calendar_between(*YEAR, kinds=ALL_KINDS)
    aarhus = Customer.objects.get(name__startswith="Aarhus")
    touchpoint_log(customer=aarhus, date=D(2026, 6, 2), channel="phone")
    renewed = calendar_between(*YEAR, kinds=ALL_KINDS)
    assert renewed is not calendar
    others = [o for o in calendar.occurrences if o.customer_id not in {aarhus.pk, None}]
    # The other customers' occurrences are the very same objects: nothing of theirs was read.
    assert all(any(o is r for r in renewed.occurrences) for o in others)
    assert calendar_between(*YEAR, kinds=ALL_KINDS) is renewed


def test_an_edit_of_one_customer_renders_only_their_slice_of_the_all_customers_feed(team):
    user = team["user"]
    feed_body(user)
    manifest_key = f"feed-slices:{feeds.FEEDS['all-customers'].version(None, user, None).base_key}"
    before = cache.get(manifest_key).keys
    aarhus = Customer.objects.get(name__startswith="Aarhus")
    touchpoint_log(customer=aarhus, date=D(2026, 6, 2), channel="phone")
    customer_facts_save(customer=aarhus, by=user, budget_close_month=2)
    body = feed_body(user)
    after = cache.get(manifest_key).keys
    assert before.keys() == after.keys()
    assert {name for name in after if after[name] != before[name]} == {
        f"block-{aarhus.pk // slices.BLOCK}"
    }
    cache.clear()
    assert feed_body(user) == body


def test_a_check_after_an_edit_judges_again_only_what_changed(team, monkeypatch):
    check_plan(DRAFT)
    judged_whole = []
    judge = Matcher._judged
    monkeypatch.setattr(
        Matcher, "_judged", lambda self, *args: judged_whole.append(args) or judge(self, *args)
    )
    aarhus = Customer.objects.get(name__startswith="Aarhus")
    tradition_save(
        customer=aarhus, kind="vacation", title="Away", start=D(2026, 10, 5), end=D(2026, 10, 9)
    )
    patched = check_plan(DRAFT)
    assert not judged_whole
    assert any(finding.title == "Away" for finding in patched.findings)
    RECENT_CALENDARS.clear()
    assert patched == check_plan(DRAFT)


@pytest.mark.parametrize("edit", EDITS, ids=lambda edit: edit.__name__)
def test_each_kind_of_edit_twice_leaves_every_cached_answer_equal_to_a_cold_rebuild(team, edit):
    """Each path at least once, whatever the property test above happens to draw."""
    before = answers(team)
    for index, value in [(1, 1), (2, 5)]:
        edit(team, index, value)
        cached = answers(team)
        assert cached != before, "the edit changed no answer: it tests nothing"
        before = cached
        team["forget"]()
        assert cached == answers(team)
