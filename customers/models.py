"""Customers, their contracts and what they care about."""

from __future__ import annotations

import calendar
import datetime
import zoneinfo
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from recurrence.fields import RecurrenceField

from calendarapp.lib import cadence, countries, dates, email_domains, evidence, renewals
from calendarapp.lib.validation import validate_calendar_date, validate_month


class Interest(models.Model):
    """A topic a customer cares about ("cloud", "sustainability"): plans target these."""

    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(
        max_length=2, help_text="ISO 3166-1 alpha-2 code, for example DK or DE."
    )
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text="State or region where public holidays differ, for example BY for Bavaria.",
    )
    timezone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone; defaults to the country's main one."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customers",
        verbose_name="account owner",
        db_index=False,  # customer_owner_active_idx starts with the owner and serves its lookups
    )
    budget_close_month = models.PositiveSmallIntegerField(
        default=12,
        validators=[validate_month],
        help_text="The month the customer's fiscal year and budget close (1-12).",
    )
    # Each row of the through model is evidence: when, how and how strongly we learned it.
    interests = models.ManyToManyField(
        Interest, blank=True, related_name="customers", through="CustomerInterest"
    )
    contact_every_days = models.PositiveSmallIntegerField(
        default=cadence.default_contact_every_days,
        validators=[MinValueValidator(cadence.MIN_DAYS), MaxValueValidator(cadence.MAX_DAYS)],
        verbose_name="be in touch every (days)",
        help_text="Days between touches (7-365); the next one is placed on a good day.",
    )
    strategy_weeks_before_start = models.PositiveSmallIntegerField(
        default=evidence.default_strategy_weeks_before_start,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        verbose_name="strategy season starts (weeks before the budget close)",
        help_text="They start shaping next year's strategy this many weeks before the last day"
        " of the budget-close month.",
    )
    strategy_weeks_before_end = models.PositiveSmallIntegerField(
        default=evidence.default_strategy_weeks_before_end,
        validators=[MinValueValidator(0), MaxValueValidator(51)],
        verbose_name="strategy season ends (weeks before the budget close)",
        help_text="By this many weeks before the budget close, the strategy is set.",
    )
    email_domains = models.JSONField(
        default=list,
        blank=True,
        verbose_name="email domains",
        help_text="The customer's own email domains, such as acme.com: whoever writes from"
        " them is the customer's (calendar attendees). Not free mail, not ours.",
    )
    notes = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        # The facts sales learns in calls, changed by the account owner (roles.CHANGE_FACTS);
        # `change_customer` stays the calendar admins' (name, country, owner, active).
        permissions = [("change_customer_facts", "Can change the facts of customers they own")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategy_weeks_before_start__gt=F("strategy_weeks_before_end")),
                name="customer_strategy_season_start_before_end",
                violation_error_message="The strategy season starts before it ends.",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_close_month__gte=1, budget_close_month__lte=12),
                name="customer_budget_close_month_1_12",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    contact_every_days__gte=cadence.MIN_DAYS,
                    contact_every_days__lte=cadence.MAX_DAYS,
                ),
                name="customer_contact_every_7_365",
            ),
        ]
        indexes = [
            # The timeline and the conflict check select customers by country and region; the
            # country feed and the timeline's country filter read active customers of a country.
            models.Index(fields=["country", "subdivision"], name="customer_country_idx"),
            # The timeline's pages and the stream read active customers in name order
            # (`ORDER BY name, id` with OFFSET/LIMIT), so a page is an index range, not a sort.
            # Partial, so it holds only the rows those reads want and nothing else competes.
            models.Index(
                fields=["name", "id"],
                condition=models.Q(active=True),
                name="customer_active_name_idx",
            ),
            # The "My customers" feed and the timeline's owner filter: one owner's active ones.
            models.Index(fields=["owner", "active"], name="customer_owner_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str | list[str]] = {}
        if error := countries.validate_country(self.country):
            errors["country"] = error
        elif error := countries.validate_subdivision(self.country, self.subdivision):
            errors["subdivision"] = error
        if self.timezone:
            try:
                zoneinfo.ZoneInfo(self.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                errors["timezone"] = (
                    f"“{self.timezone}” is not an IANA time zone such as Europe/Berlin."
                )
        elif "country" not in errors:
            self.timezone = countries.default_timezone(self.country)
        try:
            self.email_domains = email_domains.clean_email_domains(self.email_domains)
        except ValidationError as error:
            errors["email_domains"] = error.messages
        if (
            self.strategy_weeks_before_start is not None
            and self.strategy_weeks_before_end is not None
            and self.strategy_weeks_before_start <= self.strategy_weeks_before_end
        ):
            errors["strategy_weeks_before_end"] = (
                "The season ends fewer weeks before the budget close than it starts."
            )
        if errors:
            raise ValidationError(errors)


class Contract(models.Model):
    """A contract whose renewal we must not miss.

    From the end date come the renewal windows: pre-shopping opens
    `pre_shopping_days` before the end, the decision falls on the notice
    deadline `notice_period_days` before the end, and then the contract ends.
    """

    # contract_customer_end_idx starts with the customer and serves its lookups.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contracts", db_index=False
    )
    name = models.CharField(max_length=200)
    end_date = models.DateField(validators=[validate_calendar_date])
    notice_period_days = models.PositiveIntegerField(
        default=90, help_text="Days before the end date by which the customer must give notice."
    )
    pre_shopping_days = models.PositiveIntegerField(
        default=180,
        validators=[MaxValueValidator(3650)],
        help_text="Days before the end date the customer starts looking at offers.",
    )
    notes = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["end_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pre_shopping_days__gte=models.F("notice_period_days")),
                name="contract_pre_shopping_before_notice",
                violation_error_message=(
                    "Pre-shopping must start no later than the notice deadline."
                ),
            ),
        ]
        indexes = [
            # The contracts source reads the customers' contracts ending in a window.
            models.Index(fields=["customer", "end_date"], name="contract_customer_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer})"

    def clean(self) -> None:
        if self.pre_shopping_days < self.notice_period_days:
            raise ValidationError(
                {"pre_shopping_days": "Pre-shopping must start no later than the notice deadline."}
            )

    @property
    def pre_shopping_start(self) -> datetime.date:
        return renewals.pre_shopping_start(self.end_date, self.pre_shopping_days)

    @property
    def notice_deadline(self) -> datetime.date:
        return renewals.notice_deadline(self.end_date, self.notice_period_days)


class DecisionRole(models.TextChoices):
    """A person's part in buying decisions."""

    DECIDES = "decides", "Decides"
    ECONOMIC_BUYER = "economic_buyer", "Economic buyer (holds the budget)"
    CHAMPION = "champion", "Champion"
    INFLUENCES = "influences", "Influences"
    EVALUATES = "evaluates", "Evaluates"
    USES = "uses", "Uses"
    BUYS = "buys", "Buys (procurement)"
    GATEKEEPER = "gatekeeper", "Gatekeeper"
    BLOCKER = "blocker", "Blocker"
    NONE = "none", "No part"


class Stance(models.TextChoices):
    """A person's stance toward us."""

    CHAMPION = "champion", "Champion"
    SUPPORTER = "supporter", "Supporter"
    NEUTRAL = "neutral", "Neutral"
    SCEPTIC = "sceptic", "Sceptic"
    OPPONENT = "opponent", "Opponent"
    UNKNOWN = "unknown", "Unknown"


class Influence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Person(models.Model):
    """Someone at the customer we talk to; `started_on`/`left_on` show who is new and who left."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    country = models.CharField(
        max_length=2, blank=True, help_text="Where the person sits, if not the customer's country."
    )
    subdivision = models.CharField(
        max_length=10, blank=True, help_text="Region, if it differs from the customer's."
    )
    reports_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text="Another person of the same customer.",
    )
    active = models.BooleanField(default=True)
    started_on = models.DateField(
        null=True, blank=True, validators=[validate_calendar_date], help_text="In the role since."
    )
    left_on = models.DateField(
        null=True, blank=True, validators=[validate_calendar_date], help_text="Left the role on."
    )
    notes = models.TextField(blank=True)
    decision_role = models.CharField(
        max_length=20,
        choices=DecisionRole.choices,
        default=DecisionRole.NONE,
        verbose_name="part in buying decisions",
    )
    stance = models.CharField(
        max_length=10, choices=Stance.choices, default=Stance.UNKNOWN, verbose_name="stance to us"
    )
    influence = models.CharField(max_length=10, choices=Influence.choices, default=Influence.MEDIUM)
    personal_stake = models.TextField(
        blank=True, help_text="What this person personally wins or fears with this decision."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-active", "name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(started_on__isnull=True)
                | models.Q(left_on__gte=models.F("started_on")),
                name="person_left_after_started",
                violation_error_message="A person cannot leave before they started.",
            ),
        ]
        indexes = [
            # A calendar sync finds the people among a meeting's attendees by email, any case.
            models.Index(Lower("email"), name="person_email_lower_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}" if self.job_title else self.name

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#people-title"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.reports_to_id is not None:
            if self.reports_to_id == self.pk:
                errors["reports_to"] = "A person cannot report to themselves."
            elif self.reports_to is None or self.reports_to.customer_id != self.customer_id:
                errors["reports_to"] = "Choose a person of the same customer."
        if self.left_on and self.started_on and self.left_on < self.started_on:
            errors["left_on"] = "A person cannot leave before they started."
        if self.country:
            if error := countries.validate_country(self.country):
                errors["country"] = error
        region = self.country or (self.customer.country if self.customer_id else "")
        if self.subdivision and "country" not in errors and region:
            if error := countries.validate_subdivision(region, self.subdivision):
                errors["subdivision"] = error
        if errors:
            raise ValidationError(errors)


def present_people(today: datetime.date, via: str = "") -> models.Q:
    """People still there on `today`: active and not left on or before it (`via`: "person__")."""
    # Asked at query time, never stored: a leaving day passes without a save.
    return models.Q(**{f"{via}active": True}) & (
        models.Q(**{f"{via}left_on__isnull": True}) | models.Q(**{f"{via}left_on__gt": today})
    )


def people_to_choose(
    customer: Customer, today: datetime.date, keep: Iterable[int | None] = ()
) -> models.QuerySet[Person]:
    """The customer's people a picker offers: those still there, and those in `keep` (the people
    an edited record already names, which it keeps)."""
    kept = [pk for pk in keep if pk is not None]
    return Person.objects.filter(
        models.Q(customer=customer) & (present_people(today) | models.Q(pk__in=kept))
    )


def strangers_error(customer: Customer, people: Iterable[Person]) -> str:
    """The rule that the people a record names are its customer's: what is wrong, or ""."""
    strangers = [person.name for person in people if person.customer_id != customer.pk]
    if not strangers:
        return ""
    return f"Not a person of {customer.name}: {', '.join(strangers)}."


class Channel(models.TextChoices):
    VISIT = "visit", "Visit"
    VIDEO = "video", "Video call"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class TouchSource(models.TextChoices):
    MANUAL = "manual", "Logged by hand"
    CALENDAR = "calendar", "From a calendar"


class Outcome(models.TextChoices):
    NONE = "none", "Nothing to follow up"
    FOLLOW_UP = "follow_up", "Follow up on a date"
    REFERRED_ELSEWHERE = "referred_elsewhere", "Referred elsewhere (a better fit for them)"
    NOT_NOW = "not_now", "Not now: ask again on a date"


class Topic(models.TextChoices):
    PEOPLE = "people", "People"
    PRIORITIES = "priorities", "Priorities"
    BUDGET = "budget", "Budget"
    COMPETITORS = "competitors", "Competitors"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


# Outcomes that carry a date: the day to follow up, or to ask again.
DATED_OUTCOMES = frozenset({Outcome.FOLLOW_UP, Outcome.NOT_NOW})
CHANGE_TEXT_MAX = 500


class Touchpoint(models.Model):
    """One contact with a customer, and what had changed since the last one.

    `changes` is a list of `{"topic": …, "text": …}`, topics from `Topic`.
    """

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="touchpoints",
        db_index=False,  # touchpoint_customer_date_idx starts with the customer and serves it
    )
    date = models.DateField(validators=[validate_calendar_date], help_text="Today or earlier.")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    people = models.ManyToManyField(
        Person, blank=True, related_name="touchpoints", help_text="Whom we met."
    )
    our_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="touchpoints",
        verbose_name="who from our side",
    )
    summary = models.TextField(blank=True)
    changes = models.JSONField(default=list, blank=True, help_text="What has changed, by topic.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.NONE)
    follow_up_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_calendar_date],
        help_text="For a follow-up, or when to ask again after a not now.",
    )
    source = models.CharField(
        max_length=10,
        choices=TouchSource.choices,
        default=TouchSource.MANUAL,
        help_text="Logged by hand, or by a calendar sync from a meeting.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome__in=sorted(DATED_OUTCOMES))
                | models.Q(follow_up_on__isnull=False),
                name="touchpoint_dated_outcome_has_date",
                violation_error_message="A follow-up or a not now needs a date.",
            ),
        ]
        indexes = [
            # The touches source's last touch per customer (MAX(date) GROUP BY customer) and the
            # customer page's history (a customer's touchpoints, newest first).
            models.Index(fields=["customer", "date"], name="touchpoint_customer_date_idx"),
            # The team's touchpoints newest first, a page at a time (`GET /api/touchpoints`): each
            # page an index range from the row the last one ended on, at any number of rows.
            models.Index(fields=["-date", "-id"], name="touchpoint_newest_first_idx"),
            # The touches source's earliest follow-up after the last touch, per customer.
            models.Index(
                fields=["customer", "follow_up_on"],
                condition=models.Q(follow_up_on__isnull=False),
                name="touchpoint_follow_up_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} with {self.customer} on {self.date:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("touchpoint-edit", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = "A touch is today or earlier; a future one is a plan."
        if self.outcome in DATED_OUTCOMES and not self.follow_up_on:
            errors["follow_up_on"] = "Give the date to follow up or to ask again."
        elif self.outcome not in DATED_OUTCOMES and self.follow_up_on:
            errors["follow_up_on"] = "Only a follow-up or a not now takes a date."
        elif self.follow_up_on and self.date and self.follow_up_on <= self.date:
            errors["follow_up_on"] = "The follow-up comes after the touch."
        if error := _changes_error(self.changes):
            errors["changes"] = error
        if errors:
            raise ValidationError(errors)


def _changes_error(changes: object) -> str:
    """What is wrong with a list of changes, or "" if nothing."""
    if not isinstance(changes, list):
        return 'Give a list of changes such as [{"topic": "budget", "text": "…"}].'
    for number, change in enumerate(changes, 1):
        if not isinstance(change, dict) or set(change) != {"topic", "text"}:
            return f'Change {number}: give exactly a "topic" and a "text".'
        if change["topic"] not in Topic.values:
            topics = ", ".join(Topic.values)
            return f"Change {number}: “{change['topic']}” is not a topic; choose one of {topics}."
        text = change["text"]
        if not isinstance(text, str) or not text.strip():
            return f"Change {number}: say in a sentence what changed."
        if "\x00" in text:  # PostgreSQL cannot store it, in a JSON text or anywhere
            return f"Change {number}: remove the NUL character (\\x00) from the text."
        if len(text) > CHANGE_TEXT_MAX:
            return f"Change {number}: keep it to {CHANGE_TEXT_MAX} characters."
    return ""


# The person fields whose changes are kept with their date (`PersonChange`).
DECISION_FIELDS = ("decision_role", "stance", "influence", "personal_stake")


class PersonChange(models.Model):
    """A dated change of a person's part, stance, influence or personal stake.

    Written by `person_save` in the same transaction as the change, so the
    customer page can say "CFO changed from supporter to sceptic on 3 Mar".
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20, choices=[(f, f) for f in DECISION_FIELDS])
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    changed_on = models.DateField(default=timezone.localdate)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "change of a person's part"

    def __str__(self) -> str:
        return f"{self.person.name}: {self.text}"

    @property
    def text(self) -> str:
        """ "stance changed from supporter to sceptic on 3 Mar 2027", as the customer page says."""
        when = f"{self.changed_on.day} {self.changed_on:%b %Y}"
        if self.field == "personal_stake":
            return f"personal stake noted on {when}"
        field = Person._meta.get_field(self.field)
        assert isinstance(field, models.Field)
        labels = dict(field.choices or [])
        new = str(labels.get(self.new_value, self.new_value)).lower()
        name = str(field.verbose_name)
        if not self.old_value:
            return f"{name} set to {new} on {when}"
        old = str(labels.get(self.old_value, self.old_value)).lower()
        return f"{name} changed from {old} to {new} on {when}"


class DecisionFactor(models.Model):
    """What counts in a customer's decision (price, tooling, transport, …), weighted 1-5."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="decision_factors"
    )
    name = models.CharField(max_length=100)
    weight = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How much it counts, 1 (a little) to 5 (decisive).",
    )
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-weight", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=5),
                name="decisionfactor_weight_1_5",
                violation_error_message="The weight is 1 to 5.",
            ),
            models.UniqueConstraint(
                fields=["customer", "name"],
                name="decisionfactor_unique_name",
                violation_error_message="This customer already has a factor of that name.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}/5)"

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#decision-title"


class DecisionStep(models.Model):
    """One step of how a customer decides, on a date or repeating (the committee's meetings).

    A step with a recurrence repeats from its `date` (then a date of the rule),
    or, without one, from `repeats_from`, the day it was recorded.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="decision_steps")
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="decision_steps",
        help_text="The contract this step decides on, if one.",
    )
    title = models.CharField(
        max_length=200,
        help_text="Requirements, evaluation, committee meeting, board approval, legal review…",
    )
    date = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    recurrence = RecurrenceField(
        null=True, blank=True, help_text="How it repeats, e.g. monthly on the second Tuesday."
    )
    repeats_from = models.DateField(
        default=timezone.localdate,
        validators=[validate_calendar_date],
        help_text="Without a date, a recurrence repeats from this day.",
    )
    people = models.ManyToManyField(Person, blank=True, related_name="decision_steps")
    done = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decision-step-edit", args=[self.pk])

    @property
    def rule_text(self) -> str:
        """The recurrence as RFC 5545 text, with local days; "" for a one-off step."""
        if not self.recurrence:
            return ""
        return dates.with_local_instants(
            dates.serialize_recurrence(self.recurrence), timezone.get_default_timezone()
        )

    @property
    def first_day(self) -> datetime.date:
        """The day the step, or its recurrence, starts."""
        return self.date or self.repeats_from

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date is None and not self.recurrence:
            errors["date"] = "Give a date, or a recurrence for a step that repeats."
        elif self.recurrence:
            rule = self.rule_text
            if self.date:
                error = dates.validate_rule(
                    rule, self.date, repeat_within=dates.RULE_FROM_REACH_DAYS
                )
            else:
                error = dates.validate_rule_from(rule, self.repeats_from)
            if error:
                errors["recurrence"] = error
        if self.contract_id is not None and self.customer_id is not None:
            if self.contract is None or self.contract.customer_id != self.customer_id:
                errors["contract"] = "Choose a contract of the same customer."
        if errors:
            raise ValidationError(errors)


class Competitor(models.Model):
    """Someone else the customer considers; the incumbent is the one they buy from now."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="competitors")
    name = models.CharField(max_length=200)
    incumbent = models.BooleanField(
        default=False, help_text="They sell to this customer now (we are never a competitor)."
    )
    offering = models.CharField(max_length=200, blank=True, help_text="What they sell there.")
    value_proposition = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    weaknesses = models.TextField(blank=True)
    noted_on = models.DateField(
        default=timezone.localdate, validators=[validate_calendar_date], help_text="First noted on."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-incumbent", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "name"],
                name="competitor_unique_name",
                violation_error_message="This competitor is already recorded for the customer.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#competitors-title"


class Strength(models.TextChoices):
    """How strongly a customer cares about an interest."""

    CURIOUS = "curious", "Curious"
    EVALUATING = "evaluating", "Evaluating"
    COMMITTED = "committed", "Committed"


class CustomerInterest(models.Model):
    """Evidence that a customer cares about an interest: when, how and how strongly we learned it.

    Current while confirmed within `INTEREST_STALE_DAYS` and not `no_longer_on`; the
    planner's "customers interested in" audience reaches only current evidence.
    """

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="interest_evidence",
        db_index=False,  # customerinterest_unique starts with the customer and serves it
    )
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="evidence")
    strength = models.CharField(max_length=10, choices=Strength.choices, default=Strength.CURIOUS)
    noted_on = models.DateField(
        default=timezone.localdate, validators=[validate_calendar_date], help_text="First heard on."
    )
    confirmed_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_calendar_date],
        help_text="Last confirmed on; without it, the evidence dates from when it was noted.",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interest_evidence",
        help_text="The touch where we learned or last confirmed it.",
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interest_evidence",
        help_text="Who told us.",
    )
    no_longer_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_calendar_date],
        help_text="The day they told us they no longer care.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["interest__name"]
        verbose_name = "customer interest"
        constraints = [
            # One evidence record per customer and interest; confirming updates it.
            models.UniqueConstraint(
                fields=["customer", "interest"],
                name="customerinterest_unique",
                violation_error_message="This customer's interest is already noted; confirm it.",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_on__isnull=True)
                | models.Q(confirmed_on__gte=F("noted_on")),
                name="customerinterest_confirmed_after_noted",
                violation_error_message="An interest is confirmed after it was noted.",
            ),
        ]
        indexes = [
            # The audience's "customers with a current interest in …": by interest, then date.
            models.Index(
                fields=["interest", "confirmed_on", "noted_on"],
                condition=models.Q(no_longer_on__isnull=True),
                name="customerinterest_current_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.interest}"

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#interests-title"

    @property
    def last_confirmed(self) -> datetime.date:
        return self.confirmed_on or self.noted_on

    @property
    def stale(self) -> bool:
        """Not confirmed for `INTEREST_STALE_DAYS` (an interest that ended is not stale)."""
        return self.no_longer_on is None and evidence.is_stale(
            self.last_confirmed, timezone.localdate()
        )

    @property
    def current(self) -> bool:
        return self.no_longer_on is None and not self.stale

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        for name in ("noted_on", "confirmed_on", "no_longer_on"):
            if (day := getattr(self, name)) and day > today:
                errors[name] = "Give today or an earlier day: evidence is what we already know."
        if self.confirmed_on and self.noted_on and self.confirmed_on < self.noted_on:
            errors.setdefault("confirmed_on", "An interest is confirmed after it was noted.")
        if self.no_longer_on and self.noted_on and self.no_longer_on < self.noted_on:
            errors.setdefault("no_longer_on", "It ended after it was noted.")
        if self.customer_id is not None:
            if self.touchpoint_id is not None and (
                self.touchpoint is None or self.touchpoint.customer_id != self.customer_id
            ):
                errors["touchpoint"] = "Choose a touchpoint of the same customer."
            if self.person_id is not None and (
                self.person is None or self.person.customer_id != self.customer_id
            ):
                errors["person"] = "Choose a person of the same customer."
        if errors:
            raise ValidationError(errors)


def current_interest_evidence(today: datetime.date) -> models.Q:
    """Evidence rows that are current on `today`: not ended, confirmed within the stale days."""
    since = evidence.stale_before(today)
    return models.Q(no_longer_on__isnull=True) & (
        models.Q(confirmed_on__gte=since) | models.Q(confirmed_on__isnull=True, noted_on__gte=since)
    )


class StrategyStage(models.TextChoices):
    IDEA = "idea", "Idea"
    SHAPING = "shaping", "Shaping"
    SHOPPING_LIST = "shopping_list", "Shopping list (an RFP or a detailed list)"
    DECIDED = "decided", "Decided"


# Stages where we can still help shape the strategy, before it becomes a shopping list.
EARLY_STAGES = frozenset({StrategyStage.IDEA, StrategyStage.SHAPING})
LATE_STAGES = frozenset({StrategyStage.SHOPPING_LIST, StrategyStage.DECIDED})


class Strategy(models.Model):
    """Something a customer plans to change, and how far it got when we heard of it.

    `first_stage` is the stage at which we first noted it: a strategy we first saw as a
    shopping list (or decided) means we came in late, one vendor among dozens.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(max_length=200, help_text="What they want to change.")
    noted_on = models.DateField(
        default=timezone.localdate, validators=[validate_calendar_date], help_text="Noted on."
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="strategies",
        help_text="The touch where we learned it.",
    )
    stage = models.CharField(
        max_length=20, choices=StrategyStage.choices, default=StrategyStage.IDEA
    )
    first_stage = models.CharField(
        max_length=20,
        choices=StrategyStage.choices,
        editable=False,
        help_text="The stage when we first noted it (set once, by strategy_save).",
    )
    how_we_help = models.TextField(blank=True, verbose_name="how we could help")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-noted_on", "title"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.customer_id]) + "#strategies-title"

    @property
    def came_in_late(self) -> bool:
        """It reached a shopping list without us having noted it as an idea or while shaping."""
        return self.stage in LATE_STAGES and self.first_stage not in EARLY_STAGES

    def clean(self) -> None:
        if not self.first_stage:  # set once, whoever saves it first (strategy_save, the admin)
            self.first_stage = self.stage
        errors: dict[str, str] = {}
        if self.noted_on and self.noted_on > timezone.localdate():
            errors["noted_on"] = "Give today or an earlier day."
        if self.touchpoint_id is not None and self.customer_id is not None:
            if self.touchpoint is None or self.touchpoint.customer_id != self.customer_id:
                errors["touchpoint"] = "Choose a touchpoint of the same customer."
        if errors:
            raise ValidationError(errors)


# The customer's fields whose changes are kept with their date (`CustomerChange`), in form order.
CUSTOMER_FIELDS = (
    "name",
    "country",
    "subdivision",
    "timezone",
    "owner",
    "budget_close_month",
    "contact_every_days",
    "strategy_weeks_before_start",
    "strategy_weeks_before_end",
    "email_domains",
    "notes",
    "active",
)


class CustomerChange(models.Model):
    """A dated change of one of a customer's facts: who changed it, and on which touch.

    Written with the change by `customer_facts_save` (and the spreadsheet import's bulk
    writes), so the customer page can say "budget close month: December → March, 4 Dec 2026".
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="fact_changes")
    field = models.CharField(max_length=30, choices=[(f, f) for f in CUSTOMER_FIELDS])
    # As text, as a person reads them: a month's number, an owner's username.
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    changed_on = models.DateField(default=timezone.localdate)
    changed_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who changed it; empty for an import or a removed user.",
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer_changes",
        help_text="The touch it was learned on, if any.",
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "change of a customer's facts"
        indexes = [
            # The customer page and /api/customers/<id>/history: one customer's, newest first.
            models.Index(fields=["customer", "-changed_at"], name="customerchange_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.field} {self.old!r} -> {self.new!r}"

    @property
    def label(self) -> str:
        """The field as the forms name it ("budget close month")."""
        field = Customer._meta.get_field(self.field)
        assert isinstance(field, models.Field)
        return str(field.verbose_name)

    @property
    def text(self) -> str:
        """ "December → March", as the customer page says it (months by name)."""
        old, new = self.old, self.new
        if self.field == "budget_close_month":
            old, new = (calendar.month_name[int(v)] if v.isdigit() else v for v in (old, new))
        return f"{old or '(empty)'} → {new or '(empty)'}"
