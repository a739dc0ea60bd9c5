"""The "This week" reminder: what an owner is told, on the page and in the email."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from calendarapp.models import ReminderPreference
from calendarapp.reminders import digest
from calendarapp.reminders.digest import build_digest, record_snapshots, reminder_message
from calendarapp.roles import SALES_MANAGERS
from tests import factories
from tests.support import ARTIFACTS

D = datetime.date
TODAY = D(2027, 7, 28)  # a Wednesday


def at_eight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, 8, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen")
    )


def texts(items) -> list[str]:
    return [item.text for item in items]


@pytest.fixture
def acme(sales_manager):
    return factories.customer("Acme", "DK", owner=sales_manager, budget_close_month=9)


def test_budget_close_is_reminded_in_the_week_before_its_act_by_day(acme, sales_manager):
    digest = build_digest(sales_manager, TODAY)

    assert texts(digest.act_now) == [
        "Acme's budget closes 30 Sep: get into next year's budget by 1 Aug"
    ]
    [item] = digest.act_now
    assert item.day == D(2027, 8, 1)
    assert item.url == reverse("customer-detail", args=[acme.pk])


@pytest.mark.parametrize(
    ("today", "reminded"),
    [
        (D(2027, 7, 25), False),  # act-by day still more than a week away
        (D(2027, 7, 26), True),
        (D(2027, 8, 1), True),  # the act-by day itself
        (D(2027, 8, 2), False),  # too late to remind
    ],
)
def test_budget_close_reminder_window(acme, sales_manager, today, reminded):
    assert bool(build_digest(sales_manager, today).act_now) is reminded


def test_the_year_is_named_when_it_is_not_this_year(sales_manager):
    factories.customer("Northwind", "DK", owner=sales_manager, budget_close_month=2)

    digest = build_digest(sales_manager, D(2027, 12, 28))

    assert texts(digest.act_now) == [
        "Northwind's budget closes 29 Feb 2028: get into next year's budget by 31 Dec"
    ]


def test_renewal_pre_shopping_and_notice_deadline(acme, sales_manager):
    factories.contract(
        acme, D(2027, 12, 31), name="Licence", notice_period_days=90, pre_shopping_days=120
    )
    factories.contract(acme, D(2027, 11, 30), name="Support", notice_period_days=90)

    digest = build_digest(sales_manager, TODAY)

    assert texts(digest.act_now) == [
        "Acme's budget closes 30 Sep: get into next year's budget by 1 Aug",
        "Acme's notice deadline for Support is 1 Sep: agree the renewal by 2 Aug",
        "Acme's pre-shopping for Licence opens 2 Sep: have your offer ready by 3 Aug",
    ]


def test_customer_events_in_the_next_14_days(acme, sales_manager):
    factories.tradition(
        customer=acme, kind="customer_event", title="Summer party", start=D(2027, 8, 10)
    )
    factories.tradition(customer=acme, kind="customer_event", title="Too far", start=D(2027, 8, 11))
    factories.tradition(
        customer=acme,
        kind="customer_event",
        title="Already running",
        start=D(2027, 7, 27),
        end=D(2027, 7, 29),
    )

    digest = build_digest(sales_manager, TODAY)

    assert texts(digest.events) == ["Acme: Summer party, 10 Aug"]


def test_busy_season_starting_says_hold_back(acme, sales_manager):
    factories.tradition(
        customer=acme,
        kind="busy_season",
        title="Harvest",
        start=D(2024, 8, 5),
        end=D(2024, 9, 30),
        rule="RRULE:FREQ=YEARLY",
    )

    digest = build_digest(sales_manager, TODAY)

    assert texts(digest.seasons) == [
        "Acme: Harvest starts 5 Aug, until 30 Sep: hold back campaigns"
    ]


def test_local_tradition_with_lead_time_names_every_customer_it_concerns(acme, sales_manager):
    factories.customer("Beta", "DK", owner=sales_manager, budget_close_month=12)
    factories.tradition(
        country="DK",
        kind="vacation",
        title="Summer break",
        start=D(2027, 8, 20),
        end=D(2027, 8, 27),
        lead_time_days=20,
    )

    digest = build_digest(sales_manager, TODAY)

    assert "Acme and Beta: Summer break, 20 Aug – 27 Aug: act by 31 Jul" in texts(digest.act_now)
    [item] = [item for item in digest.act_now if "Summer break" in item.text]
    assert item.url == reverse("country-detail", args=["DK"])


def test_only_the_owners_active_customers(acme, sales_manager, calendar_admin):
    factories.customer("Other", "DK", owner=calendar_admin, budget_close_month=9)
    factories.customer("Dormant", "DK", owner=sales_manager, budget_close_month=9, active=False)

    digest = build_digest(sales_manager, TODAY)

    assert texts(digest.act_now) == [
        "Acme's budget closes 30 Sep: get into next year's budget by 1 Aug"
    ]


@pytest.fixture
def planned_event(acme, sales_manager):
    plan = factories.plan(
        kind="event",
        title="Roadshow",
        start=D(2027, 8, 10),
        end=D(2027, 8, 11),
        owner=sales_manager,
        customers=[acme],
    )
    return plan


def add_vacation(customer, start, title="Team offsite"):
    return factories.tradition(customer=customer, kind="vacation", title=title, start=start)


def test_a_vacation_added_over_a_planned_event_is_a_new_conflict(
    acme, sales_manager, planned_event
):
    add_vacation(acme, D(2027, 8, 10))

    digest = build_digest(sales_manager, TODAY)

    [item] = digest.conflicts
    assert item.severity == "blocker"
    assert item.text.startswith("Roadshow: Acme: Team offsite (10 Aug 2027)")
    assert item.url == planned_event.get_absolute_url()


def test_conflicts_already_reminded_of_are_not_new_the_next_day(acme, sales_manager, planned_event):
    add_vacation(acme, D(2027, 8, 10))
    record_snapshots(build_digest(sales_manager, TODAY))

    # The same day (the page after the email) still shows what the email said.
    assert len(build_digest(sales_manager, TODAY).conflicts) == 1
    assert build_digest(sales_manager, TODAY + datetime.timedelta(days=1)).conflicts == []

    add_vacation(acme, D(2027, 8, 11), title="Stocktaking")
    tomorrow = build_digest(sales_manager, TODAY + datetime.timedelta(days=1))
    assert [item.text.split(" (")[0] for item in tomorrow.conflicts] == [
        "Roadshow: Acme: Stocktaking"
    ]


def test_snapshots_no_day_can_need_are_dropped(acme, sales_manager, planned_event):
    add_vacation(acme, D(2027, 8, 10))
    for offset in range(4):
        record_snapshots(build_digest(sales_manager, TODAY + datetime.timedelta(days=offset)))

    days = sorted(planned_event.finding_snapshots.values_list("day", flat=True))
    assert days == [TODAY + datetime.timedelta(days=2), TODAY + datetime.timedelta(days=3)]


def test_email_has_text_and_html_with_links(acme, sales_manager, settings):
    settings.SITE_URL = "https://calendar.example.com"
    digest = build_digest(sales_manager, TODAY)

    message = reminder_message(sales_manager, digest)

    assert message.to == ["sam@example.com"]
    # The budget's act-by day, and the strategy season open since 22 Jul (10 weeks before 30 Sep).
    assert message.subject == "This week: 2 reminders for your customers"
    assert "- Acme's budget closes 30 Sep: get into next year's budget by 1 Aug" in message.body
    assert "- Acme: shaping next year's strategy until 2 Sep" in message.body
    assert "If you could change one thing in your business next year" in message.body
    assert f"https://calendar.example.com/customers/{acme.pk}" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Acme&#x27;s budget closes 30 Sep" in html
    assert f'href="https://calendar.example.com/customers/{acme.pk}"' in html
    assert "https://calendar.example.com/this-week/" in html


@pytest.fixture
def frozen():
    """Freeze today before anyone logs in, so the session is fresh at that time."""
    with time_machine.travel(at_eight(TODAY), tick=False):
        yield TODAY


def test_this_week_page_shows_todays_reminder(frozen, acme, sales_client):
    response = sales_client.get(reverse("this-week"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Acme&#x27;s budget closes 30 Sep: get into next year&#x27;s budget by 1 Aug" in page
    assert "Wednesday 28 July 2027" in page
    assert "Stop reminder emails" in page


def test_this_week_page_with_nothing_to_do(acme, client, sales_manager):
    with time_machine.travel(at_eight(D(2027, 3, 3)), tick=False):
        client.force_login(sales_manager)
        page = client.get(reverse("this-week")).content.decode()

    assert "Nothing needs you this week" in page


def test_reminder_emails_can_be_switched_off_and_on(sales_client, sales_manager):
    response = sales_client.post(reverse("this-week"), {"reminders_enabled": "off"}, follow=True)

    assert not digest.reminders_enabled(sales_manager)
    page = response.content.decode()
    assert "Reminder emails are off" in page
    assert "Email me this list each morning" in page

    sales_client.post(reverse("this-week"), {"reminders_enabled": "on"})
    assert digest.reminders_enabled(sales_manager)
    assert ReminderPreference.objects.filter(user=sales_manager).count() == 1


def test_a_bad_switch_value_is_refused_by_name(sales_client, sales_manager):
    response = sales_client.post(reverse("this-week"), {"reminders_enabled": "maybe"})

    assert response.status_code == 400
    assert "reminders_enabled" in response.content.decode()
    assert digest.reminders_enabled(sales_manager)


def test_an_account_without_email_is_told_no_reminder_can_reach_it(client, db):
    client.force_login(factories.user("no-email", SALES_MANAGERS))

    page = client.get(reverse("this-week")).content.decode()

    assert "Your account has no email address" in page


def test_a_user_outside_both_roles_gets_403(client, nobody):
    client.force_login(nobody)

    assert client.get(reverse("this-week")).status_code == 403


def test_this_week_needs_a_login(client):
    response = client.get(reverse("this-week"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def add_customers_with_plans(owner, count: int) -> None:
    for number in range(count):
        customer = factories.customer(f"Customer {number}", "DE", subdivision="BY", owner=owner)
        factories.tradition(
            customer=customer, kind="customer_event", title="Fair", start=D(2027, 8, 2)
        )
        factories.contract(customer, D(2027, 11, 30), name=f"Contract {number}")
        factories.plan(
            kind="event",
            title=f"Visit {number}",
            start=D(2027, 8, 2),
            end=D(2027, 8, 2),
            owner=owner,
            customers=[customer],
        )


@pytest.mark.parametrize("customers", [2, 20])
def test_page_queries_do_not_grow_with_customers(
    frozen, sales_client, sales_manager, django_assert_max_num_queries, customers
):
    add_customers_with_plans(sales_manager, customers)

    # 26, 4 for the customers' next touches (their last touches and the days around them),
    # 1 for the items marked done or snoozed, 1 for decision steps in the stream, 1 for the
    # steps' contracts, 7 for the "just a data point?" check (one per signal's data) and 1 for
    # what the plans offer.
    with django_assert_max_num_queries(42):
        response = sales_client.get(reverse("this-week"))

    assert len(response.context["digest"].events) == customers
    # Each visit warns twice: the customer's own fair and Bavaria's summer school holiday.
    assert len(response.context["digest"].conflicts) == 2 * customers
    assert len(response.context["digest"].act_now) == customers


def test_owners_to_remind(sales_manager, calendar_admin, acme):
    factories.user("no-email")
    silent = factories.user("silent", email="silent@example.com")
    factories.customer("Silent's customer", "DK", owner=silent)
    ReminderPreference.objects.create(user=silent, reminders_enabled=False)
    planner = factories.user("planner", email="planner@example.com")
    factories.plan(
        kind="campaign", title="Mailing", start=TODAY, end=TODAY, owner=planner, countries=["DK"]
    )

    assert digest.owners_to_remind(TODAY) == [sales_manager.pk, planner.pk]


def fill_a_busy_week(owner) -> None:
    """Give the owner one item of every section, relative to the real today (the browser's)."""
    today = datetime.date.today()

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    acme = factories.customer("Acme Logistics", "DK", owner=owner)
    bolt = factories.customer("Bolt Bikes", "DE", subdivision="BY", owner=owner)
    factories.tradition(customer=acme, kind="customer_event", title="Partner day", start=day(5))
    factories.tradition(
        customer=bolt,
        kind="busy_season",
        title="Spring sale",
        start=day(3),
        end=day(40),
    )
    factories.tradition(
        customer=bolt, kind="other", title="Trade fair", start=day(13), lead_time_days=10
    )
    factories.contract(acme, day(90 + 30 + 2), name="Fleet licence")
    factories.plan(
        kind="event",
        title="Roadshow",
        start=day(20),
        end=day(21),
        owner=owner,
        customers=[acme, bolt],
    )
    factories.tradition(customer=acme, kind="vacation", title="Office move", start=day(21))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_this_week_page_in_a_browser(browser_page, live_server):
    page = browser_page
    owner = factories.user("sam", SALES_MANAGERS, email="sam@example.com")
    fill_a_busy_week(owner)
    page.goto(f"{live_server.url}/accounts/login/?next=/this-week/")
    page.fill("input[name=username]", "sam")
    page.fill("input[name=password]", "pw-for-tests-only")
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_url(f"{live_server.url}/this-week/")

    headings = [h.split(" ")[0] for h in page.locator("main h2").all_inner_texts()]
    # "Open now" too when the real today is inside a budget lead-in (a December close).
    assert [h for h in headings if h != "Open"] == ["Act", "New", "Customer", "Busy"]
    # Blockers come first, then warnings (the real today may add a holiday blocker of its own).
    conflicts = page.locator(".digest-section", has_text="New conflicts").locator("li")
    classes = [conflicts.nth(n).get_attribute("class") for n in range(conflicts.count())]
    assert {"sev-blocker", "sev-warning"} <= set(classes)
    assert classes == sorted(classes, key=lambda name: name != "sev-blocker")
    assert "Acme Logistics' notice deadline for Fleet licence" in page.inner_text("main")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "this-week.png", full_page=True)

    message = reminder_message(owner, build_digest(owner, datetime.date.today()))
    email_page = page.context.browser.new_page()
    email_page.set_content(message.alternatives[0][0])
    email_page.screenshot(path=ARTIFACTS / "reminder-email.png", full_page=True)
    # The email lists what the page lists (how many depends on the real today's holidays).
    assert email_page.locator("li").count() == page.locator(".digest-section li").count() >= 6

    page.click("text=Stop reminder emails")
    page.wait_for_load_state("networkidle")
    assert "Reminder emails are off" in page.inner_text("main")
    assert page.problems == []
