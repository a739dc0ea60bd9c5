"""Pages of the shared calendar. Thin: the work is in timeline, planner, conflicts and suggest."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from calendarapp import countries
from calendarapp.conflicts import check_plans
from calendarapp.forms import PlanForm, TimelineForm, YearForm
from calendarapp.models import Plan
from calendarapp.occurrences import MAX_WINDOW_DAYS, calendar_between
from calendarapp.planner import draft_from_form, planner_panel
from calendarapp.roles import calendar_reader_required, can_edit_plan
from calendarapp.services import plan_save
from calendarapp.timeline import (
    KINDS,
    PAGE_SIZE,
    PUBLIC_HOLIDAY,
    build_timeline,
    items,
    neighbours,
)
from customers.models import Customer


@calendar_reader_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The home page: customers as rows, ISO weeks as columns; all state in the URL."""
    today = timezone.localdate()
    form = TimelineForm(request.GET, user=request.user, today=today)
    if not form.is_valid():
        return render(request, "calendarapp/timeline.html", {"form": form}, status=400)
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
def plan_list(request: HttpRequest) -> HttpResponse:
    """The user's plans with their current conflict counts, checked in one batch."""
    plans = list(Plan.objects.filter(owner=request.user).prefetch_related("customers", "interests"))
    # Only plans still ahead are checked: the past cannot be moved, and checking it
    # would widen the window with every plan ever made.
    results = check_plans([plan for plan in plans if plan.end >= timezone.localdate()])
    rows = [(plan, results[plan.pk].summary if plan.pk in results else None) for plan in plans]
    return render(request, "calendarapp/plan_list.html", {"rows": rows})


@calendar_reader_required
def plan_edit(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    """Create or edit a plan; POST action=check re-checks it without saving."""
    plan = None
    if plan_id is not None:
        plan = get_object_or_404(
            Plan.objects.select_related("owner").prefetch_related("customers", "interests"),
            pk=plan_id,
        )
        if not can_edit_plan(request.user, plan):
            raise PermissionDenied("Only the plan's owner and calendar admins may edit it.")
    elif not request.user.has_perm("calendarapp.add_plan"):
        raise PermissionDenied("Only sales managers and calendar admins may plan.")

    today = timezone.localdate()
    if request.method != "POST":
        # "Plan for this customer" links pre-select the audience: /plans/new?customers=7
        chosen = [value for value in request.GET.getlist("customers") if value.isdigit()]
        form = PlanForm(instance=plan, initial={"customers": chosen} if chosen else None)
        panel = _panel_for_plan(plan, today)
        return _render_planner(request, form, plan, panel, today)

    data = request.POST.copy()
    if "apply" in data:
        data["start"], _, data["end"] = data["apply"].partition("|")
    form = PlanForm(data, instance=plan)
    valid = form.is_valid()
    search_from = _search_from(data.get("search_from"), today)
    draft = draft_from_form(form.cleaned_data, plan.pk if plan else None)
    panel = planner_panel(draft, search_from=search_from) if draft else None
    if request.headers.get("X-Fragment") == "check":
        return render(
            request, "calendarapp/_plan_check.html", {"panel": panel, "search_from": search_from}
        )
    if data.get("action") == "save" and valid:
        try:
            saved = plan_save(plan=plan, owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{saved.title}”.")
            return redirect("plan-edit", plan_id=saved.pk)
    return _render_planner(request, form, plan, panel, search_from)


def _search_from(value: str | None, today: datetime.date) -> datetime.date:
    """The first day to suggest dates from: the planner's field, today to three years ahead."""
    try:
        chosen = datetime.date.fromisoformat(value) if value else today
    except ValueError:
        return today
    return min(max(chosen, today), today + datetime.timedelta(days=MAX_WINDOW_DAYS))


def _panel_for_plan(plan: Plan | None, today: datetime.date):
    if plan is None:
        return None
    draft = draft_from_form(
        {
            "kind": plan.kind,
            "start": plan.start,
            "end": plan.end,
            "customers": plan.customers.all(),
            "countries": plan.countries,
            "interests": plan.interests.all(),
        },
        plan.pk,
    )
    return planner_panel(draft, search_from=today) if draft else None


def _render_planner(request, form, plan, panel, search_from, status: int = 200) -> HttpResponse:
    return render(
        request,
        "calendarapp/plan_edit.html",
        {"form": form, "plan": plan, "panel": panel, "search_from": search_from},
        status=status,
    )


@calendar_reader_required
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A country's public holidays (by subdivision) and local traditions, and its customers."""
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
