"""The planner and My plans. Thin: the work is in drafts, panel, check and services."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from calendarapp.lib.http import AuthenticatedHttpRequest
from calendarapp.models import Plan
from calendarapp.occurrences.stream import MAX_WINDOW_DAYS
from calendarapp.planning.check import check_plans
from calendarapp.planning.drafts import draft_from_plan, draft_of
from calendarapp.planning.forms import PlanForm
from calendarapp.planning.panel import planner_panel
from calendarapp.planning.services import plan_save
from calendarapp.roles import calendar_reader_required, can_edit_plan, can_plan


@calendar_reader_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
    elif not can_plan(request.user):
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
        data["start"], _, data["end"] = str(data["apply"]).partition("|")
    form = PlanForm(data, instance=plan)
    valid = form.is_valid()
    search_from = _search_from(data.get("search_from"), today)
    draft = draft_of(form.cleaned_data, plan.pk if plan else None)
    if draft is not None and not draft.has_audience:
        draft = None  # the form says to choose an audience; nothing to check yet
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
    return planner_panel(draft_from_plan(plan), search_from=today)


def _render_planner(request, form, plan, panel, search_from, status: int = 200) -> HttpResponse:
    return render(
        request,
        "calendarapp/plan_edit.html",
        {"form": form, "plan": plan, "panel": panel, "search_from": search_from},
        status=status,
    )
