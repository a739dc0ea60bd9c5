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
from calendarapp.planning.forms import PlanForm, SearchRangeForm
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
    """Create or edit a plan; POST action=check re-checks it without saving.

    Saving a plan with blockers asks once to confirm (action=save-anyway saves it).
    """
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
        panel = planner_panel(draft_from_plan(plan), today=today) if plan else None
        return _render_planner(request, form, SearchRangeForm(), plan, panel)

    data = request.POST.copy()
    if "apply" in data:
        data["start"], _, data["end"] = str(data["apply"]).partition("|")
    form = PlanForm(data, instance=plan)
    valid = form.is_valid()
    search = SearchRangeForm(data)
    search_start, search_end = _search_range(search, today)
    draft = draft_of(form.cleaned_data, plan.pk if plan else None)
    if draft is not None and not draft.has_audience:
        draft = None  # the form says to choose an audience; nothing to check yet
    panel = (
        planner_panel(draft, today=today, search_start=search_start, search_end=search_end)
        if draft
        else None
    )
    if request.headers.get("X-Fragment") == "check":
        return render(request, "calendarapp/_plan_check.html", {"panel": panel, "search": search})
    action = data.get("action")
    blockers = panel.check.summary["blocker"] if panel else 0
    if action == "save" and valid and blockers:
        return _render_planner(request, form, search, plan, panel, confirm_blockers=blockers)
    if action in ("save", "save-anyway") and valid:
        try:
            saved = plan_save(plan=plan, owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved “{saved.title}”.")
            return redirect("plan-edit", plan_id=saved.pk)
    return _render_planner(request, form, search, plan, panel)


def _search_range(
    search: SearchRangeForm, today: datetime.date
) -> tuple[datetime.date | None, datetime.date | None]:
    """The range asked for, from today to three years ahead; None means "around the plan"."""
    if not search.is_valid():
        return None, None
    first, last = search.cleaned_data["search_from"], search.cleaned_data["search_to"]
    horizon = today + datetime.timedelta(days=MAX_WINDOW_DAYS)
    if first is not None:
        first = min(max(first, today), horizon)
    if last is not None:
        last = min(last, horizon + datetime.timedelta(days=MAX_WINDOW_DAYS))
        if last < (first or today):
            last = None  # the whole range is past: search after today instead
    return first, last


def _render_planner(
    request, form, search, plan, panel, *, confirm_blockers: int = 0
) -> HttpResponse:
    return render(
        request,
        "calendarapp/plan_edit.html",
        {
            "form": form,
            "search": search,
            "plan": plan,
            "panel": panel,
            "confirm_blockers": confirm_blockers,
        },
    )
