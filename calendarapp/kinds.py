"""The one table of kinds: everything that can be on the calendar, and how it is shown.

A kind is what an occurrence is (a public holiday, a busy season, our
webinar). Sources produce kinds; the timeline draws them with a letter and a
colour; the conflict rules and the feeds ask whether a kind is ours, takes
people in person, or means the customer's people are away. Every set of kinds
elsewhere in the code is derived from this table, so a new kind is one entry.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from calendarapp.models import PlanKind
from traditions.models import TraditionKind

# Public holidays come from the `holidays` package, not from a model's choices.
PUBLIC_HOLIDAY = "public_holiday"
# The next touch with a customer, from their contact cadence.
TOUCH_DUE = "touch_due"
# School holidays from the `holidays` package: families away, a warning rather than a blocker.
SCHOOL_HOLIDAY = "school_holiday"
# A renewal's phases we act on: its pre-shopping window opens, its notice deadline nears.
PRE_SHOPPING = "pre_shopping"
NOTICE_DEADLINE = "notice_deadline"
# A step of how a customer decides (evaluation, committee meeting, board approval).
DECISION_STEP = "decision_step"
# The weeks before a customer's budget close when they shape next year's strategy.
STRATEGY_SEASON = "strategy_season"


@dataclass(frozen=True, slots=True)
class Phase:
    """A part of a kind's occurrences shown on its own: a renewal's pre-shopping window."""

    value: str
    label: str
    colour: str


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind: its stored value, its label, the timeline's letter and colour, and its nature."""

    value: str
    label: str
    code: str
    colour: str
    # Our own plans, drawn striped; everything else is the customer's calendar.
    ours: bool = False
    # Our plans that need the customer's people there (and take the team's time).
    in_person: bool = False
    # The customer's people are not at work.
    people_away: bool = False
    # What to do or ask in it, shown with each occurrence (feeds' DESCRIPTION, This week).
    prompt: str = ""
    # Worked out from what we know of the customer (cadence, decision steps, fiscal year), not a
    # day of their own calendar: placing a touch never reads these.
    inferred: bool = False
    # Parts named on their own where we act on them (Opportunities now).
    phases: tuple[Phase, ...] = ()


KINDS: dict[str, Kind] = {
    kind.value: kind
    for kind in (
        Kind(PUBLIC_HOLIDAY, "Public holiday", "H", "#b42318", people_away=True),
        Kind(TraditionKind.VACATION, "Vacation", "V", "#6b2c91", people_away=True),
        Kind(SCHOOL_HOLIDAY, "School holiday", "Sc", "#a14d8c"),
        Kind(TraditionKind.BUSY_SEASON, "Busy season", "S", "#8a4b00"),
        Kind(TraditionKind.CUSTOMER_EVENT, "Customer event", "C", "#0e6b6b"),
        Kind(TraditionKind.BUDGET_CLOSE, "Budget close", "B", "#17663a"),
        Kind(
            TraditionKind.CONTRACT_RENEWAL,
            "Contract renewal",
            "R",
            "#1d4ed8",
            phases=(
                Phase(PRE_SHOPPING, "Pre-shopping window", "#1d4ed8"),
                Phase(NOTICE_DEADLINE, "Notice deadline", "#1d4ed8"),
            ),
        ),
        Kind(TraditionKind.OTHER, "Other", "O", "#4b5563"),
        Kind(PlanKind.CAMPAIGN, "Our campaign", "Cm", "#9d174d", ours=True),
        Kind(PlanKind.EVENT, "Our event", "Ev", "#1e3a8a", ours=True, in_person=True),
        Kind(PlanKind.MEETING, "Our meeting", "Mt", "#374151", ours=True, in_person=True),
        Kind(PlanKind.WEBINAR, "Our webinar", "Wb", "#155e75", ours=True, in_person=True),
        Kind(PlanKind.TRADE_FAIR, "Our trade fair", "TF", "#713f12", ours=True, in_person=True),
        Kind(PlanKind.VISIT, "Our visit", "Vi", "#4c1d95", ours=True, in_person=True),
        # Placed by the touches source on a good day of the customer's calendar.
        Kind(TOUCH_DUE, "Touch due", "T", "#0f766e", inferred=True),
        # A step of the customer's decision process (customers' DecisionStep).
        Kind(DECISION_STEP, "Decision step", "D", "#0369a1", inferred=True),
        # From each customer's budget-close month (the strategy_season source).
        Kind(
            STRATEGY_SEASON,
            "Strategy season",
            "St",
            "#7c2d12",
            prompt="If you could change one thing in your business next year, what would it be?",
            inferred=True,
        ),
    )
}
UNKNOWN = KINDS[TraditionKind.OTHER]

ALL_KINDS: tuple[str, ...] = tuple(KINDS)
KIND_CHOICES: list[tuple[str, str]] = [(kind.value, kind.label) for kind in KINDS.values()]
OUR_KINDS = frozenset(kind.value for kind in KINDS.values() if kind.ours)
IN_PERSON = frozenset(kind.value for kind in KINDS.values() if kind.in_person)
PEOPLE_AWAY = frozenset(kind.value for kind in KINDS.values() if kind.people_away)
# The customer's own calendar: neither our plans nor what we infer.
CUSTOMER_CALENDAR = frozenset(k.value for k in KINDS.values() if not (k.ours or k.inferred))


def kind_of(value: str) -> Kind:
    """The kind of an occurrence; a value no longer in the table shows as "Other"."""
    return KINDS.get(value, UNKNOWN)


PHASES: dict[str, Phase] = {phase.value: phase for k in KINDS.values() for phase in k.phases}


def label_of(value: str) -> str:
    """The label of a kind or of a phase named on its own."""
    return PHASES[value].label if value in PHASES else kind_of(value).label


def kind_css() -> str:
    """The colour rules of every kind, written from the table; our plans are striped. A kind's or
    phase's tag on Opportunities now is edged in its colour."""
    backgrounds = (
        f".k-{kind.value} {{ background-color: {kind.colour};"
        + (" background-image: var(--ours-stripes);" if kind.ours else "")
        + " }"
        for kind in KINDS.values()
    )
    entries: list[Kind | Phase] = [*KINDS.values(), *PHASES.values()]
    edges = (f".op-{e.value} .op-kind {{ border-color: {e.colour}; }}" for e in entries)
    return "\n".join((*backgrounds, *edges))


# Today's items ----------------------------------------------------------------------------
# What Today lists (the page, the morning email, /api/today) is a second table: each kind of
# item, its label, the group it is ranked in and the one action it offers beside done and snooze.


class ItemKind(enum.StrEnum):
    """What an item of Today is; the API's `kind`."""

    TOUCH_OVERDUE = "touch_overdue"
    TOUCH_DUE = "touch_due"
    FOLLOW_UP = "follow_up"
    DECISION_STEP = "decision_step"
    ACT_BY = "act_by"
    WHAT_CHANGED = "what_changed"
    CALENDAR_ERROR = "calendar_error"
    MEETING = "meeting"
    RISK_HIGH = "risk_high"
    DEADLINE = "deadline"
    CUSTOMER_EVENT = "customer_event"
    STRATEGY_SEASON_OPEN = "strategy_season_open"
    ATTENDEE_SUGGESTION = "attendee_suggestion"
    PLAN_CONFLICTS = "plan_conflicts"


# Today's groups, in the order the list shows them.
TODAY_GROUPS: dict[int, str] = {
    1: "Due now",
    2: "Meetings today and tomorrow",
    3: "At risk",
    4: "Coming up",
    5: "Your plans with conflicts",
}
LOG_TOUCH, OPEN_BRIEF, WHAT_CHANGED, OPEN_PLAN, OPEN_CALENDARS, ADD_PERSON = (
    "Log the touch",
    "Open the brief",
    "What has changed?",
    "Open the plan",
    "Open your calendars",
    "Add as a person",
)


@dataclass(frozen=True, slots=True)
class TodayKind:
    """One kind of Today's items: its label, its group (1-5) and its one action's label."""

    value: ItemKind
    label: str
    group: int
    action: str = OPEN_BRIEF


TODAY_KINDS: dict[str, TodayKind] = {
    kind.value: kind
    for kind in (
        TodayKind(ItemKind.TOUCH_OVERDUE, "Touch overdue", 1, LOG_TOUCH),
        TodayKind(ItemKind.TOUCH_DUE, "Touch due", 1, LOG_TOUCH),
        TodayKind(ItemKind.FOLLOW_UP, "Follow-up", 1, LOG_TOUCH),
        TodayKind(ItemKind.DECISION_STEP, "Decision step", 1),
        TodayKind(ItemKind.ACT_BY, "Act now", 1),
        # A meeting a calendar logged as a touch, nothing noted of it yet.
        TodayKind(ItemKind.WHAT_CHANGED, "What has changed?", 1, WHAT_CHANGED),
        # One of the user's calendars could not be read at the last sync.
        TodayKind(ItemKind.CALENDAR_ERROR, "Calendar not read", 1, OPEN_CALENDARS),
        # Our meetings and visits planned, and meetings booked in a calendar.
        TodayKind(ItemKind.MEETING, "Meeting", 2),
        TodayKind(ItemKind.RISK_HIGH, "High risk", 3, WHAT_CHANGED),
        TodayKind(ItemKind.DEADLINE, "Deadline this week", 4),
        TodayKind(ItemKind.CUSTOMER_EVENT, "Their event or busy season", 4),
        TodayKind(ItemKind.STRATEGY_SEASON_OPEN, "Strategy season", 4),
        # Someone met at the customer's email domain who is no person of it yet.
        TodayKind(ItemKind.ATTENDEE_SUGGESTION, "New person met", 4, ADD_PERSON),
        TodayKind(ItemKind.PLAN_CONFLICTS, "Plan with conflicts", 5, OPEN_PLAN),
    )
}
