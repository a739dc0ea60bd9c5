"""The demo team as data: logins, interests, customers with their contracts and traditions.

Declarative on purpose: adding a demo customer or a local tradition is one entry
here; `demo.py` loads whatever this module lists. Contract end dates are days
from the day the demo is loaded, so renewal windows are always open somewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from calendarapp.roles import CALENDAR_ADMINS, SALES_MANAGERS
from traditions.models import TraditionKind

ADMIN_PASSWORD = "demo-admin"


SALES_PASSWORD = "demo-sales"


BUSY = TraditionKind.BUSY_SEASON


EVENT = TraditionKind.CUSTOMER_EVENT


VACATION = TraditionKind.VACATION


@dataclass(frozen=True)
class Login:
    username: str
    first_name: str
    last_name: str
    group: str
    password: str
    is_staff: bool = False


LOGINS = [
    Login("admin", "Ada", "Admin", CALENDAR_ADMINS, ADMIN_PASSWORD, is_staff=True),
    # The sales manager may browse the admin, read-only: the group only has view permissions.
    Login("sales", "Emily", "Carter", SALES_MANAGERS, SALES_PASSWORD, is_staff=True),
    Login("mette", "Mette", "Hansen", SALES_MANAGERS, SALES_PASSWORD),
    Login("jonas", "Jonas", "Weber", SALES_MANAGERS, SALES_PASSWORD),
    Login("kenji", "Kenji", "Sato", SALES_MANAGERS, SALES_PASSWORD),
]


INTERESTS = [
    "analytics",
    "artificial intelligence",
    "cloud",
    "e-commerce",
    "IoT",
    "logistics",
    "security",
    "sustainability",
]


@dataclass(frozen=True)
class Yearly:
    """A tradition repeating by an RFC 5545 rule, lasting `days` days from each start."""

    kind: str
    title: str
    rule: str
    days: int
    lead_time_days: int = 30
    notes: str = ""


@dataclass(frozen=True)
class Renewal:
    """A contract ending `ends_in` days from today."""

    name: str
    ends_in: int
    notice_period_days: int = 90
    pre_shopping_days: int = 180


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    country: str
    subdivision: str
    owner: str
    budget_close_month: int
    interests: tuple[str, ...]
    contracts: tuple[Renewal, ...] = ()
    traditions: tuple[Yearly, ...] = ()
    notes: str = ""
    # A Chinese customer's plant closes around the lunar new year, which no RRULE can express.
    spring_festival_shutdown: bool = False


@dataclass(frozen=True)
class LocalYearly(Yearly):
    """A tradition of a whole country (or one region of it) that no holiday library knows."""

    country: str = ""
    subdivision: str = ""


CHRISTMAS_RUSH = Yearly(
    BUSY,
    "Christmas rush",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15",
    47,
    lead_time_days=75,
    notes="Stores are full from mid-November to New Year; no changes to the shop systems.",
)


BLACK_FRIDAY = Yearly(
    BUSY,
    "Black Friday week",
    # Thanksgiving (the fourth Thursday of November) to Cyber Monday.
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
    5,
    lead_time_days=60,
)


KICK_OFF = Yearly(
    EVENT, "Sales kick-off", "RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=2TU", 2, lead_time_days=45
)


SUMMER_SEASON = Yearly(
    BUSY, "Summer season", "RRULE:FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15", 62, lead_time_days=45
)


# Contracts in different phases of their renewal, whatever day the demo is loaded.
PRE_SHOPPING_NOW = 150  # pre-shopping opened a month ago, notice due in two months


NOTICE_SOON = 100  # the notice deadline is ten days away


ENDS_SOON = 40  # decided already; the contract ends in about six weeks


NEXT_YEAR = 300  # pre-shopping opens in four months


LONG_RUNNING = 700


CUSTOMERS = [
    # Denmark
    DemoCustomer(
        "Nordlys Retail A/S",
        "DK",
        "",
        "mette",
        12,
        ("e-commerce", "cloud", "analytics"),
        contracts=(Renewal("Cloud platform licence", PRE_SHOPPING_NOW),),
        traditions=(CHRISTMAS_RUSH, BLACK_FRIDAY, KICK_OFF),
        notes="Forty stores in Denmark, webshop on our cloud platform.",
    ),
    DemoCustomer(
        "Havfrue Shipping ApS",
        "DK",
        "",
        "mette",
        6,
        ("logistics", "IoT", "sustainability"),
        contracts=(Renewal("Fleet tracking service", NOTICE_SOON),),
        traditions=(
            Yearly(
                EVENT,
                "Trade fair: Nor-Shipping",
                "RRULE:FREQ=YEARLY;BYMONTH=6;BYDAY=1MO",
                5,
                lead_time_days=60,
            ),
        ),
    ),
    DemoCustomer(
        "Bornholm Energi A/S",
        "DK",
        "",
        "mette",
        12,
        ("sustainability", "IoT", "analytics"),
        contracts=(Renewal("Grid analytics subscription", NEXT_YEAR),),
        traditions=(
            Yearly(
                BUSY,
                "Winter peak load",
                "RRULE:FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=5",
                56,
                lead_time_days=30,
                notes="Operations staff are on call; no rollouts.",
            ),
        ),
    ),
    DemoCustomer(
        "Københavns Tandklinikker",
        "DK",
        "",
        "mette",
        3,
        ("security", "cloud"),
        contracts=(Renewal("Patient records hosting", ENDS_SOON, 30, 120),),
    ),
    DemoCustomer(
        "Jydsk Maskinfabrik A/S",
        "DK",
        "",
        "mette",
        9,
        ("IoT", "analytics"),
        contracts=(Renewal("Factory monitoring licence", LONG_RUNNING),),
        traditions=(
            Yearly(
                EVENT,
                "Trade fair: Agromek",
                "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=-1TU",
                4,
                lead_time_days=60,
            ),
        ),
    ),
    DemoCustomer(
        "Aarhus Software House ApS",
        "DK",
        "",
        "sales",
        12,
        ("cloud", "artificial intelligence", "security"),
        contracts=(Renewal("Developer platform", PRE_SHOPPING_NOW, 60, 120),),
        traditions=(KICK_OFF,),
    ),
    # Sweden and Norway
    DemoCustomer(
        "Göta Verkstäder AB",
        "SE",
        "",
        "mette",
        12,
        ("IoT", "sustainability"),
        contracts=(Renewal("Production planning suite", NEXT_YEAR),),
        traditions=(
            Yearly(
                EVENT,
                "Supplier day",
                "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2TH",
                1,
                lead_time_days=45,
            ),
        ),
    ),
    DemoCustomer(
        "Norrsken Logistik AB",
        "SE",
        "",
        "mette",
        4,
        ("logistics", "analytics"),
        contracts=(Renewal("Route optimisation", NOTICE_SOON),),
        traditions=(CHRISTMAS_RUSH,),
    ),
    DemoCustomer(
        "Skärgård Hotell AB",
        "SE",
        "",
        "sales",
        10,
        ("e-commerce", "cloud"),
        traditions=(SUMMER_SEASON,),
    ),
    DemoCustomer(
        "Fjordkraft Data AS",
        "NO",
        "",
        "mette",
        12,
        ("cloud", "sustainability"),
        contracts=(Renewal("Data centre colocation", LONG_RUNNING, 180, 365),),
    ),
    # Germany and the Netherlands
    DemoCustomer(
        "Alpenblick Brauerei GmbH",
        "DE",
        "BY",
        "jonas",
        9,
        ("sustainability", "analytics"),
        contracts=(Renewal("ERP hosting", PRE_SHOPPING_NOW),),
        traditions=(
            Yearly(
                BUSY,
                "Oktoberfest",
                "RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=3SA",
                16,
                lead_time_days=60,
                notes="Brewery runs at full capacity; nobody has time for meetings.",
            ),
        ),
    ),
    DemoCustomer(
        "Rheinstahl Komponenten AG",
        "DE",
        "NW",
        "jonas",
        12,
        ("IoT", "security", "analytics"),
        contracts=(
            Renewal("Plant security operations", NOTICE_SOON),
            Renewal("Predictive maintenance", NEXT_YEAR),
        ),
        traditions=(
            Yearly(
                EVENT,
                "Trade fair: Hannover Messe",
                "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=3MO",
                5,
                lead_time_days=90,
            ),
            KICK_OFF,
        ),
    ),
    DemoCustomer(
        "Hanse Versand GmbH",
        "DE",
        "HH",
        "jonas",
        12,
        ("e-commerce", "logistics"),
        contracts=(Renewal("Webshop platform", ENDS_SOON, 30, 120),),
        traditions=(CHRISTMAS_RUSH, BLACK_FRIDAY),
    ),
    DemoCustomer(
        "Schwarzwald Medizintechnik GmbH",
        "DE",
        "BW",
        "jonas",
        6,
        ("security", "cloud"),
        contracts=(Renewal("Quality records archive", LONG_RUNNING),),
        traditions=(
            Yearly(
                EVENT,
                "Trade fair: MEDICA",
                "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=2MO",
                4,
                lead_time_days=60,
            ),
        ),
    ),
    DemoCustomer(
        "Tulp Logistics B.V.",
        "NL",
        "",
        "jonas",
        12,
        ("logistics", "sustainability", "IoT"),
        contracts=(Renewal("Warehouse robotics support", PRE_SHOPPING_NOW),),
        traditions=(CHRISTMAS_RUSH,),
    ),
    # France
    DemoCustomer(
        "Maison Lumière SA",
        "FR",
        "",
        "jonas",
        12,
        ("e-commerce", "analytics"),
        contracts=(Renewal("Customer analytics", NOTICE_SOON),),
        traditions=(
            Yearly(
                BUSY,
                "Winter sales (les soldes)",
                "RRULE:FREQ=YEARLY;BYMONTH=1;BYDAY=2WE",
                28,
                lead_time_days=60,
            ),
            CHRISTMAS_RUSH,
        ),
    ),
    DemoCustomer(
        "Vignobles Garonne SAS",
        "FR",
        "",
        "jonas",
        8,
        ("sustainability", "IoT"),
        traditions=(
            Yearly(
                BUSY,
                "Grape harvest (vendanges)",
                "RRULE:FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=1",
                45,
                lead_time_days=45,
            ),
        ),
    ),
    DemoCustomer(
        "Aéro Composites Toulouse SAS",
        "FR",
        "",
        "jonas",
        12,
        ("security", "artificial intelligence"),
        contracts=(Renewal("Engineering cloud workstations", NEXT_YEAR),),
        traditions=(KICK_OFF,),
    ),
    # United Kingdom
    DemoCustomer(
        "Thames Digital Ltd",
        "GB",
        "ENG",
        "sales",
        3,
        ("cloud", "security", "artificial intelligence"),
        contracts=(Renewal("Managed Kubernetes", PRE_SHOPPING_NOW),),
        notes="Fiscal year ends in March, like many British companies.",
    ),
    DemoCustomer(
        "Highland Distillers plc",
        "GB",
        "SCT",
        "sales",
        3,
        ("sustainability", "e-commerce"),
        contracts=(Renewal("Online shop hosting", ENDS_SOON, 30, 120),),
        traditions=(
            Yearly(
                EVENT,
                "Spirit of Speyside festival",
                "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=-1TH",
                5,
                lead_time_days=45,
            ),
        ),
    ),
    DemoCustomer(
        "Brighton Fashion Retail Ltd",
        "GB",
        "ENG",
        "sales",
        1,
        ("e-commerce", "analytics"),
        contracts=(Renewal("Point of sale platform", NOTICE_SOON),),
        traditions=(
            CHRISTMAS_RUSH,
            BLACK_FRIDAY,
            Yearly(
                BUSY,
                "Boxing Day sales",
                "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=26",
                7,
                lead_time_days=60,
            ),
        ),
    ),
    # United States
    DemoCustomer(
        "Lakeside Outfitters Inc.",
        "US",
        "MN",
        "sales",
        1,
        ("e-commerce", "logistics"),
        contracts=(Renewal("Order management system", PRE_SHOPPING_NOW),),
        traditions=(CHRISTMAS_RUSH, BLACK_FRIDAY),
        notes="Retail fiscal year ends in January, after the holiday season.",
    ),
    DemoCustomer(
        "Golden Gate Analytics Corp.",
        "US",
        "CA",
        "sales",
        12,
        ("analytics", "artificial intelligence", "cloud"),
        contracts=(Renewal("GPU cluster reservation", NOTICE_SOON, 60, 120),),
        traditions=(
            Yearly(
                EVENT,
                "Customer conference",
                "RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=2TU",
                3,
                lead_time_days=90,
            ),
        ),
    ),
    DemoCustomer(
        "Lone Star Energy LLC",
        "US",
        "TX",
        "sales",
        12,
        ("sustainability", "IoT", "security"),
        contracts=(Renewal("SCADA security monitoring", NEXT_YEAR),),
        traditions=(
            Yearly(
                BUSY,
                "Hurricane season readiness",
                "RRULE:FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=1",
                61,
                lead_time_days=30,
            ),
        ),
    ),
    DemoCustomer(
        "Hudson Health Systems",
        "US",
        "NY",
        "sales",
        9,
        ("security", "cloud"),
        contracts=(Renewal("Clinical data platform", LONG_RUNNING, 120, 270),),
        traditions=(
            Yearly(
                EVENT,
                "Annual IT planning",
                "RRULE:FREQ=YEARLY;BYMONTH=6;BYDAY=1MO",
                5,
                lead_time_days=60,
                notes="Next fiscal year's budget is set here, before the September close.",
            ),
        ),
    ),
    # Japan
    DemoCustomer(
        "Sakura Electronics K.K.",
        "JP",
        "",
        "kenji",
        3,
        ("IoT", "artificial intelligence"),
        contracts=(Renewal("Design simulation licences", NOTICE_SOON),),
        traditions=(
            Yearly(
                EVENT,
                "Fiscal year kick-off",
                "RRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=1",
                1,
                lead_time_days=60,
            ),
        ),
        notes="Fiscal year ends 31 March, as for most Japanese companies.",
    ),
    DemoCustomer(
        "Kyoto Travel Co., Ltd.",
        "JP",
        "",
        "kenji",
        3,
        ("e-commerce", "cloud"),
        contracts=(Renewal("Booking engine hosting", PRE_SHOPPING_NOW),),
        traditions=(
            Yearly(
                BUSY,
                "Golden Week bookings",
                "RRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=29",
                7,
                lead_time_days=60,
            ),
            Yearly(
                BUSY,
                "Autumn leaves season",
                "RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1",
                30,
                lead_time_days=45,
            ),
        ),
    ),
    DemoCustomer(
        "Hokkaido Foods Co., Ltd.",
        "JP",
        "",
        "kenji",
        12,
        ("logistics", "sustainability"),
        contracts=(Renewal("Cold chain sensors", ENDS_SOON, 30, 120),),
        traditions=(
            Yearly(
                BUSY,
                "Year-end gift season (oseibo)",
                "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=1",
                20,
                lead_time_days=60,
            ),
        ),
    ),
    # China
    DemoCustomer(
        "Shenzhen Bright Manufacturing Co., Ltd.",
        "CN",
        "",
        "kenji",
        12,
        ("IoT", "analytics"),
        contracts=(Renewal("Factory analytics", NEXT_YEAR),),
        spring_festival_shutdown=True,
    ),
    DemoCustomer(
        "Shanghai Silk Road Trading Co., Ltd.",
        "CN",
        "",
        "kenji",
        12,
        ("e-commerce", "logistics"),
        contracts=(Renewal("Marketplace integration", PRE_SHOPPING_NOW),),
        traditions=(
            Yearly(
                BUSY,
                "Singles' Day (11.11)",
                "RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=20",
                23,
                lead_time_days=60,
                notes="Pre-sales start late October; the peak is 11 November.",
            ),
        ),
        spring_festival_shutdown=True,
    ),
]


LOCAL_TRADITIONS = [
    LocalYearly(
        VACATION,
        "Autumn school holiday (week 42)",
        "RRULE:FREQ=YEARLY;BYWEEKNO=42;BYDAY=MO",
        5,
        lead_time_days=21,
        notes="Danish families take the week off; decision makers are hard to reach.",
        country="DK",
    ),
    LocalYearly(
        VACATION,
        "Winter school holiday (week 7)",
        "RRULE:FREQ=YEARLY;BYWEEKNO=7;BYDAY=MO",
        5,
        lead_time_days=21,
        notes="Most of Denmark; some municipalities have it in week 8.",
        country="DK",
    ),
    LocalYearly(
        VACATION,
        "Christmas school holiday",
        "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=21",
        13,
        lead_time_days=30,
        notes="Schools close from about 21 December to 2 January; offices are half empty.",
        country="DK",
    ),
    LocalYearly(
        VACATION,
        "Summer holidays (weeks 28-30)",
        "RRULE:FREQ=YEARLY;BYWEEKNO=28;BYDAY=MO",
        19,
        lead_time_days=30,
        country="DK",
    ),
    LocalYearly(
        VACATION,
        "Industrial holiday (industrisemester)",
        "RRULE:FREQ=YEARLY;BYWEEKNO=28;BYDAY=MO",
        26,
        lead_time_days=30,
        notes="Factories close for four weeks in July.",
        country="SE",
    ),
    LocalYearly(
        VACATION,
        "Common holiday (fellesferie)",
        "RRULE:FREQ=YEARLY;BYWEEKNO=28;BYDAY=MO",
        19,
        lead_time_days=30,
        country="NO",
    ),
    LocalYearly(
        VACATION,
        "August holidays (les vacances)",
        "RRULE:FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=1",
        31,
        lead_time_days=30,
        notes="Much of France is away for August.",
        country="FR",
    ),
    LocalYearly(
        VACATION,
        "Between the years (zwischen den Jahren)",
        "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=27",
        5,
        lead_time_days=30,
        notes="Offices are half empty from 27 to 31 December.",
        country="DE",
    ),
    LocalYearly(
        VACATION,
        "Golden Week",
        "RRULE:FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=29",
        7,
        lead_time_days=30,
        notes="Public holidays and bridge days from 29 April to 5 May.",
        country="JP",
    ),
    LocalYearly(
        VACATION,
        "Obon",
        "RRULE:FREQ=YEARLY;BYMONTH=8;BYMONTHDAY=13",
        4,
        lead_time_days=21,
        country="JP",
    ),
    LocalYearly(
        VACATION,
        "New Year holidays (shōgatsu)",
        "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=29",
        6,
        lead_time_days=30,
        country="JP",
    ),
    LocalYearly(
        VACATION,
        "National Day Golden Week",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1",
        7,
        lead_time_days=30,
        country="CN",
    ),
    LocalYearly(
        VACATION,
        "Year-end slowdown",
        "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=22",
        12,
        lead_time_days=30,
        notes="From the week before Christmas to New Year most buyers are out.",
        country="US",
    ),
]


# People and touchpoints: every demo customer gets the same cast, named for its country, and
# one of the touch stories below in turn, so a newcomer sees a touch on track, one due, one
# overdue, a follow-up and a customer never touched.
@dataclass(frozen=True)
class Role:
    job_title: str
    # Days ago the person started in the role (None: long before anyone remembers).
    started_days_ago: int | None = None
    reports_to_first: bool = False
    # Their part in buying decisions and how much it counts.
    decision_role: str = "none"
    influence: str = "medium"


CAST = (
    Role("Chief Financial Officer", started_days_ago=75, decision_role="economic_buyer",
         influence="high"),
    Role("Head of IT", reports_to_first=True, decision_role="evaluates"),
    Role("Procurement lead", reports_to_first=True, decision_role="buys", influence="low"),
)  # fmt: skip
NAMES = {
    "CN": ("Li Wei", "Zhang Min", "Chen Jing"),
    "DE": ("Anna Schmidt", "Lukas Becker", "Miriam Wolf"),
    "DK": ("Mette Larsen", "Søren Nielsen", "Ida Holm"),
    "FR": ("Claire Martin", "Julien Bernard", "Sophie Laurent"),
    "GB": ("Olivia Brown", "James Taylor", "Amelia Clarke"),
    "JP": ("Yuki Tanaka", "Haruto Suzuki", "Aiko Yamamoto"),
    "NL": ("Sanne de Vries", "Daan Jansen", "Eva Bakker"),
    "NO": ("Ingrid Berg", "Lars Hansen", "Nora Dahl"),
    "SE": ("Elin Lindqvist", "Johan Andersson", "Maja Berg"),
    "US": ("Emma Johnson", "Michael Davis", "Sarah Miller"),
}


@dataclass(frozen=True)
class Touch:
    """A touch `days_ago` days before the demo is loaded, meeting the cast members listed."""

    days_ago: int
    channel: str
    summary: str
    met: tuple[int, ...] = (0,)
    changes: tuple[tuple[str, str], ...] = ()
    outcome: str = "none"
    follow_up_in: int | None = None


TOUCH_STORIES: tuple[tuple[Touch, ...], ...] = (
    (  # on track: a visit last week
        Touch(70, "visit", "Quarterly review.", changes=(("priorities", "Cost control first."),)),
        Touch(8, "visit", "Met the new CFO.", met=(0, 1),
              changes=(("people", "New CFO since spring; she signs everything over 50k."),
                       ("budget", "Next year's budget is set in the autumn round."))),
    ),
    (  # due: the last touch was a month ago
        Touch(33, "video", "Roadmap call.", met=(1,),
              changes=(("competitors", "Talking to a cheaper local vendor."),)),
    ),
    (  # overdue: two months of silence
        Touch(120, "phone", "Renewal heads-up.", met=(2,)),
        Touch(62, "email", "Sent the case study.", met=(2,),
              changes=(("decision", "Procurement runs a tender next year."),)),
    ),
    (  # a follow-up agreed at the last touch
        Touch(12, "event", "Met at our customer day.", met=(0, 2),
              changes=(("priorities", "Wants a pilot before the budget round."),),
              outcome="follow_up", follow_up_in=9),
    ),
    (  # honest advice: we sent them elsewhere
        Touch(20, "visit", "They need a niche tool we do not make.", met=(1,),
              changes=(("other", "Pointed them to a specialist partner."),),
              outcome="referred_elsewhere"),
    ),
    (),  # never touched yet
)  # fmt: skip


# Our plans, so a newcomer sees My plans, the check and the timeline at work on first run: some
# clear, some with blockers (school holidays, the days between the years), some with warnings
# (a weekend, busy seasons), one confirmed, one cancelled.
@dataclass(frozen=True)
class DemoPlan:
    """A plan dated from the day the demo is loaded.

    `in_weeks` weeks after this week, on `weekday` (1 Monday … 7 Sunday); or, with `iso_week`,
    that ISO week of the first year in which it is at least four weeks away; or, with
    `month_day`, the first such day at least two weeks away.
    """

    title: str
    kind: str
    owner: str
    days: int = 1
    in_weeks: int = 0
    weekday: int = 2
    iso_week: int = 0
    month_day: tuple[int, int] | None = None
    status: str = "draft"
    customers: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    notes: str = ""


PLANS = (
    DemoPlan("Quarterly review at Nordlys", "visit", "mette", in_weeks=2, weekday=3,
             status="confirmed", customers=("Nordlys Retail A/S",)),
    DemoPlan("AI webinar for the Nordics", "webinar", "sales", in_weeks=3, weekday=4,
             countries=("DK", "SE", "NO"), interests=("artificial intelligence",)),
    DemoPlan("Open house in Aarhus", "event", "sales", in_weeks=5, weekday=6,
             customers=("Aarhus Software House ApS", "Jydsk Maskinfabrik A/S"),
             notes="On a Saturday so the engineers can come: the check warns about it."),
    DemoPlan("Cloud migration campaign", "campaign", "sales", days=14, in_weeks=4, weekday=1,
             interests=("cloud",)),
    DemoPlan("Security roadshow", "trade_fair", "jonas", days=3, in_weeks=7, weekday=2,
             status="confirmed", interests=("security",)),
    DemoPlan("Partner summit Stockholm", "event", "sales", days=2, in_weeks=6, weekday=3,
             status="cancelled", countries=("SE",),
             notes="Called off: the venue was double-booked. Cancelled plans leave the check."),
    DemoPlan("Year-end thank-you webinar", "webinar", "sales", month_day=(12, 29),
             countries=("DE", "JP"),
             notes="Between the years in Germany and the New Year holidays in Japan: blockers."),
    DemoPlan("Christmas shop promotion", "campaign", "mette", days=10, month_day=(12, 1),
             customers=("Nordlys Retail A/S", "Brighton Fashion Retail Ltd")),
    DemoPlan("Nordic customer day", "event", "sales", days=2, iso_week=42, weekday=2,
             countries=("DK",),
             notes="Danish week 42 is the autumn school holiday: the planner offers week 43."),
    DemoPlan("Winter kick-off meetings in Denmark", "meeting", "mette", days=2, iso_week=7,
             weekday=2, countries=("DK",)),
    DemoPlan("Hamburg logistics visit", "visit", "jonas", in_weeks=1, weekday=4,
             customers=("Hanse Versand GmbH",)),
)  # fmt: skip


# How some customers decide, so the demo shows a decision map with stances, steps with a
# finding (a board meeting after the notice deadline), a committee meeting monthly, factors,
# competitors and one customer where we are likely just a data point (Havfrue Shipping).
@dataclass(frozen=True)
class DemoStep:
    """A decision step `after_notice` days after the notice deadline of the customer's first
    contract (negative: before it), or repeating by `rule` from today."""

    title: str
    after_notice: int = 0
    rule: str = ""


@dataclass(frozen=True)
class DemoCompetitor:
    name: str
    offering: str
    incumbent: bool = False
    value_proposition: str = ""
    strengths: str = ""
    weaknesses: str = ""
    noted_days_ago: int = 60


@dataclass(frozen=True)
class DemoDecision:
    # The cast's stances toward us and what each personally wins or fears, in CAST's order.
    stances: tuple[str, str, str]
    stakes: tuple[str, str, str] = ("", "", "")
    # A stance held before (first load only), so the map shows a dated change.
    earlier_stances: tuple[str, str, str] = ("", "", "")
    factors: tuple[tuple[str, int, str], ...] = ()
    steps: tuple[DemoStep, ...] = ()
    competitors: tuple[DemoCompetitor, ...] = ()


DECISIONS = {
    "Nordlys Retail A/S": DemoDecision(
        stances=("supporter", "champion", "neutral"),
        stakes=("Must show the board lower running costs.",
                "Wants to retire the old shop system before Christmas.", ""),
        factors=(("Cost model", 5, "Per store, not per user."), ("Uptime in December", 4, ""),
                 ("Tooling", 2, "Their developers know our stack.")),
        steps=(DemoStep("Requirements", after_notice=-45),
               DemoStep("Committee meeting", rule="RRULE:FREQ=MONTHLY;BYDAY=2TU"),
               DemoStep("Board approval", after_notice=11)),
        competitors=(DemoCompetitor("ShopCloud Nordic", "Hosted webshop platform",
                                    value_proposition="Cheaper per store.",
                                    weaknesses="No Danish support at night."),),
    ),
    "Havfrue Shipping ApS": DemoDecision(
        stances=("sceptic", "neutral", "unknown"),
        stakes=("Fears another tracking project that slips.", "", ""),
        earlier_stances=("supporter", "", ""),
        factors=(("Price", 5, "Tender-driven."), ("Transport coverage", 4, "Baltic routes."),
                 ("Duty and customs data", 3, "")),
        steps=(DemoStep("Evaluation of offers", after_notice=-5),
               DemoStep("Legal review", after_notice=20)),
        competitors=(DemoCompetitor("BlueTrack Telematics", "Fleet tracking, since 2019",
                                    incumbent=True,
                                    value_proposition="Already installed on every ship.",
                                    strengths="Switching costs; the captains know it.",
                                    weaknesses="Reporting is weak; no emissions data.",
                                    noted_days_ago=400),),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class DemoStrategy:
    """What a customer plans to change; `stage` is where it was when we first heard of it."""

    title: str
    stage: str
    noted_days_ago: int
    how_we_help: str = ""


# Strategies: Nordlys told us while shaping; Havfrue's we first saw as an RFP (we came in late).
STRATEGIES = {
    "Nordlys Retail A/S": (
        DemoStrategy(
            "One loyalty programme across stores and webshop",
            "shaping",
            20,
            "Our customer-data platform on their cloud",
        ),
    ),
    "Havfrue Shipping ApS": (DemoStrategy("Telemetry on every vessel", "shopping_list", 12),),
}
# Interests last confirmed this many days ago: stale evidence, so the planner asks again.
STALE_INTERESTS = {("Havfrue Shipping ApS", "sustainability"): 240}
