"""The customer page and the pages of its records (people, touches, how they decide, interests,
strategies). Thin: each record type is declared in `records.py` and written by `customers/`."""

from __future__ import annotations

import calendar as calendar_names
import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from calendarapp.kinds import ALL_KINDS, TOUCH_DUE, kind_of
from calendarapp.lib import countries, tables
from calendarapp.lib.forms import GuardedForm, RecordForm, YearForm, add_refusal
from calendarapp.lib.names import display_name
from calendarapp.occurrences.agreed_days import agreed_day_warnings
from calendarapp.occurrences.decision_checks import (
    NOT_MET_DAYS,
    Risk,
    decision_map,
    people_of,
    step_findings,
)
from calendarapp.occurrences.opportunities import interest_context
from calendarapp.occurrences.sources.touches import HORIZON_DAYS as TOUCH_HORIZON_DAYS
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.touch_states import touch_state
from calendarapp.occurrences.value import Occurrence
from calendarapp.occurrences.wording import items, months_of_year
from calendarapp.once import form_delete_checked, form_save_once
from calendarapp.relationships import records
from calendarapp.relationships.brief import BRIEF_CUSTOMERS, customer_brief
from calendarapp.relationships.exports import touch_history_rows
from calendarapp.relationships.finder import ORDERING_LABELS, Row, customer_rows
from calendarapp.relationships.forms import (
    STEP_TITLES,
    CompetitorForm,
    ContractForm,
    CustomerFactsForm,
    CustomerInterestForm,
    CustomerListForm,
    DecisionFactorForm,
    DecisionStepForm,
    LocalTraditionForm,
    PersonForm,
    StrategyForm,
    TouchpointForm,
    TraditionForm,
)
from calendarapp.relationships.records import Record
from calendarapp.relationships.remembered import (
    CSRF_TOKEN_SLOT,
    REMEMBERED_PAGES,
    Written,
    with_csrf_token,
)
from calendarapp.roles import calendar_reader_required, can_change_facts, can_edit_customers
from customers.facts import customer_facts_save
from customers.interests import customer_interest_confirm
from customers.models import Customer, Person, Topic, Touchpoint
from traditions.models import Tradition
from traditions.services import tradition_delete, tradition_save

# The newest changes of the customer's facts its page lists.
FACT_HISTORY_SHOWN = 20

# "Upcoming" reaches this far ahead: far enough to act on a budget close's lead time.
UPCOMING_DAYS = 120


@calendar_reader_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    form = YearForm(request.GET)
    if not form.is_valid():
        customer = get_object_or_404(Customer, pk=customer_id)
        context = {"customer": customer, "form": form, **_places(customer)}
        written = with_csrf_token(request, _written(request, customer, context))
        return _customer_page(request, written, status=400)
    today = timezone.localdate()
    year = form.cleaned_data["year"] or today.year
    written = REMEMBERED_PAGES.body(
        request, customer_id, year, today, lambda: _customer_body(request, customer_id, year, today)
    )
    return _customer_page(request, written)


def _customer_page(request: HttpRequest, written: Written, status: int = 200) -> HttpResponse:
    context = {"name": written.name, "body": mark_safe(written.html)}  # noqa: S308 - our template's
    return render(request, "relationships/customer_detail.html", context, status=status)


def _places(customer: Customer) -> dict[str, str]:
    return {
        "country_name": countries.country_name(customer.country),
        "subdivision_name": countries.subdivision_name(customer.country, customer.subdivision),
    }


def _written(
    request: HttpRequest,
    customer: Customer,
    context: dict[str, Any],
    booked: tuple[tuple[int, datetime.datetime], ...] = (),
) -> Written:
    """The page's body, with a slot for the CSRF token: it may be served to other requests."""
    html = render_to_string(
        "relationships/_customer_body.html",
        {**context, "csrf_token": CSRF_TOKEN_SLOT},
        request=request,
    )
    return Written(html, customer.name, customer.country, customer.owner_id, booked)


def _customer_body(
    request: HttpRequest, customer_id: int, year: int, today: datetime.date
) -> Written:
    """Everything the customer page shows below its heading, read and written afresh."""
    customer = get_object_or_404(BRIEF_CUSTOMERS.prefetch_related("strategies"), pk=customer_id)
    people = people_of(customer, today)
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    # One calendar for the whole page: the year, the next touch (as far ahead as one can be
    # placed) and the decision steps' findings (which reach FINDINGS_DAYS ahead).
    calendar = calendar_between(
        min(datetime.date(year, 1, 1), today),
        max(datetime.date(year, 12, 31), today + datetime.timedelta(days=TOUCH_HORIZON_DAYS)),
        customers=Customer.objects.filter(pk=customer.pk),
        kinds=ALL_KINDS,
    )
    everything = calendar.for_customer(calendar.customers[0])
    touch_due = next(o for o in everything if o.kind == TOUCH_DUE)
    # The next touch has its own card; the year and what is coming up list the rest.
    occurrences = [o for o in everything if o.kind != TOUCH_DUE]
    touchpoints = list(
        customer.touchpoints.prefetch_related("people", "our_people").order_by("-date", "-id")
    )
    # Meetings booked in someone's calendar: the cadence counts the next as the next touch.
    booked = list(customer.booked_meetings.filter(start__gte=timezone.now()).order_by("start"))
    brief = customer_brief(
        customer, today, people=people, calendar=calendar, touchpoints=touchpoints
    )
    context = {
        "customer": customer,
        **_places(customer),
        "brief": brief,
        "year": year,
        "today": today,
        "months": months_of_year(occurrences, year, today),
        "upcoming": items((o for o in occurrences if o.end >= today and o.start <= horizon), today),
        "upcoming_days": UPCOMING_DAYS,
        "contracts": customer.contracts.all(),
        "traditions": [(t, kind_of(t.kind)) for t in customer.traditions.all()],
        "budget_month": calendar_names.month_name[customer.budget_close_month],
        "fact_changes": list(
            customer.fact_changes.select_related("by", "touchpoint")[:FACT_HISTORY_SHOWN]
        ),
        "may_change_facts": can_change_facts(request.user, customer),
        "booked": booked[0] if booked else None,
        **_contacts(customer, people, touchpoints, touch_due, request.user),
        **_decisions(customer, people, today, calendar, brief.risk),
        **interest_context(customer, occurrences, today),
    }
    return _written(
        request, customer, context, tuple((meeting.pk, meeting.start) for meeting in booked)
    )


@calendar_reader_required
def customer_brief_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The brief alone, opened whole: to print on one page before a visit."""
    customer = get_object_or_404(BRIEF_CUSTOMERS, pk=customer_id)
    brief = customer_brief(customer, timezone.localdate())
    context = {"customer": customer, "brief": brief}
    return render(request, "relationships/customer_brief.html", context)


# The customer list shows this many customers a page; the downloads hold them all.
LIST_PAGE_SIZE = 100
CUSTOMER_COLUMNS = [
    "customer",
    "country",
    "owner",
    "next_touch",
    "touch_status",
    "last_touch",
    "risk",
    "strategy_season_until",
    "budget_close_month",
]


@calendar_reader_required
def customer_list(request: HttpRequest) -> HttpResponse:
    """Every customer, found by name or by a person's name or email, filtered and sorted."""
    form = CustomerListForm(request.GET, user=request.user)
    context: dict[str, Any] = {"form": form, "rows": [], "ordering_labels": ORDERING_LABELS}
    if not form.is_valid():
        return render(request, "relationships/customer_list.html", context, status=400)
    params = form.cleaned_data
    rows = customer_rows(
        form.customers(),
        timezone.localdate(),
        text=params["q"],
        ordering=params["ordering"] or "name",
        touch=params["touch"],
        risk=params["risk"],
        in_strategy_season=params["season"],
    )
    if params["format"]:
        return tables.download(
            [CUSTOMER_COLUMNS, *(_customer_row(row) for row in rows)],
            name="customers",
            file_format=params["format"],
        )
    page = params["page"] or 1
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context.update(
        {
            "rows": rows[(page - 1) * LIST_PAGE_SIZE : page * LIST_PAGE_SIZE],
            "total": len(rows),
            "page": page,
            "pages": max(1, -(-len(rows) // LIST_PAGE_SIZE)),
            "query": query.urlencode(),
            "q": params["q"],
        }
    )
    return render(request, "relationships/customer_list.html", context)


def _customer_row(row: Row) -> list[Any]:
    customer = row.customer
    return [
        customer.name,
        customer.country,
        display_name(customer.owner),
        row.touch.next_touch,
        row.touch.status,
        row.touch.last_touch,
        row.risk,
        row.strategy_season.end if row.strategy_season else None,
        calendar_names.month_name[customer.budget_close_month],
    ]


def _contacts(
    customer: Customer,
    people: list[Person],
    touchpoints: list[Touchpoint],
    touch_due: Occurrence,
    user: Any,
) -> dict[str, Any]:
    """People, touch history (`touchpoints`, newest first, with their people), "what changed"
    newest first and the next touch, fully loaded."""
    topics = dict(Topic.choices)
    return {
        "people": people,
        "touchpoints": touchpoints,
        "changes": [
            (touchpoint, topics.get(change["topic"], change["topic"]), change["text"])
            for touchpoint in touchpoints
            for change in touchpoint.changes
        ],
        "touch": touch_state(touch_due, touchpoints[0].date if touchpoints else None),
        "may": records.may_change(user, customer),
    }


@calendar_reader_required
def customer_facts_form(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Edit the customer's facts: its account owner those learned in calls, a calendar admin
    every field; each change goes into the customer's history."""
    customer = get_object_or_404(Customer.objects.select_related("owner"), pk=customer_id)
    if not can_change_facts(request.user, customer):
        raise PermissionDenied("Only the account owner or a calendar admin edits its facts.")
    form = CustomerFactsForm(
        request.POST if request.method == "POST" else None,
        instance=customer,
        all_fields=can_edit_customers(request.user),
    )
    if form.is_valid():

        def write() -> str:
            # The form has set the values on `customer`; the write function still reads the
            # stored ones for the history.
            customer_facts_save(customer=customer, by=request.user, **form.facts())  # type: ignore[arg-type]
            return reverse("customer-detail", args=[customer.pk]) + "#facts-title"

        if saved := _save_once(request, form, write, {}):
            return saved
    # The page's heading names the customer as stored, whatever the form says.
    stored = Customer.objects.only("name").get(pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    context = {"customer": stored, "form": form}
    return render(request, "relationships/customer_facts_form.html", context, status=status)


@calendar_reader_required
def touchpoint_form(
    request: HttpRequest, customer_id: int | None = None, touchpoint_id: int | None = None
) -> HttpResponse:
    """Log a touch (or edit one) beside the last known state, asking "What has changed?"."""
    touchpoint, customer = _record_and_customer(records.TOUCHPOINT, customer_id, touchpoint_id)
    _allowed(request, records.TOUCHPOINT, customer)
    today = timezone.localdate()
    initial: dict[str, Any] = {}
    if touchpoint is None:
        initial = {"date": today, "outcome": "none", "our_people": [request.user.pk]}
    form = TouchpointForm(
        request.POST if request.method == "POST" else None,
        customer=customer,
        initial=initial,
        record=touchpoint,
    )
    warnings: list[Any] = []
    if form.is_valid():
        # A follow-up on a day people are away is asked about once; "Save anyway" keeps it.
        day = form.cleaned_data["follow_up_on"]
        if day is not None and request.POST.get("save_anyway") != day.isoformat():
            warnings = agreed_day_warnings(customer, day)
    if form.is_valid() and not warnings:

        def write() -> str:
            records.TOUCHPOINT.save_record(
                touchpoint, **form.log_arguments(edit=touchpoint is not None), by=request.user
            )
            return customer.get_absolute_url()

        if saved := _save_once(request, form, write, {}):
            return saved
    touchpoints = list(customer.touchpoints.order_by("-date", "-id"))
    topics = dict(Topic.choices)
    latest: dict[str, tuple[str, datetime.date]] = {}
    for earlier in touchpoints:
        for change in earlier.changes:
            latest.setdefault(change["topic"], (change["text"], earlier.date))
    context = {
        "customer": customer,
        "form": form,
        "touchpoint": touchpoint,
        "people": people_of(customer, today),
        "last_changes": [(topics[t], *latest[t]) for t in topics if t in latest],
        "last_touch": touchpoints[0] if touchpoints else None,
        "warnings": warnings,
        "budget_month": calendar_names.month_name[customer.budget_close_month],
    }
    status = 400 if request.method == "POST" and not warnings else 200
    return render(request, "relationships/touchpoint_form.html", context, status=status)


@calendar_reader_required
def person_form(
    request: HttpRequest, customer_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    """Add a person at the customer, or edit one (a new role, a start or leaving date)."""
    found, customer = _record_and_customer(records.PERSON, customer_id, person_id)
    _allowed(request, records.PERSON, customer)
    person = found or Person(customer=customer)
    form = PersonForm(request.POST if request.method == "POST" else None, instance=person)
    if form.is_valid():

        def write() -> str:
            # An edit writes only what was changed on the page; someone else's change stays.
            fields = form.cleaned_data if found is None else form.changed_fields()
            records.PERSON.save_record(found, customer=customer, **fields)
            return customer.get_absolute_url()

        if saved := _save_once(request, form, write, {}):
            return saved
    status = 400 if request.method == "POST" else 200
    context = {"customer": customer, "form": form, "person": person}
    return render(request, "relationships/person_form.html", context, status=status)


def _decisions(
    customer: Customer,
    people: list[Person],
    today: datetime.date,
    calendar: Calendar,
    risk: Risk,
) -> dict[str, Any]:
    """How the customer decides: the map, factors, steps and their findings, competitors, risk.

    `calendar` is the customer's from today on at least `FINDINGS_DAYS` ahead; `risk` is the
    brief's.
    """
    selected = Customer.objects.filter(pk=customer.pk)
    steps = list(customer.decision_steps.select_related("contract").prefetch_related("people"))
    return {
        "decision_map": decision_map(customer, today, people),
        "factors": list(customer.decision_factors.all()),
        "steps": steps,
        "step_findings": step_findings(selected, today, calendar, steps).get(customer.pk, []),
        "competitors": list(customer.competitors.all()),
        "risk": risk,
        "not_met_days": NOT_MET_DAYS,
        "competitor_topic": Topic.COMPETITORS.label,
    }


@calendar_reader_required
def decision_step_form(
    request: HttpRequest, customer_id: int | None = None, step_id: int | None = None
) -> HttpResponse:
    """Add or edit a step of how the customer decides; the account owner and calendar admins."""
    step, customer = _record_and_customer(records.STEP, customer_id, step_id)
    _allowed(request, records.STEP, customer)
    back = reverse("customer-detail", args=[customer.pk]) + records.STEP.anchor
    form = DecisionStepForm(
        request.POST if request.method == "POST" else None, customer=customer, record=step
    )
    # A refused delete leaves errors on the form: it is shown again, not saved.
    if _deleting(request, step) and form_delete_checked(form, records.STEP.delete_record):
        return redirect(back)
    if form.is_valid():

        def write() -> str:
            records.STEP.save_record(step, customer=customer, **form.save_arguments())
            return back

        if saved := _save_once(request, form, write, {"recurrence": "rule"}):
            return saved
    context = {"customer": customer, "form": form, "step": step, "titles": STEP_TITLES}
    status = 400 if request.method == "POST" else 200
    return render(request, "relationships/decision_step_form.html", context, status=status)


@calendar_reader_required
def tradition_form(
    request: HttpRequest, customer_id: int | None = None, tradition_id: int | None = None
) -> HttpResponse:
    """Add, edit or delete a customer's own tradition, its repeat in words (yearly by default);
    a season repeating more often is refused for the owner and confirmed by a calendar admin."""
    tradition, customer = _record_and_customer(records.TRADITION, customer_id, tradition_id)
    _allowed(request, records.TRADITION, customer)
    back = reverse("customer-detail", args=[customer.pk]) + records.TRADITION.anchor
    form = TraditionForm(
        request.POST if request.method == "POST" else None,
        instance=tradition or Tradition(customer=customer),
        may_confirm=can_edit_customers(request.user),
    )
    # A refused delete leaves errors on the form: it is shown again, not saved.
    if _deleting(request, tradition) and form_delete_checked(form, records.TRADITION.delete_record):
        return redirect(back)
    if form.is_valid():

        def write() -> str:
            records.TRADITION.save_record(tradition, customer=customer, **form.save_arguments())
            return back

        if saved := _save_once(request, form, write, {"recurrence": "repeat"}):
            return saved
    context = {
        "customer": customer,
        "form": form,
        "record": form.instance,
        "record_label": tradition.title if tradition else "",
        "page": records.TRADITION,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "relationships/record_form.html", context, status=status)


@calendar_reader_required
def local_tradition_form(
    request: HttpRequest, code: str | None = None, tradition_id: int | None = None
) -> HttpResponse:
    """Add, edit or delete a country's local tradition: calendar admins, on the site."""
    if not can_edit_customers(request.user):
        raise PermissionDenied("Only a calendar admin edits a country's local traditions.")
    tradition = None
    if tradition_id is not None:
        tradition = get_object_or_404(Tradition, pk=tradition_id, customer=None)
        code = tradition.country
    elif code is None or countries.validate_country(code):
        raise Http404("No such country")
    back = reverse("country-detail", args=[code]) + "#local-title"
    form = LocalTraditionForm(
        request.POST if request.method == "POST" else None,
        instance=tradition or Tradition(country=code),
        may_confirm=True,
    )
    # A refused delete leaves errors on the form: it is shown again, not saved.
    if _deleting(request, tradition) and form_delete_checked(
        form, lambda row: tradition_delete(tradition=row)
    ):
        return redirect(back)
    if form.is_valid():

        def write() -> str:
            tradition_save(
                tradition=tradition, customer=None, country=code, **form.save_arguments()
            )
            return back

        if saved := _save_once(request, form, write, {"recurrence": "repeat"}):
            return saved
    context = {
        "code": code,
        "name": countries.country_name(code),
        "form": form,
        "tradition": tradition,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "relationships/local_tradition_form.html", context, status=status)


# The form of each record type that has the plain page (`record_form`).
RECORD_FORMS: dict[str, type[RecordForm]] = {
    records.CONTRACT.key: ContractForm,
    records.FACTOR.key: DecisionFactorForm,
    records.COMPETITOR.key: CompetitorForm,
    records.INTEREST.key: CustomerInterestForm,
    records.STRATEGY.key: StrategyForm,
}


def _record_and_customer(
    record_type: Record, customer_id: int | None, record_id: int | None
) -> tuple[Any, Customer]:
    """The record asked for with its customer, or a new one of the customer asked for."""
    if record_id is not None:
        record = get_object_or_404(record_type.objects(), pk=record_id)
        return record, record_type.customer_of(record)
    customer = get_object_or_404(Customer, pk=customer_id)
    return None, customer


def _allowed(request: HttpRequest, record_type: Record, customer: Customer) -> None:
    if not record_type.may_change(request.user, customer):
        raise PermissionDenied(
            f"Only the account owner or a calendar admin edits {record_type.a_noun}."
        )


def _deleting(request: HttpRequest, record: Any) -> bool:
    """Whether the page's Delete button of a stored record was pressed."""
    return request.method == "POST" and "delete" in request.POST and record is not None


def _save_once(
    request: HttpRequest, form: GuardedForm, write: Callable[[], str], renamed: dict[str, str]
) -> HttpResponse | None:
    """Save a valid form once (`form_save_once`); None to show it again: someone else saved the
    record meanwhile, or the write function refused (its errors put on the form)."""
    try:
        return form_save_once(request, form, write)
    except ValidationError as error:
        add_refusal(form, error, renamed)
        return None


@calendar_reader_required
def record_form(
    request: HttpRequest, kind: str, customer_id: int | None = None, record_id: int | None = None
) -> HttpResponse:
    """Add, edit or delete a customer record: a decision factor, a competitor, an interest, a
    strategy (the account owner and calendar admins)."""
    record_type = records.RECORDS[kind]
    found, customer = _record_and_customer(record_type, customer_id, record_id)
    _allowed(request, record_type, customer)
    record = found or record_type.model(customer=customer)
    back = reverse("customer-detail", args=[customer.pk]) + record_type.anchor
    data = request.POST if request.method == "POST" else None
    form = RECORD_FORMS[kind](data, instance=record)
    # A refused delete leaves errors on the form: it is shown again, not saved.
    if _deleting(request, found) and form_delete_checked(form, record_type.delete_record):
        return redirect(back)
    if form.is_valid():

        def write() -> str:
            fields = form.cleaned_data if found is None else form.changed_fields()
            record_type.save_record(found, customer=customer, **fields)
            return back

        if saved := _save_once(request, form, write, {}):
            return saved
    context = {
        "customer": customer,
        "form": form,
        "record": record,
        "record_label": record_type.label(record) if found else "",
        "page": record_type,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "relationships/record_form.html", context, status=status)


@calendar_reader_required
def touch_history_download(
    request: HttpRequest, customer_id: int, file_format: str
) -> HttpResponse:
    """The customer's touch history as CSV or .xlsx, people by name and changes as sentences."""
    customer = get_object_or_404(Customer, pk=customer_id)
    name = f"touches-{slugify(customer.name) or customer.pk}"
    return tables.download(touch_history_rows(customer), name=name, file_format=file_format)


@require_POST
@calendar_reader_required
def interest_confirm(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """They told us again today: one button on the customer page."""
    evidence = get_object_or_404(records.INTEREST.objects(), pk=evidence_id)
    _allowed(request, records.INTEREST, evidence.customer)
    customer_interest_confirm(evidence=evidence, on=timezone.localdate())
    return redirect(
        reverse("customer-detail", args=[evidence.customer_id]) + records.INTEREST.anchor
    )
