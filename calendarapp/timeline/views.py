"""The calendar pages: the timeline, a customer's year and a country's year. Thin: see layout."""

from __future__ import annotations

import calendar as calendar_names
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from calendarapp.kinds import KINDS, PUBLIC_HOLIDAY, kind_of
from calendarapp.lib import countries, tables
from calendarapp.occurrences.decision_checks import (
    FINDINGS_DAYS,
    NOT_MET_DAYS,
    decision_map,
    risks,
    step_findings,
)
from calendarapp.occurrences.opportunities import interest_context
from calendarapp.occurrences.stream import Calendar, calendar_between
from calendarapp.occurrences.touch_states import touch_states
from calendarapp.roles import calendar_reader_required, can_edit_contacts
from calendarapp.timeline.forms import (
    CHANGE_ROWS,
    STEP_TITLES,
    CompetitorForm,
    CustomerInterestForm,
    DecisionFactorForm,
    DecisionStepForm,
    PersonForm,
    StrategyForm,
    TimelineForm,
    TouchpointForm,
    YearForm,
)
from calendarapp.timeline.layout import (
    PAGE_SIZE,
    build_timeline,
    items,
    months_of_year,
    neighbours,
    timeline_sheet,
)
from customers.decisions import (
    competitor_save,
    decision_factor_save,
    decision_record_delete,
    decision_step_save,
)
from customers.interests import (
    customer_interest_confirm,
    customer_interest_delete,
    customer_interest_save,
    strategy_delete,
    strategy_save,
)
from customers.models import (
    Competitor,
    Customer,
    CustomerInterest,
    DecisionFactor,
    DecisionStep,
    Person,
    Strategy,
    Topic,
    Touchpoint,
)
from customers.services import person_save, touchpoint_log


@calendar_reader_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The home page: customers as rows, ISO weeks as columns; all state in the URL."""
    today = timezone.localdate()
    form = TimelineForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        # The legend still names each kind by its letter beside the error.
        context = {"form": form, "kinds": KINDS.values()}
        return render(request, "calendarapp/timeline.html", context, status=400)
    query = form.query()
    grid = build_timeline(query, today=today)
    previous_start, next_start = neighbours(query.range, query.start, query.end)
    # Quarters, halves and years are named by their start; custom ranges need both ends.
    span = query.end - query.start if query.range == "custom" else None
    return render(
        request,
        "calendarapp/timeline.html",
        {
            "form": form,
            "grid": grid,
            "query": query,
            "previous": (previous_start, previous_start + span if span else None),
            "next": (next_start, next_start + span if span else None),
            "kinds": KINDS.values(),
            "page_size": PAGE_SIZE,
        },
    )


@calendar_reader_required
def timeline_download(request: HttpRequest, file_format: str) -> HttpResponse:
    """The timeline's occurrences with its filters, every page, as CSV or .xlsx."""
    form = TimelineForm(request.GET, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        problems = "; ".join(
            f"parameter “{field}”: {' '.join(str(error) for error in errors)}"
            for field, errors in form.errors.items()
        )
        return HttpResponseBadRequest(problems, content_type="text/plain; charset=utf-8")
    query = form.query()
    name = f"timeline-{query.start.isoformat()}-{query.end.isoformat()}"
    return tables.download(timeline_sheet(query), name=name, file_format=file_format)


@calendar_reader_required
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A country's public holidays (by subdivision) and local traditions, and its customers."""
    if code != code.upper():  # /countries/dk: one address per country, as links spell it
        url = reverse("country-detail", args=[code.upper()])
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    if countries.validate_country(code):
        raise Http404("No such country")
    form = YearForm(request.GET, country=code)
    today = timezone.localdate()
    context = {
        "form": form,
        "code": code,
        "name": countries.country_name(code),
        "customers": Customer.objects.filter(country=code, active=True)
        .select_related("owner")
        .order_by("name"),
    }
    if not form.is_valid():
        return render(request, "calendarapp/country_detail.html", context, status=400)
    year = form.cleaned_data["year"] or today.year
    subdivision = form.cleaned_data["subdivision"]
    calendar = calendar_between(
        datetime.date(year, 1, 1), datetime.date(year, 12, 31), countries=[code]
    )
    occurrences = calendar.for_region(code, subdivision)
    context.update(
        {
            "year": year,
            "subdivision": subdivision,
            "subdivision_name": countries.subdivision_name(code, subdivision),
            "holidays": items((o for o in occurrences if o.kind == PUBLIC_HOLIDAY), today),
            "traditions": items((o for o in occurrences if o.kind != PUBLIC_HOLIDAY), today),
        }
    )
    return render(request, "calendarapp/country_detail.html", context)


# "Upcoming" reaches this far ahead: far enough to act on a budget close's lead time.
UPCOMING_DAYS = 120


@calendar_reader_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(
        Customer.objects.select_related("owner").prefetch_related(
            Prefetch(
                "interest_evidence",
                CustomerInterest.objects.select_related("interest", "person"),
            ),
            "strategies",
        ),
        pk=customer_id,
    )
    form = YearForm(request.GET)
    context: dict = {
        "customer": customer,
        "form": form,
        "country_name": countries.country_name(customer.country),
        "subdivision_name": countries.subdivision_name(customer.country, customer.subdivision),
    }
    if not form.is_valid():
        return render(request, "customers/customer_detail.html", context, status=400)
    today = timezone.localdate()
    year = form.cleaned_data["year"] or today.year
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    calendar = calendar_between(
        min(datetime.date(year, 1, 1), today),
        # As far as decision steps are checked, so their findings read the same calendar.
        max(datetime.date(year, 12, 31), today + datetime.timedelta(days=FINDINGS_DAYS)),
        customers=Customer.objects.filter(pk=customer.pk),
    )
    occurrences = calendar.for_customer(calendar.customers[0])
    context.update(
        {
            "year": year,
            "today": today,
            "months": months_of_year(occurrences, year, today),
            "upcoming": items(
                (o for o in occurrences if o.end >= today and o.start <= horizon), today
            ),
            "upcoming_days": UPCOMING_DAYS,
            "contracts": customer.contracts.all(),
            "traditions": [(t, kind_of(t.kind)) for t in customer.traditions.all()],
            "budget_month": calendar_names.month_name[customer.budget_close_month],
            **_contacts(customer, request.user),
            **_decisions(customer, today, calendar),
            **interest_context(customer, occurrences, today),
        }
    )
    return render(request, "customers/customer_detail.html", context)


def _contacts(customer: Customer, user) -> dict:
    """People, touch history, "what changed" newest first and the next touch, fully loaded."""
    touchpoints = list(
        customer.touchpoints.prefetch_related("people", "our_people").order_by("-date", "-id")
    )
    topics = dict(Topic.choices)
    return {
        "people": list(customer.people.select_related("reports_to")),
        "touchpoints": touchpoints,
        "changes": [
            (touchpoint, topics.get(change["topic"], change["topic"]), change["text"])
            for touchpoint in touchpoints
            for change in touchpoint.changes
        ],
        "touch": touch_states(Customer.objects.filter(pk=customer.pk))[customer.pk],
        "can_edit_contacts": can_edit_contacts(user, customer),
    }


@calendar_reader_required
def touchpoint_form(
    request: HttpRequest, customer_id: int | None = None, touchpoint_id: int | None = None
) -> HttpResponse:
    """Log a touch (or edit one) beside the last known state, asking "What has changed?"."""
    touchpoint = None
    if touchpoint_id is not None:
        touchpoint = get_object_or_404(
            Touchpoint.objects.select_related("customer"), pk=touchpoint_id
        )
        customer = touchpoint.customer
    else:
        customer = get_object_or_404(Customer, pk=customer_id)
    if not can_edit_contacts(request.user, customer):
        raise PermissionDenied("Only the account owner or a calendar admin logs touches.")
    today = timezone.localdate()
    initial = {"date": today, "outcome": "none"}
    if touchpoint is not None:
        initial = {
            "date": touchpoint.date,
            "channel": touchpoint.channel,
            "people": touchpoint.people.all(),
            "our_people": touchpoint.our_people.all(),
            "summary": touchpoint.summary,
            "outcome": touchpoint.outcome,
            "follow_up_on": touchpoint.follow_up_on,
        }
        for row, change in enumerate(touchpoint.changes[:CHANGE_ROWS]):
            initial[f"topic_{row}"], initial[f"text_{row}"] = change["topic"], change["text"]
    else:
        initial["our_people"] = [request.user.pk]
    form = TouchpointForm(
        request.POST if request.method == "POST" else None, customer=customer, initial=initial
    )
    if form.is_valid():
        try:
            touchpoint_log(touchpoint=touchpoint, **form.log_arguments())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(customer)
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
        "people": list(customer.people.select_related("reports_to")),
        "last_changes": [(topics[t], *latest[t]) for t in topics if t in latest],
        "last_touch": touchpoints[0] if touchpoints else None,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/touchpoint_form.html", context, status=status)


@calendar_reader_required
def person_form(
    request: HttpRequest, customer_id: int | None = None, person_id: int | None = None
) -> HttpResponse:
    """Add a person at the customer, or edit one (a new role, a start or leaving date)."""
    if person_id is not None:
        person = get_object_or_404(Person.objects.select_related("customer"), pk=person_id)
    else:
        person = Person(customer=get_object_or_404(Customer, pk=customer_id))
    customer = person.customer
    if not can_edit_contacts(request.user, customer):
        raise PermissionDenied("Only the account owner or a calendar admin edits people.")
    form = PersonForm(request.POST if request.method == "POST" else None, instance=person)
    if form.is_valid():
        try:
            person_save(
                person=person if person.pk else None, customer=customer, **form.cleaned_data
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(customer)
    status = 400 if request.method == "POST" else 200
    context = {"customer": customer, "form": form, "person": person}
    return render(request, "customers/person_form.html", context, status=status)


def _decisions(customer: Customer, today: datetime.date, calendar: Calendar) -> dict:
    """How the customer decides: the map, factors, steps and their findings, competitors, risk.

    `calendar` is the customer's from today on at least `FINDINGS_DAYS` ahead.
    """
    selected = Customer.objects.filter(pk=customer.pk)
    return {
        "decision_map": decision_map(customer, today),
        "factors": list(customer.decision_factors.all()),
        "steps": list(
            customer.decision_steps.select_related("contract").prefetch_related("people")
        ),
        "step_findings": step_findings(selected, today, calendar).get(customer.pk, []),
        "competitors": list(customer.competitors.all()),
        "risk": risks(selected, today)[customer.pk],
        "not_met_days": NOT_MET_DAYS,
        "competitor_topic": Topic.COMPETITORS.label,
    }


@calendar_reader_required
def decision_step_form(
    request: HttpRequest, customer_id: int | None = None, step_id: int | None = None
) -> HttpResponse:
    """Add or edit a step of how the customer decides; the account owner and calendar admins."""
    step = None
    if step_id is not None:
        step = get_object_or_404(DecisionStep.objects.select_related("customer"), pk=step_id)
        customer = step.customer
    else:
        customer = get_object_or_404(Customer, pk=customer_id)
    if not can_edit_contacts(request.user, customer):
        raise PermissionDenied("Only the account owner or a calendar admin edits decision steps.")
    back = reverse("customer-detail", args=[customer.pk]) + "#decision-title"
    if request.method == "POST" and "delete" in request.POST and step is not None:
        decision_record_delete(record=step)
        return redirect(back)
    initial = DecisionStepForm.initial_of(step) if step else {}
    form = DecisionStepForm(
        request.POST if request.method == "POST" else None, customer=customer, initial=initial
    )
    if form.is_valid():
        try:
            decision_step_save(step=step, customer=customer, **form.save_arguments())
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                field = "rule" if field == "recurrence" else field
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(back)
    context = {"customer": customer, "form": form, "step": step, "titles": STEP_TITLES}
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/decision_step_form.html", context, status=status)


@dataclass(frozen=True)
class RecordPage:
    """How one kind of customer record is edited on its page."""

    model: type[DecisionFactor] | type[Competitor] | type[CustomerInterest] | type[Strategy]
    form: (
        type[DecisionFactorForm]
        | type[CompetitorForm]
        | type[CustomerInterestForm]
        | type[StrategyForm]
    )
    save: Callable[..., Any]
    delete: Callable[..., None]
    argument: str
    noun: str
    anchor: str
    # The record's name in the page's heading.
    label: Callable[[Any], str] = attrgetter("name")
    # The keyword `delete` takes the record by (`save` takes it by `argument`).
    delete_argument: str = "record"

    @property
    def a_noun(self) -> str:
        """ "a competitor", "an interest"."""
        return f"{'an' if self.noun[0] in 'aeiou' else 'a'} {self.noun}"


RECORD_PAGES = {
    "factor": RecordPage(
        DecisionFactor,
        DecisionFactorForm,
        decision_factor_save,
        decision_record_delete,
        "factor",
        "decision factor",
        "#decision-title",
    ),
    "competitor": RecordPage(
        Competitor,
        CompetitorForm,
        competitor_save,
        decision_record_delete,
        "competitor",
        "competitor",
        "#competitors-title",
    ),
    # Interest evidence and strategies: the same small page, saved through customers/interests.
    "interest": RecordPage(
        CustomerInterest,
        CustomerInterestForm,
        customer_interest_save,
        customer_interest_delete,
        "evidence",
        "interest",
        "#interests-title",
        label=attrgetter("interest.name"),
        delete_argument="evidence",
    ),
    "strategy": RecordPage(
        Strategy,
        StrategyForm,
        strategy_save,
        strategy_delete,
        "strategy",
        "strategy",
        "#strategies-title",
        label=attrgetter("title"),
        delete_argument="strategy",
    ),
}


@calendar_reader_required
def decision_record_form(
    request: HttpRequest, kind: str, customer_id: int | None = None, record_id: int | None = None
) -> HttpResponse:
    """Add, edit or delete a customer record: a decision factor, a competitor, an interest, a
    strategy (the account owner and calendar admins)."""
    page = RECORD_PAGES[kind]
    record: DecisionFactor | Competitor | CustomerInterest | Strategy
    if record_id is not None:
        related = ("customer", "interest") if page.model is CustomerInterest else ("customer",)
        found = get_object_or_404(page.model.objects.select_related(*related), pk=record_id)
        assert isinstance(found, DecisionFactor | Competitor | CustomerInterest | Strategy)
        record, customer = found, found.customer
    else:
        customer = get_object_or_404(Customer, pk=customer_id)
        record = page.model(customer=customer)
    if not can_edit_contacts(request.user, customer):
        raise PermissionDenied(f"Only the account owner or a calendar admin edits {page.a_noun}.")
    back = reverse("customer-detail", args=[customer.pk]) + page.anchor
    if request.method == "POST" and "delete" in request.POST and record.pk:
        page.delete(**{page.delete_argument: record})
        return redirect(back)
    data = request.POST if request.method == "POST" else None
    form = page.form(data, instance=record)  # type: ignore[arg-type]  # each page's own model
    if form.is_valid():
        existing = record if record.pk else None
        try:
            page.save(**{page.argument: existing}, customer=customer, **form.cleaned_data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect(back)
    context = {
        "customer": customer,
        "form": form,
        "record": record,
        "record_label": page.label(record) if record.pk else "",
        "page": page,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/decision_record_form.html", context, status=status)


@require_POST
@calendar_reader_required
def interest_confirm(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """They told us again today: one button on the customer page."""
    evidence = get_object_or_404(
        CustomerInterest.objects.select_related("customer", "interest"), pk=evidence_id
    )
    if not can_edit_contacts(request.user, evidence.customer):
        raise PermissionDenied("Only the account owner or a calendar admin confirms an interest.")
    customer_interest_confirm(evidence=evidence, on=timezone.localdate())
    return redirect(reverse("customer-detail", args=[evidence.customer_id]) + "#interests-title")
