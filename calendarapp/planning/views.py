"""The planner and My plans. Thin: the work is in drafts, panel, check and services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from calendarapp.lib import dates
from calendarapp.lib.forms import VERSION
from calendarapp.lib.http import AuthenticatedHttpRequest
from calendarapp.lib.names import display_name
from calendarapp.models import Plan, PlanStatus
from calendarapp.occurrences.stream import MAX_WINDOW_DAYS
from calendarapp.once import form_delete_checked, form_save_once
from calendarapp.planning.check import check_plans
from calendarapp.planning.drafts import draft_from_plan, draft_of
from calendarapp.planning.forms import PlanForm, SearchRangeForm
from calendarapp.planning.panel import planner_panel
from calendarapp.planning.services import plan_delete, plan_duplicate, plan_save
from calendarapp.roles import calendar_reader_required, can_edit_plan, can_plan

PLAN_LISTS = {"mine": "My plans", "all": "All plans"}
# The plan page lists this many of the customers a plan reaches, then counts the rest.
AUDIENCE_SHOWN = 200


@calendar_reader_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """My plans, or with ?who=all the team's, with their current conflicts checked in one batch."""
    who = request.GET.get("who") or "mine"
    if who not in PLAN_LISTS:
        return HttpResponseBadRequest("The parameter who must be “mine” or “all”.")
    plans = Plan.objects.select_related("owner").prefetch_related(
        "customers", "interests", "offers"
    )
    if who == "mine":
        plans = plans.filter(owner=request.user)
    listed = list(plans)
    # Only plans still ahead and not cancelled are checked: the past cannot be moved, and
    # checking it would widen the window with every plan ever made.
    today = timezone.localdate()
    results = check_plans(
        [plan for plan in listed if plan.end >= today and plan.status != PlanStatus.CANCELLED]
    )
    rows = [
        PlanRow(plan, results[plan.pk].summary if plan.pk in results else None, plan.end < today)
        for plan in listed
    ]
    return render(
        request,
        "calendarapp/plan_list.html",
        {
            "rows": rows,
            "who": who,
            "heading": PLAN_LISTS[who],
            "lists": PLAN_LISTS.items(),
            "user_can_edit": {row.plan.pk for row in rows if can_edit_plan(request.user, row.plan)},
        },
    )


@dataclass(frozen=True)
class PlanRow:
    """A plan on My plans: its conflict counts (None when not checked) and whether it is past."""

    plan: Plan
    summary: dict[str, int] | None
    past: bool

    @property
    def when(self) -> str:
        return dates.format_span(self.plan.start, self.plan.end)

    @property
    def counts(self) -> list[tuple[str, int, str]]:
        """(severity, count, words) of the check, as "2 blockers" or "1 opportunity"."""
        if self.summary is None:
            return []
        plurals = {"blocker": "blockers", "warning": "warnings", "opportunity": "opportunities"}
        return [
            (severity, self.summary[severity], severity if self.summary[severity] == 1 else many)
            for severity, many in plurals.items()
        ]

    @property
    def audience(self) -> str:
        """ "3 customers, DK, NO, interested in cloud": whom the plan is for, in a few words."""
        parts = []
        count = len(self.plan.customers.all())
        if count:
            parts.append(f"{count} customer{'s' if count != 1 else ''}")
        parts.extend(self.plan.countries)
        interests = [interest.name for interest in self.plan.interests.all()]
        if interests:
            parts.append(f"interested in {', '.join(interests)}")
        return ", ".join(parts)


def _editable_plan(request: HttpRequest, plan_id: int) -> Plan:
    plan = get_object_or_404(
        Plan.objects.select_related("owner").prefetch_related("customers", "interests", "offers"),
        pk=plan_id,
    )
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied("Only the plan's owner and calendar admins may change it.")
    return plan


@require_POST
@calendar_reader_required
def plan_delete_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Delete a plan (its owner or a calendar admin) and go back to My plans; unless someone
    else changed it since the page with the button was shown (its version): then back to it."""
    plan = _editable_plan(request, plan_id)
    title = plan.title
    form = PlanForm({VERSION: request.POST.get(VERSION, "")}, instance=plan)
    if not form_delete_checked(form, lambda row: plan_delete(plan=row)):
        # The form says what changed: its own message, and each changed field's value now
        # (its other errors are only the fields this one-button form does not post).
        said = [*form.non_field_errors()] + [
            f"{form.fields[name].label}: {error}"
            for name, errors in form.errors.items()
            if name in form.fields
            for error in errors
            if "meanwhile" in error
        ]
        messages.error(request, " ".join(said))
        return redirect("plan-edit", plan.pk)
    messages.success(request, f"Deleted “{title}”.")
    return redirect("plan-list")


@require_POST
@calendar_reader_required
def plan_duplicate_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Copy a plan as a new draft of the user's and open the copy in the planner."""
    if not can_plan(request.user):
        raise PermissionDenied("Only sales managers and calendar admins may plan.")
    plan = _editable_plan(request, plan_id)
    copy = plan_duplicate(plan=plan, owner=request.user)
    messages.success(request, f"Copied “{plan.title}”: this is the copy, a draft.")
    return redirect("plan-edit", plan_id=copy.pk)


@calendar_reader_required
def plan_edit(request: HttpRequest, plan_id: int | None = None) -> HttpResponse:
    """Create or edit a plan; POST action=check re-checks it without saving.

    Saving a plan with blockers asks once to confirm (action=save-anyway saves it).
    """
    plan = None
    if plan_id is not None:
        plan = _editable_plan(request, plan_id)
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

        def write() -> str:
            saved = plan_save(plan=plan, owner=request.user, **form.cleaned_data)
            messages.success(request, f"Saved “{saved.title}”.")
            return reverse("plan-edit", args=[saved.pk])

        try:
            if answer := form_save_once(request, form, write):
                return answer
        except ValidationError as error:
            form.add_error(None, error)
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
            "audience": _audience(plan) if plan else None,
            # The timeline opens two weeks before the plan, so what surrounds it shows too.
            "timeline_start": plan.start - datetime.timedelta(weeks=2) if plan else None,
        },
    )


@dataclass(frozen=True)
class AudienceList:
    """The first customers a saved plan reaches, with their account owners, and how many in all."""

    customers: list
    total: int
    owners: list[str]

    @property
    def more(self) -> int:
        return self.total - len(self.customers)


def _audience(plan: Plan) -> AudienceList:
    reached = draft_from_plan(plan).audience_queryset()
    customers = list(reached.select_related("owner").order_by("name", "id")[:AUDIENCE_SHOWN])
    total = len(customers) if len(customers) < AUDIENCE_SHOWN else reached.count()
    owners = sorted(
        display_name(user)
        for user in get_user_model().objects.filter(customers__in=reached.values("id")).distinct()
    )
    return AudienceList(customers, total, owners)
