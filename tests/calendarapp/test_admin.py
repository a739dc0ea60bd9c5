"""Every admin page a calendar admin uses renders, with the recurrence widget and no CDN."""

from __future__ import annotations

import datetime

import pytest
import recurrence
from django.contrib import admin as django_admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from calendarapp.models import Plan
from customers.models import Customer, CustomerChange, Interest
from customers.services import person_save
from tests import factories
from tests.support import shown_form
from traditions.models import LocalTradition

pytestmark = pytest.mark.django_db

WEEK_42 = "RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO"


@pytest.fixture
def customer(retailer) -> Customer:
    retailer.interests.add(Interest.objects.create(name="cloud"))
    return retailer


@pytest.fixture
def local_tradition() -> LocalTradition:
    tradition = factories.tradition(
        country="DK",
        kind="vacation",
        title="Autumn school holiday (week 42)",
        start=datetime.date(2024, 10, 14),
        end=datetime.date(2024, 10, 18),
        rule=WEEK_42,
    )
    return LocalTradition.objects.get(pk=tradition.pk)


def roadshow(customer) -> Plan:
    return factories.plan(
        kind="event",
        title="Roadshow",
        start=datetime.date(2026, 5, 5),
        end=datetime.date(2026, 5, 6),
        owner=customer.owner or User.objects.create_user("plan-owner"),
        customers=[customer],
    )


def admin_urls(customer, local_tradition) -> list[str]:
    interest = customer.interests.get()
    plan = roadshow(customer)
    return [
        reverse("admin:index"),
        reverse("admin:customers_customer_changelist"),
        reverse("admin:customers_customer_changelist") + "?country__exact=DK",
        reverse("admin:customers_customer_changelist") + "?q=nordlys",
        reverse("admin:customers_customer_add"),
        reverse("admin:customers_customer_change", args=[customer.pk]),
        reverse("admin:traditions_localtradition_changelist"),
        reverse("admin:traditions_localtradition_changelist") + "?kind__exact=vacation",
        reverse("admin:traditions_localtradition_add"),
        reverse("admin:traditions_localtradition_change", args=[local_tradition.pk]),
        reverse("admin:customers_interest_changelist"),
        reverse("admin:customers_interest_add"),
        reverse("admin:customers_interest_change", args=[interest.pk]),
        reverse("admin:calendarapp_plan_changelist"),
        reverse("admin:calendarapp_plan_changelist") + "?kind__exact=event",
        reverse("admin:calendarapp_plan_add"),
        reverse("admin:calendarapp_plan_change", args=[plan.pk]),
    ]


def test_every_admin_page_renders_for_a_calendar_admin(admin_client, customer, local_tradition):
    for url in admin_urls(customer, local_tradition):
        response = admin_client.get(url)
        assert response.status_code == 200, url


def test_customer_change_page_shows_contracts_and_traditions_inline(admin_client, customer):
    response = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    page = response.content.decode()
    assert "Cloud licence" in page
    assert "Christmas rush" in page
    assert 'class="recurrence-widget"' in page or "recurrence-widget" in page


def test_recurrence_widget_scripts_are_served_locally(admin_client, local_tradition):
    response = admin_client.get(reverse("admin:traditions_localtradition_add"))
    page = response.content.decode()
    assert "/jsi18n/" in page
    assert "recurrence/js/recurrence-widget.js" in page
    assert "//cdn" not in page and "https://" not in page.split("<body")[0]
    assert admin_client.get("/jsi18n/").status_code == 200


def test_local_tradition_list_leaves_out_customer_traditions(
    admin_client, customer, local_tradition
):
    response = admin_client.get(reverse("admin:traditions_localtradition_changelist"))
    page = response.content.decode()
    assert "Autumn school holiday (week 42)" in page
    assert "Christmas rush" not in page


def test_adding_a_local_tradition_in_the_admin_saves_it(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"),
        {
            "country": "SE",
            "subdivision": "",
            "kind": "vacation",
            "title": "Industrial holiday",
            "start": "2024-07-08",
            "end": "2024-08-02",
            "lead_time_days": "30",
            "recurrence": "RRULE:FREQ=YEARLY;BYWEEKNO=28;BYDAY=MO",
            "notes": "",
        },
    )
    assert response.status_code == 302
    saved = LocalTradition.objects.get(title="Industrial holiday")
    assert saved.customer is None
    assert saved.country == "SE"


def test_a_local_tradition_repeating_until_a_day_is_saved_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"),
        {
            "country": "DK",
            "subdivision": "",
            "kind": "vacation",
            "title": "Winter break",
            "start": "2026-12-15",
            "end": "2026-12-15",
            "lead_time_days": "30",
            "recurrence": "RRULE:FREQ=YEARLY;UNTIL=20301215",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()
    saved = LocalTradition.objects.get(title="Winter break")
    page = admin_client.get(reverse("admin:traditions_localtradition_change", args=[saved.pk]))
    assert "Tue 15 Dec 2026; Wed 15 Dec 2027; Fri 15 Dec 2028" in page.content.decode()


def test_a_local_busy_season_can_be_marked_to_block_events_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"),
        {
            "country": "DK",
            "subdivision": "",
            "kind": "busy_season",
            "title": "Harvest",
            "start": "2024-08-05",
            "end": "2024-08-30",
            "lead_time_days": "0",
            "blocks_events": "on",
            "recurrence": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert LocalTradition.objects.get(title="Harvest").blocks_events is True


def test_local_tradition_without_country_is_refused_with_a_message(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"),
        {
            "country": "",
            "subdivision": "",
            "kind": "vacation",
            "title": "Nowhere holiday",
            "start": "2024-07-08",
            "end": "2024-07-12",
            "lead_time_days": "0",
            "recurrence": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "country" in response.context["adminform"].form.errors
    assert not LocalTradition.objects.filter(title="Nowhere holiday").exists()


def test_start_off_its_rule_is_refused_in_the_admin_with_a_message(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"),
        {
            "country": "DK",
            "subdivision": "",
            "kind": "vacation",
            "title": "Autumn school holiday",
            "start": "2024-10-15",
            "end": "2024-10-18",
            "lead_time_days": "0",
            "recurrence": WEEK_42,
            "notes": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "2024-10-15 is not a date of the rule" in errors["recurrence"][0]


def test_change_page_shows_the_next_dates_the_rule_really_gives(admin_client, local_tradition):
    # The recurrence widget labels ISO week 42 as "the first Monday"; the next dates do not lie.
    this_year = datetime.date.today().year
    week_42 = [
        datetime.date.fromisocalendar(year, 42, 1)
        for year in (this_year, this_year + 1, this_year + 2)
    ]
    upcoming = [day for day in week_42 if day + datetime.timedelta(days=4) >= datetime.date.today()]
    response = admin_client.get(
        reverse("admin:traditions_localtradition_change", args=[local_tradition.pk])
    )
    assert f"{upcoming[0]:%a %d %b %Y} to " in response.content.decode()


def local_tradition_form(**changes) -> dict[str, str]:
    data = {
        "country": "DK",
        "subdivision": "",
        "kind": "vacation",
        "title": "Winter school holiday (week 7)",
        "start": "2025-02-10",
        "end": "2025-02-14",
        "lead_time_days": "21",
        "recurrence": "",
        "iso_week": "",
        "notes": "",
    }
    data.update(changes)
    return data


def test_admin_saves_an_iso_week_rule_the_widget_cannot_express(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"), local_tradition_form(iso_week="7")
    )
    assert response.status_code == 302
    saved = LocalTradition.objects.get(title="Winter school holiday (week 7)")
    assert recurrence.serialize(saved.recurrence) == "RRULE:FREQ=YEARLY;BYDAY=MO;BYWEEKNO=7"
    page = admin_client.get(reverse("admin:traditions_localtradition_change", args=[saved.pk]))
    assert page.context["adminform"].form["iso_week"].initial == 7


def test_an_iso_week_rule_is_shown_as_its_week_not_in_the_widget_and_saved_unchanged(
    admin_client,
):
    admin_client.post(
        reverse("admin:traditions_localtradition_add"), local_tradition_form(iso_week="7")
    )
    saved = LocalTradition.objects.get()
    url = reverse("admin:traditions_localtradition_change", args=[saved.pk])
    form = admin_client.get(url).context["adminform"].form
    # The widget would call it "the first Monday": it gets no rule, the week field has it.
    assert form["recurrence"].value() is None and form["iso_week"].value() == 7
    response = admin_client.post(url, local_tradition_form(iso_week="7", lead_time_days="14"))
    assert response.status_code == 302
    saved.refresh_from_db()
    assert recurrence.serialize(saved.recurrence) == "RRULE:FREQ=YEARLY;BYDAY=MO;BYWEEKNO=7"
    assert saved.lead_time_days == 14


@pytest.mark.parametrize(
    "rule",
    [
        "RRULE:FREQ=YEARLY;BYWEEKNO=7;BYDAY=MO;WKST=SU",
        "RRULE:FREQ=YEARLY;BYWEEKNO=7;BYDAY=MO;UNTIL=20300211",
    ],
    ids=["weeks from sunday", "with an end"],
)
def test_a_week_rule_that_is_not_a_plain_iso_week_stays_in_the_widget(admin_client, rule):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"), local_tradition_form(recurrence=rule)
    )
    assert response.status_code == 302, response.content.decode()
    saved = LocalTradition.objects.get()
    url = reverse("admin:traditions_localtradition_change", args=[saved.pk])
    form = admin_client.get(url).context["adminform"].form
    assert form["iso_week"].value() is None and form["recurrence"].value() is not None


def test_iso_week_that_misses_the_start_date_is_a_field_error(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"), local_tradition_form(iso_week="8")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "lies in ISO week 7, not in week 8" in errors["iso_week"][0]
    assert not LocalTradition.objects.exists()


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_admin_pages_do_not_query_per_row(admin_client, customer, local_tradition):
    changelist = reverse("admin:customers_customer_changelist")
    local_list = reverse("admin:traditions_localtradition_changelist")
    change = reverse("admin:customers_customer_change", args=[customer.pk])
    urls = (changelist, local_list, change)
    for url in urls:  # warm the content type cache
        queries_for(admin_client, url)
    before = [queries_for(admin_client, url) for url in urls]
    for number in range(10):
        other = factories.customer(f"Customer {number}", "DE", subdivision="BY")
        factories.tradition(
            customer=customer, title=f"Event {number}", start=datetime.date(2025, 3, number + 1)
        )
        factories.tradition(
            country="DE", title=f"Local {number}", start=datetime.date(2025, 3, number + 1)
        )
        other.interests.add(*Interest.objects.all())
    after = [queries_for(admin_client, url) for url in urls]
    assert after == before


def test_a_staff_sales_manager_cannot_change_anothers_plan_in_the_admin(
    client, sales_manager, calendar_admin
):
    sales_manager.is_staff = True
    sales_manager.save()
    theirs = factories.plan(
        kind="visit",
        title="Admin's visit",
        start=datetime.date(2026, 5, 5),
        end=datetime.date(2026, 5, 5),
        owner=calendar_admin,
        countries=["DK"],
    )
    client.force_login(sales_manager)
    url = reverse("admin:calendarapp_plan_change", args=[theirs.pk])
    page = client.get(url).content.decode()
    assert 'name="_save"' not in page
    response = client.post(
        url,
        {
            "kind": "visit",
            "title": "Mine now",
            "start": "2026-05-05",
            "end": "2026-05-05",
            "owner": sales_manager.pk,
            "countries": '["DK"]',
        },
    )
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:calendarapp_plan_delete", args=[theirs.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    theirs.refresh_from_db()
    assert theirs.title == "Admin's visit"


def plan_form(owner_pk: int, title: str) -> dict:
    return {
        "kind": "visit",
        "title": title,
        "status": "confirmed",
        "start": "2026-05-05",
        "end": "2026-05-05",
        "owner": owner_pk,
        "countries": '["DK"]',
    }


def test_a_staff_sales_manager_plans_only_in_their_own_name_in_the_admin(
    client, sales_manager, calendar_admin
):
    sales_manager.is_staff = True
    sales_manager.save()
    client.force_login(sales_manager)
    client.post(reverse("admin:calendarapp_plan_add"), plan_form(calendar_admin.pk, "Not theirs"))
    mine = factories.plan(
        owner=sales_manager, kind="visit", start=datetime.date(2026, 5, 5), countries=["DK"]
    )
    client.post(
        reverse("admin:calendarapp_plan_change", args=[mine.pk]),
        plan_form(calendar_admin.pk, "Handed away"),
    )
    assert Plan.objects.get(title="Not theirs").owner == sales_manager
    mine.refresh_from_db()
    assert (mine.title, mine.owner) == ("Handed away", sales_manager)


def test_a_calendar_admin_may_plan_in_anothers_name(admin_client, sales_manager):
    admin_client.post(reverse("admin:calendarapp_plan_add"), plan_form(sales_manager.pk, "For Sam"))
    plan = Plan.objects.get(title="For Sam")
    assert (plan.owner, plan.status) == (sales_manager, "confirmed")


@pytest.mark.parametrize("countries", ['[["DK"]]', '[{"DK": 1}]', "[7]", '"DK"', '{"DK": 1}'])
def test_a_plans_countries_that_are_not_a_list_of_codes_is_a_form_error_naming_countries(
    admin_client, calendar_admin, countries
):
    form = {**plan_form(calendar_admin.pk, "Odd audience"), "countries": countries}
    response = admin_client.post(reverse("admin:calendarapp_plan_add"), form)
    assert response.status_code == 200
    assert "countries" in response.context["adminform"].form.errors
    assert not Plan.objects.filter(title="Odd audience").exists()


def test_a_recurrence_date_past_year_9999_is_a_form_error_naming_the_rule(admin_client):
    response = admin_client.post(
        reverse("admin:traditions_localtradition_add"),
        local_tradition_form(recurrence="RDATE:99999999T000000Z"),
    )
    assert response.status_code == 200
    assert "recurrence" in response.context["adminform"].form.errors
    assert not LocalTradition.objects.filter(title="Winter school holiday (week 7)").exists()


@pytest.mark.parametrize("query", ["?q=a%00b", "?country__exact=D%00K", "?o=1%00", "?a%00=1"])
def test_a_nul_byte_in_an_admin_search_or_filter_is_a_400(admin_client, query):
    response = admin_client.get(reverse("admin:customers_customer_changelist") + query)
    assert response.status_code == 400
    assert "NUL byte" in response.content.decode()


def test_a_plan_that_reaches_nobody_is_refused_in_the_admin_naming_its_audience(
    admin_client, calendar_admin
):
    form = {**plan_form(calendar_admin.pk, "For nobody"), "countries": "[]"}
    response = admin_client.post(reverse("admin:calendarapp_plan_add"), form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["customers"] == ["Choose an audience: customers, whole countries or interests."]
    assert not Plan.objects.filter(title="For nobody").exists()


def test_editing_a_plan_in_the_admin_keeps_what_it_offers(admin_client, calendar_admin):
    cloud = Interest.objects.create(name="cloud")
    plan = factories.plan(
        owner=calendar_admin, start=datetime.date(2026, 5, 5), countries=["DK"], offers=[cloud]
    )
    admin_client.post(
        reverse("admin:calendarapp_plan_change", args=[plan.pk]),
        plan_form(calendar_admin.pk, "Renamed"),
    )
    plan.refresh_from_db()
    assert plan.title == "Renamed"
    assert list(plan.offers.all()) == [cloud]


def test_a_staff_sales_manager_sees_but_cannot_change_a_customers_records_in_the_admin(
    client, sales_manager
):
    # Sales managers keep their own customers' records on the site; the admin cannot tell whose.
    sales_manager.is_staff = True
    sales_manager.save()
    customer = factories.customer(owner=sales_manager)
    client.force_login(sales_manager)
    response = client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert response.status_code == 200
    inlines = {
        formset.opts.model._meta.model_name: formset
        for formset in response.context["inline_admin_formsets"]
    }
    for name in ("contract", "person", "customerinterest", "strategy", "tradition"):
        assert not inlines[name].has_change_permission, name
        assert not inlines[name].has_add_permission, name


def _weekly_vacation(**extra) -> dict[str, str]:
    return {
        "country": "DK",
        "subdivision": "",
        "kind": "vacation",
        "title": "School holiday",
        "start": "2026-10-12",
        "end": "2026-10-16",
        "lead_time_days": "0",
        "recurrence": "RRULE:FREQ=WEEKLY",
        "notes": "",
        **extra,
    }


def test_a_new_tradition_in_the_admin_starts_with_a_yearly_rule_not_a_weekly_one(admin_client):
    response = admin_client.get(reverse("admin:traditions_localtradition_add"))
    assert response.context["adminform"].form["recurrence"].value().rrules[0].freq == (
        recurrence.YEARLY
    )


def test_a_weekly_five_day_vacation_is_refused_in_the_admin_until_confirmed(admin_client):
    url = reverse("admin:traditions_localtradition_add")
    refused = admin_client.post(url, _weekly_vacation())
    assert refused.status_code == 200
    (message,) = refused.context["adminform"].form.errors["recurrence"]
    assert "A vacation repeats at most once a year" in message
    assert not LocalTradition.objects.exists()
    confirmed = admin_client.post(url, _weekly_vacation(confirm_often="on"))
    assert confirmed.status_code == 302
    assert LocalTradition.objects.get().title == "School holiday"


def test_saving_a_customer_in_the_admin_keeps_the_change_in_its_history(
    rf, calendar_admin, retailer
):
    request = rf.post("/")
    request.user = calendar_admin
    customer_admin = django_admin.site._registry[Customer]
    rendered = customer_admin.get_form(request, retailer)(instance=retailer)
    data = {name: rendered[name].value() for name in rendered.fields}
    # As the browser posts it: each field with the value it was shown with (its hidden initial).
    shown = {k: v for k, v in data.items() if v is not None}
    posted = {**shown, **{f"initial-{k}": v for k, v in shown.items()}, "budget_close_month": 3}
    form = customer_admin.get_form(request, retailer)(posted, instance=retailer)
    assert form.is_valid(), form.errors
    Customer.objects.filter(pk=retailer.pk).update(notes="Said meanwhile by a colleague")
    customer_admin.save_model(request, form.save(commit=False), form, True)
    retailer.refresh_from_db()
    assert retailer.notes == "Said meanwhile by a colleague", "a field not changed stays"
    change = CustomerChange.objects.get()
    assert (change.field, change.old, change.new, change.by) == (
        "budget_close_month",
        "12",
        "3",
        calendar_admin,
    )


def _field(form: dict, suffix: str) -> str:
    (name,) = [name for name in form if name.endswith(suffix) and not name.startswith("initial-")]
    return name


def _two_admins_save(client, url: str, first: dict, second: dict) -> None:
    """Two admins open the change page, then each saves their own change (named by the
    field's name or, inline, its name's end)."""
    shown = [shown_form(client, url), shown_form(client, url)]
    for form, change in zip(shown, (first, second), strict=True):
        posted = {**form, **{_field(form, end): value for end, value in change.items()}}
        assert client.post(url, posted).status_code == 302


def test_two_admins_changing_different_fields_of_one_person_inline_keep_both(
    admin_client, retailer
):
    person = person_save(customer=retailer, name="Mette", job_title="CFO")
    url = reverse("admin:customers_customer_change", args=[retailer.pk])
    _two_admins_save(admin_client, url, {"-0-job_title": "CEO"}, {"-0-phone": "+45 1234"})
    person.refresh_from_db()
    assert (person.job_title, person.phone) == ("CEO", "+45 1234")


def test_two_admins_changing_different_fields_of_one_plan_keep_both(admin_client, retailer):
    plan = roadshow(retailer)
    url = reverse("admin:calendarapp_plan_change", args=[plan.pk])
    _two_admins_save(admin_client, url, {"title": "Spring roadshow"}, {"notes": "Book the hall"})
    plan.refresh_from_db()
    assert (plan.title, plan.notes) == ("Spring roadshow", "Book the hall")


def test_two_admins_changing_different_fields_of_one_local_tradition_keep_both(
    admin_client, local_tradition
):
    url = reverse("admin:traditions_localtradition_change", args=[local_tradition.pk])
    _two_admins_save(admin_client, url, {"title": "Efterårsferie"}, {"notes": "Schools closed"})
    local_tradition.refresh_from_db()
    assert (local_tradition.title, local_tradition.notes) == ("Efterårsferie", "Schools closed")


def test_an_iso_week_changed_on_the_change_page_is_saved_as_the_rule(admin_client, local_tradition):
    url = reverse("admin:traditions_localtradition_change", args=[local_tradition.pk])
    shown = shown_form(admin_client, url)
    moved = {**shown, "start": "2024-10-21", "end": "2024-10-25", "iso_week": "43"}
    assert admin_client.post(url, moved).status_code == 302
    local_tradition.refresh_from_db()
    assert "BYWEEKNO=43" in str(recurrence.serialize(local_tradition.recurrence))


def test_the_admins_history_names_the_fields_written_and_no_others(admin_client, retailer):
    """A page shows a field and posts it back as shown: not written, not named. A post without
    a field's shown value (a script, an older page) writes it: named too, inline rows as well."""
    person = person_save(customer=retailer, name="Mette", job_title="CFO")
    url = reverse("admin:customers_customer_change", args=[retailer.pk])
    form = shown_form(admin_client, url)
    job_title = _field(form, "-0-job_title")
    posted = {**form, "budget_close_month": "3", job_title: "CEO"}
    del posted["initial-notes"]  # as shown, but who knows what the page showed: written
    assert admin_client.post(url, posted).status_code == 302
    entry = LogEntry.objects.get(object_id=str(retailer.pk))
    assert entry.get_change_message() == (
        "Changed Budget close month and Notes. Changed Job title for person “Mette, CEO”."
    )
    person.refresh_from_db()
    assert person.job_title == "CEO"
