"""The customer page's people, touches and next touch, and the touchpoint form."""

import datetime

import pytest

from calendarapp.roles import SALES_MANAGERS
from customers import services
from customers.models import Person, Touchpoint
from customers.services import person_save, touchpoint_log
from tests import factories
from tests.support import shown_form

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(sales_manager):
    return factories.customer("Aarhus A/S", "DK", owner=sales_manager)


def test_the_customer_page_shows_people_touches_changes_and_the_next_touch(
    sales_client, customer, clock
):
    cfo = person_save(customer=customer, name="Mette", job_title="CFO", started_on=D(2026, 3, 1))
    touchpoint_log(
        customer=customer,
        date=D(2026, 6, 1),
        channel="visit",
        people=[cfo],
        changes=[{"topic": "budget", "text": "Budget frozen until autumn."}],
    )
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "Mette" in page and "since Mar 2026" in page
    assert "Budget frozen until autumn." in page
    assert "Next touch: Wed 1 Jul 2026" in page
    assert "Every 30 days" in page
    assert "Log a touch" in page


@pytest.mark.parametrize("count", [2, 20])
def test_the_customer_page_costs_the_same_queries_for_more_people_and_touches(
    sales_client, customer, clock, count, django_assert_num_queries
):
    for i in range(count):
        person = person_save(customer=customer, name=f"P{i}")
        touchpoint_log(
            customer=customer,
            date=D(2026, 6, 1) - datetime.timedelta(days=i),
            channel="phone",
            people=[person],
            changes=[{"topic": "other", "text": f"Change {i}"}],
        )
    # The same at 2 and 20: one calendar (the year, the next touch, the steps' findings), the
    # people once (the list and the map), the history, how the customer decides (steps, factors,
    # competitors, the risk check), its interests with their evidence and its strategies, and
    # the brief's last touch with its open follow-ups, the newest changes of its facts, and the
    # next meeting booked in a calendar. (And where the change log stands, before the page and
    # before the risk check.)
    with django_assert_num_queries(41):
        assert sales_client.get(f"/customers/{customer.pk}").status_code == 200
    # Again with nothing changed: the page is remembered, and the change log asked once.
    with django_assert_num_queries(5):
        assert sales_client.get(f"/customers/{customer.pk}").status_code == 200


def test_logging_a_touch_can_add_a_new_person_in_the_same_save(sales_client, customer, clock):
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {
            "date": "2026-06-12",
            "channel": "video",
            "summary": "Intro call",
            "topic_0": "people",
            "text_0": "New CFO since March.",
            "outcome": "none",
            "new_name": "Mette",
            "new_job_title": "CFO",
        },
    )
    assert response.status_code == 302
    touchpoint = Touchpoint.objects.get()
    assert [p.name for p in touchpoint.people.all()] == ["Mette"]
    assert touchpoint.changes == [{"topic": "people", "text": "New CFO since March."}]


def test_a_bad_touch_in_the_form_names_the_field_and_saves_nothing(sales_client, customer, clock):
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {"date": "2026-06-12", "channel": "phone", "outcome": "follow_up", "new_name": "Ole"},
    )
    assert response.status_code == 400
    assert "Give the date to follow up" in response.content.decode()
    assert not Touchpoint.objects.exists()
    assert not Person.objects.exists()


def test_the_form_updates_the_people_met_with_the_touch(sales_client, customer, clock):
    mette = person_save(customer=customer, name="Mette", job_title="Controller")
    ole = person_save(customer=customer, name="Ole", job_title="CIO", started_on=D(2024, 1, 1))
    page = sales_client.get(f"/customers/{customer.pk}/touches/new").content.decode()
    assert "Anything new about them?" in page
    assert f'name="p{mette.pk}_job_title" value="Controller"' in page
    touch = {"date": "2026-06-12", "channel": "visit", "outcome": "none", "people": [mette.pk]}
    shown = {  # the form as it opened, with Mette's news and Ole untouched
        f"p{mette.pk}_job_title": "CFO",
        f"p{mette.pk}_left_on": "",
        f"p{mette.pk}_decision_role": "economic_buyer",
        f"p{mette.pk}_stance": "supporter",
        f"p{ole.pk}_job_title": "CIO",
        f"p{ole.pk}_left_on": "",
        f"p{ole.pk}_decision_role": "none",
        f"p{ole.pk}_stance": "unknown",
    }
    response = sales_client.post(f"/customers/{customer.pk}/touches/new", {**touch, **shown})
    assert response.status_code == 302
    mette.refresh_from_db()
    assert (mette.job_title, mette.decision_role, mette.stance) == (
        "CFO",
        "economic_buyer",
        "supporter",
    )
    assert sorted(c.field for c in mette.changes.all()) == ["decision_role", "stance"]
    assert not ole.changes.exists()
    assert Touchpoint.objects.get().people.get() == mette


def test_a_bad_update_of_someone_met_names_them_and_saves_nothing(sales_client, customer, clock):
    ole = person_save(customer=customer, name="Ole", job_title="CIO", started_on=D(2024, 1, 1))
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {
            "date": "2026-06-12",
            "channel": "visit",
            "outcome": "none",
            f"p{ole.pk}_job_title": "CTO",
            f"p{ole.pk}_left_on": "2023-12-31",
        },
    )
    assert response.status_code == 400
    assert "Ole, left_on: A person cannot leave before they started." in response.content.decode()
    ole.refresh_from_db()
    assert (ole.job_title, ole.left_on) == ("CIO", None)
    assert not Touchpoint.objects.exists()


def test_the_form_opens_with_the_last_known_state_and_the_question(sales_client, customer, clock):
    person_save(customer=customer, name="Mette", job_title="CFO")
    touchpoint_log(
        customer=customer,
        date=D(2026, 6, 1),
        channel="visit",
        changes=[{"topic": "competitors", "text": "Talking to Rival Inc."}],
    )
    page = sales_client.get(f"/customers/{customer.pk}/touches/new").content.decode()
    assert "What has changed?" in page
    assert "Mette" in page and "CFO" in page
    assert "Talking to Rival Inc." in page


def test_only_the_account_owner_or_a_calendar_admin_logs_touches(client, customer, calendar_admin):
    client.force_login(factories.user("kenji", SALES_MANAGERS))
    assert client.get(f"/customers/{customer.pk}/touches/new").status_code == 403
    client.force_login(calendar_admin)
    assert client.get(f"/customers/{customer.pk}/touches/new").status_code == 200


def test_the_timeline_marks_overdue_customers_and_filters_those_due(sales_client, clock):
    late = factories.customer("Late A/S", "DK")
    touchpoint_log(customer=late, date=D(2026, 4, 1), channel="phone")  # 75 days: overdue
    fresh = factories.customer("Fresh A/S", "DK")
    touchpoint_log(customer=fresh, date=D(2026, 6, 10), channel="phone")
    page = sales_client.get("/", {"range": "quarter"}).content.decode()
    assert page.count("touch overdue</span>") == 1
    assert "Touch due: Get in touch: every 30 days, overdue since 1 May" in page
    due = sales_client.get("/", {"range": "quarter", "touch": "due"}).content.decode()
    assert "Late A/S" in due and "Fresh A/S" not in due
    bad = sales_client.get("/", {"touch": "soon"})
    assert bad.status_code == 400
    assert "Parameter “touch”" in bad.content.decode()


def test_the_account_owner_adds_a_person_and_records_that_they_left(sales_client, customer):
    response = sales_client.post(
        f"/customers/{customer.pk}/people/new",
        {"name": "Mette", "job_title": "CFO", "active": "on", "started_on": "2026-03-01"},
    )
    assert response.status_code == 302
    person = Person.objects.get()
    response = sales_client.post(
        f"/people/{person.pk}",
        {"name": "Mette", "job_title": "CFO", "started_on": "2026-03-01", "left_on": "2026-06-30"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.left_on == D(2026, 6, 30)
    assert "left Jun 2026" in sales_client.get(f"/customers/{customer.pk}").content.decode()


def test_a_person_leaving_before_starting_is_refused_naming_the_field(sales_client, customer):
    response = sales_client.post(
        f"/customers/{customer.pk}/people/new",
        {"name": "Mette", "started_on": "2026-05-01", "left_on": "2026-04-01"},
    )
    assert response.status_code == 400
    assert "A person cannot leave before they started." in response.content.decode()
    assert not Person.objects.exists()


def test_only_the_owner_or_a_calendar_admin_edits_people(client, customer):
    person = person_save(customer=customer, name="Mette")
    client.force_login(factories.user("kenji", SALES_MANAGERS))
    assert client.get(f"/people/{person.pk}").status_code == 403
    assert client.post(f"/customers/{customer.pk}/people/new", {"name": "X"}).status_code == 403
    assert Person.objects.count() == 1


def test_a_logged_touch_can_be_corrected(sales_client, customer, clock):
    touchpoint = touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone")
    page = sales_client.get(f"/touches/{touchpoint.pk}").content.decode()
    assert "Edit the touch of 1 Jun 2026" in page
    response = sales_client.post(
        f"/touches/{touchpoint.pk}", {"date": "2026-06-02", "channel": "visit", "outcome": "none"}
    )
    assert response.status_code == 302
    touchpoint.refresh_from_db()
    assert (touchpoint.date, touchpoint.channel) == (D(2026, 6, 2), "visit")


# People come and go: someone who left is not offered for new records, and kept on old ones.


@pytest.fixture
def gone_cfo(customer, clock):
    """Mette, the CFO, left on 31 May 2026 (today is 15 Jun 2026); Kim reported to her."""
    mette = person_save(customer=customer, name="Mette", job_title="CFO", left_on=D(2026, 5, 31))
    person_save(customer=customer, name="Kim", reports_to=mette)
    return mette


def test_someone_who_left_is_not_offered_on_a_new_touch_or_step(sales_client, customer, gone_cfo):
    offered = {}
    for form, field in [("touches", "people"), ("steps", "people"), ("interests", "person")]:
        response = sales_client.get(f"/customers/{customer.pk}/{form}/new")
        offered[form] = [p.name for p in response.context["form"].fields[field].queryset]
    assert offered == {"touches": ["Kim"], "steps": ["Kim"], "interests": ["Kim"]}
    touch_form = sales_client.get(f"/customers/{customer.pk}/touches/new").content.decode()
    assert f'name="p{gone_cfo.pk}_job_title"' not in touch_form  # nothing new about her to ask
    person_form = sales_client.get(f"/customers/{customer.pk}/people/new")
    assert [p.name for p in person_form.context["form"].fields["reports_to"].queryset] == ["Kim"]


def test_an_old_touch_keeps_the_person_who_left_since(sales_client, customer, gone_cfo):
    touchpoint = touchpoint_log(
        customer=customer, date=D(2026, 5, 2), channel="visit", people=[gone_cfo]
    )
    form = sales_client.get(f"/touches/{touchpoint.pk}").context["form"]
    assert [p.name for p in form.fields["people"].queryset] == ["Kim", "Mette"]
    response = sales_client.post(
        f"/touches/{touchpoint.pk}",
        {"date": "2026-05-02", "channel": "phone", "outcome": "none", "people": [gone_cfo.pk]},
    )
    assert response.status_code == 302
    assert list(touchpoint.people.all()) == [gone_cfo]
    history = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "with Mette" in history


def test_the_page_says_whom_someone_reported_to_before_they_left(sales_client, customer, gone_cfo):
    page = sales_client.get(f"/customers/{customer.pk}").content.decode()
    assert "reported to Mette, left May 2026" in page
    assert "reports to Mette" not in page
    assert "left May 2026" in page


def test_a_new_person_only_heard_of_is_recorded_but_not_met(sales_client, customer, clock):
    page = sales_client.get(f"/customers/{customer.pk}/touches/new").content.decode()
    assert "Heard of, not met" in page
    response = sales_client.post(
        f"/customers/{customer.pk}/touches/new",
        {
            "date": "2026-06-12",
            "channel": "phone",
            "outcome": "none",
            "new_name": "Lars",
            "new_job_title": "New CFO",
            "new_met": "no",
        },
    )
    assert response.status_code == 302
    assert Person.objects.get().name == "Lars"
    assert not Touchpoint.objects.get().people.exists()


@pytest.fixture
def swedes(sales_manager, clock):
    return factories.customer("Kalmar AB", "SE", owner=sales_manager)


FOLLOW_UP = {"date": "2026-06-12", "channel": "phone", "outcome": "follow_up"}


def test_a_follow_up_on_a_day_off_warns_before_saving_and_saves_when_kept(sales_client, swedes):
    url = f"/customers/{swedes.pk}/touches/new"
    response = sales_client.post(url, {**FOLLOW_UP, "follow_up_on": "2026-12-24"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not saved yet: the follow-up falls on a day they are away." in page
    assert "Kalmar AB: Christmas Eve (de facto) (24 Dec 2026)" in page
    assert 'name="save_anyway" value="2026-12-24"' in page
    assert not Touchpoint.objects.exists()
    # Keeping the day agreed saves it as it is.
    kept = {**FOLLOW_UP, "follow_up_on": "2026-12-24", "save_anyway": "2026-12-24"}
    assert sales_client.post(url, kept).status_code == 302
    assert Touchpoint.objects.get().follow_up_on == D(2026, 12, 24)


@pytest.mark.parametrize(
    ("follow_up", "saved"),
    [
        ({"follow_up_on": "2026-12-22"}, True),  # a working day saves at once
        ({"follow_up_on": "2026-12-25", "save_anyway": "2026-12-24"}, False),  # another day
    ],
)
def test_only_a_clear_day_or_the_day_kept_saves(sales_client, swedes, follow_up, saved):
    response = sales_client.post(f"/customers/{swedes.pk}/touches/new", {**FOLLOW_UP, **follow_up})
    assert response.status_code == (302 if saved else 200)
    assert Touchpoint.objects.exists() == saved


def test_two_people_editing_one_person_on_the_page_each_keep_their_change(sales_client, customer):
    """Both pages were loaded before either saved; each changed a different field."""
    person = person_save(customer=customer, name="Mette", job_title="Buyer", email="m@a.dk")
    first = shown_form(sales_client, f"/people/{person.pk}")
    second = shown_form(sales_client, f"/people/{person.pk}")
    assert first["initial-job_title"] == "Buyer", "the page carries what it showed"
    assert (
        sales_client.post(f"/people/{person.pk}", {**first, "job_title": "CFO"}).status_code == 302
    )
    saved = sales_client.post(f"/people/{person.pk}", {**second, "email": "mette@aarhus.dk"})
    assert saved.status_code == 302
    person.refresh_from_db()
    assert (person.job_title, person.email) == ("CFO", "mette@aarhus.dk")


def test_saving_a_person_deleted_meanwhile_says_so_and_brings_nothing_back(
    sales_client, customer, monkeypatch
):
    """The page loaded the person; someone deleted them just before the save reached the row."""
    person = person_save(customer=customer, name="Mette")
    shown = shown_form(sales_client, f"/people/{person.pk}")
    real_locked = services.locked

    def deleted_first(instance, *related):
        Person.objects.filter(pk=instance.pk).delete()
        return real_locked(instance, *related)

    monkeypatch.setattr(services, "locked", deleted_first)
    gone = sales_client.post(f"/people/{person.pk}", {**shown, "job_title": "CFO"})
    assert gone.status_code == 404
    assert "This person was deleted meanwhile; nothing was saved." in gone.content.decode()
    assert Person.objects.count() == 1, "nothing new (the delete here is undone with the write)"


def test_two_people_editing_one_touch_on_the_page_each_keep_their_change(
    sales_client, customer, clock
):
    clock.move_to(D(2026, 6, 3))
    mette = person_save(customer=customer, name="Mette")
    touch = touchpoint_log(customer=customer, date=D(2026, 6, 1), channel="phone", people=[mette])
    first = shown_form(sales_client, f"/touches/{touch.pk}")
    second = shown_form(sales_client, f"/touches/{touch.pk}")
    assert sales_client.post(f"/touches/{touch.pk}", {**first, "channel": "visit"}).status_code == (
        302
    )
    saved = sales_client.post(f"/touches/{touch.pk}", {**second, "summary": "Budget moved"})
    assert saved.status_code == 302
    touch.refresh_from_db()
    assert (touch.channel, touch.summary, list(touch.people.all())) == (
        "visit",
        "Budget moved",
        [mette],
    )
