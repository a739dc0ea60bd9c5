"""JSON API views: thin wrappers over the serializers, the occurrence stream and the checks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from calendarapp.api import records, serializers
from calendarapp.api.conditional import ConditionalRecordMixin, IdempotentPostMixin
from calendarapp.api.pagination import NewestFirstPagination, prefetch_in_batches
from calendarapp.api.records import EDIT_METHODS, RecordList
from calendarapp.api.renderers import FORMAT_PARAMETER, TABLE_RENDERERS, TableFormatsMixin
from calendarapp.kinds import ALL_KINDS
from calendarapp.lib import countries
from calendarapp.lib.validation import MAX_ID
from calendarapp.models import Plan
from calendarapp.occurrences.decision_checks import risks
from calendarapp.occurrences.opportunities import (
    DEFAULT_DAYS,
    MAX_DAYS,
    OPPORTUNITY_KINDS,
    customers_for,
    opportunities,
)
from calendarapp.occurrences.stream import calendar_between
from calendarapp.planning.check import check_plan
from calendarapp.planning.drafts import Draft, draft_from_plan, draft_of
from calendarapp.planning.services import plan_delete
from calendarapp.planning.suggest import suggest_dates
from calendarapp.relationships import finder
from calendarapp.relationships import records as record_types
from calendarapp.relationships.brief import BRIEF_CUSTOMERS, customer_brief
from calendarapp.roles import can_edit_customers
from customers.facts import ADMIN_FIELDS, FACT_FIELDS, customer_delete
from customers.models import Customer, Person
from traditions.models import Tradition
from traditions.services import tradition_delete

# What a customer's answer reads besides its row: its interests with their names.
CUSTOMER_PREFETCH = ("interest_evidence__interest",)

# Query parameters as the query serializers check them.
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
DAY = {"type": "string", "format": "date"}


class CustomerList(IdempotentPostMixin, generics.ListCreateAPIView):
    """Customers; `?search=` a name, or a person's name or email there; `?ordering=`; a page."""

    queryset = Customer.objects.select_related("owner").prefetch_related(*CUSTOMER_PREFETCH)
    serializer_class = serializers.CustomerSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                {"type": "string", "maxLength": 200},
                description="Part of a customer's or person's name or email",
            ),
            OpenApiParameter(
                "ordering",
                str,
                enum=finder.ORDERINGS,
                description="Sort order (default name). Names sort in Danish order (æ, ø, å "
                "after z), ignoring case. By next touch every customer's next touch is read "
                "from the server's remembered calendar; by risk every customer's risk level "
                "is computed to sort them.",
            ),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        query = serializers.CustomerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data.get("search", "")
        ordering = query.validated_data.get("ordering") or "name"
        customers = Customer.objects.select_related("owner")
        today = timezone.localdate()
        # Every customer's sort key (by next touch: from the remembered calendar), then the
        # touch states and risk levels of the page's customers alone, in a fixed number of
        # queries.
        ids = self.paginate_queryset(
            finder.customer_ids_in_order(customers, today, text=text, ordering=ordering)
        )
        rows = finder.page_rows(customers, today, ids or [], text=text, ordering=ordering)
        page = [row.customer for row in rows]
        prefetch_in_batches(page, *CUSTOMER_PREFETCH)
        context = {
            **self.get_serializer_context(),
            "touches": {row.customer.pk: row.touch for row in rows},
            "risk_levels": {row.customer.pk: row.risk for row in rows},
        }
        serializer = serializers.CustomerSerializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)


class CustomerDetail(ConditionalRecordMixin, generics.RetrieveUpdateDestroyAPIView):
    """PATCH by the account owner (the facts) or a calendar admin (every field)."""

    queryset = CustomerList.queryset
    serializer_class = serializers.CustomerSerializer
    http_method_names = EDIT_METHODS
    writes_facts = True

    def check_object_permissions(self, request: Request, obj: Customer) -> None:
        super().check_object_permissions(request, obj)
        # Before the body is checked: an owner sending `name` hears that it is not theirs.
        if request.method == "PATCH" and not can_edit_customers(request.user):
            if sent := [name for name in ADMIN_FIELDS if name in request.data]:
                raise PermissionDenied(
                    f"Only a calendar admin changes {', '.join(sent)}; the account owner"
                    f" changes {', '.join(FACT_FIELDS)}."
                )

    def perform_destroy(self, instance: Customer) -> None:
        customer_delete(customer=instance)


class CustomerHistory(generics.ListAPIView):
    """A customer's dated changes of its facts, newest first: who, and on which touch."""

    serializer_class = serializers.CustomerChangeSerializer

    def get_queryset(self) -> QuerySet:
        customer = get_object_or_404(Customer, pk=self.kwargs["pk"])
        return customer.fact_changes.select_related("by")


def _may_write_tradition(user: Any, customer: Customer | None) -> None:
    """A customer's own tradition: its account owner or a calendar admin; a local one: admins."""
    if customer is None:
        if not can_edit_customers(user):
            raise PermissionDenied("Only a calendar admin changes a country's local traditions.")
    elif not record_types.TRADITION.may_change(user, customer):
        raise PermissionDenied("Only the customer's account owner or a calendar admin may.")


class TraditionList(IdempotentPostMixin, generics.ListCreateAPIView):
    queryset = Tradition.objects.all()
    serializer_class = serializers.TraditionSerializer
    writes_traditions = True

    def perform_create(self, serializer: Any) -> None:
        _may_write_tradition(self.request.user, serializer.validated_data.get("customer"))
        serializer.save()


class TraditionDetail(ConditionalRecordMixin, generics.RetrieveUpdateDestroyAPIView):
    queryset = Tradition.objects.select_related("customer")
    serializer_class = serializers.TraditionSerializer
    http_method_names = EDIT_METHODS
    writes_traditions = True

    def check_object_permissions(self, request: Request, obj: Tradition) -> None:
        super().check_object_permissions(request, obj)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _may_write_tradition(request.user, obj.customer)

    def perform_destroy(self, instance: Tradition) -> None:
        tradition_delete(tradition=instance)


class PlanList(IdempotentPostMixin, generics.ListCreateAPIView):
    queryset = Plan.objects.select_related("owner").prefetch_related(
        "customers", "interests", "offers"
    )
    serializer_class = serializers.PlanSerializer
    writes_plans = True

    def perform_create(self, serializer) -> None:
        serializer.save(owner=self.request.user)


class PlanAudience(TableFormatsMixin, APIView):
    """The active customers a saved plan reaches, by name; `?format=csv|xlsx` as a spreadsheet."""

    renderer_classes = TABLE_RENDERERS

    @extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses=serializers.AudienceCustomerSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        plan = get_object_or_404(PlanList.queryset, pk=pk)
        self.download_name = f"plan-{plan.pk}-audience"
        reached = draft_from_plan(plan).audience_queryset().select_related("owner")
        return self.rows_answer(
            reached.order_by("name", "id"), serializers.AudienceCustomerSerializer
        )


class PlanDetail(ConditionalRecordMixin, generics.RetrieveUpdateDestroyAPIView):
    queryset = PlanList.queryset
    serializer_class = serializers.PlanSerializer
    http_method_names = EDIT_METHODS
    writes_plans = True

    def perform_destroy(self, instance: Plan) -> None:
        plan_delete(plan=instance)


class TouchpointList(TableFormatsMixin, RecordList):
    """The team's touchpoints, `?since=`/`?until=` a period; `?format=csv|xlsx` as a spreadsheet."""

    serializer_class = records.TouchpointSerializer
    renderer_classes = TABLE_RENDERERS
    download_name = "touchpoints"
    # Logged all day: a cursor keeps a page's rows from shifting onto the next one.
    pagination_class = NewestFirstPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", ID, description="Only this customer's touchpoints"),
            OpenApiParameter("since", DAY, description="From this day, YYYY-MM-DD"),
            OpenApiParameter("until", DAY, description="Up to this day, YYYY-MM-DD"),
            FORMAT_PARAMETER,
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if "since" in self.query:
            queryset = queryset.filter(date__gte=self.query["since"])
        if "until" in self.query:
            queryset = queryset.filter(date__lte=self.query["until"])
        return queryset


def draft_from_data(data: dict) -> Draft:
    """The validated body as a draft (the serializers require kind and dates)."""
    draft = draft_of(data, data.get("id"))
    assert draft is not None
    return draft


class PlanCheck(APIView):
    """Check a plan, saved or not, against its audience's calendars."""

    read_only_post = True

    @extend_schema(
        request=serializers.PlanDraftSerializer, responses=serializers.CheckResultSerializer
    )
    def post(self, request: Request) -> Response:
        body = serializers.PlanDraftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        result = check_plan(draft_from_data(body.validated_data))
        return Response(serializers.CheckResultSerializer(result).data)


class PlanSuggest(APIView):
    """Rank start dates for a plan and load each ISO week of the search range."""

    read_only_post = True

    @extend_schema(
        request=serializers.SuggestSerializer, responses=serializers.SuggestionsSerializer
    )
    def post(self, request: Request) -> Response:
        body = serializers.SuggestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = suggest_dates(
            draft_from_data(data),
            duration_days=data["duration_days"],
            search_start=data["search_start"],
            search_end=data["search_end"],
        )
        return Response(serializers.SuggestionsSerializer(result).data)


class OccurrenceList(TableFormatsMixin, APIView):
    """Every occurrence in a window, for all customers, one customer or one country.

    `?format=csv` or `?format=xlsx` gives the same rows as a spreadsheet.
    """

    renderer_classes = TABLE_RENDERERS
    download_name = "occurrences"

    @extend_schema(
        parameters=[
            OpenApiParameter("start", DAY, description="First day, YYYY-MM-DD (default today)"),
            OpenApiParameter(
                "end",
                DAY,
                description="Last day, YYYY-MM-DD (default start + 90 days), at most three years"
                " after start",
            ),
            OpenApiParameter("customer", ID, description="Only this customer's calendar"),
            OpenApiParameter(
                "country",
                {"type": "string", "enum": sorted(countries.country_names())},
                description="Only this country (ISO 3166-1 alpha-2)",
            ),
            OpenApiParameter("kind", str, enum=sorted(ALL_KINDS), description="Only this kind"),
            FORMAT_PARAMETER,
        ],
        responses=serializers.OccurrenceSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = serializers.OccurrenceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        customers = Customer.objects.filter(active=True)
        countries = []
        if "customer" in params:
            customers = Customer.objects.filter(pk=params["customer"].pk)
        if "country" in params:
            customers = customers.filter(country=params["country"])
            countries = [params["country"]]
        calendar = calendar_between(
            params["start"],
            params["end"],
            customers=customers,
            countries=countries,
            kinds=[params["kind"]] if "kind" in params else None,
        )
        return self.rows_answer(calendar.occurrences, serializers.OccurrenceSerializer)


class PersonHistory(generics.ListAPIView):
    """A person's dated changes of part, stance, influence and personal stake, newest first."""

    serializer_class = serializers.PersonChangeSerializer

    def get_queryset(self) -> QuerySet:
        person = get_object_or_404(Person, pk=self.kwargs["pk"])
        return person.changes.all()


class CustomerRisk(generics.GenericAPIView):
    """The "are we just a data point?" check: level, the signals behind it, what to ask next."""

    queryset = Customer.objects.all()

    @extend_schema(responses=serializers.RiskSerializer)
    def get(self, request: Request, pk: int) -> Response:
        customer = self.get_object()
        risk = risks(Customer.objects.filter(pk=customer.pk), timezone.localdate())[customer.pk]
        return Response(serializers.RiskSerializer(risk).data)


class CustomerBrief(generics.GenericAPIView):
    """Before you call: last touch, follow-ups, people, risk, interests, season, four weeks."""

    queryset = BRIEF_CUSTOMERS

    @extend_schema(responses=serializers.BriefSerializer)
    def get(self, request: Request, pk: int) -> Response:
        brief = customer_brief(self.get_object(), timezone.localdate())
        return Response(serializers.BriefSerializer(brief).data)


class OpportunityList(TableFormatsMixin, APIView):
    """What to act on now: the same list as the Opportunities page; `?format=csv|xlsx` too."""

    renderer_classes = TABLE_RENDERERS
    download_name = "opportunities"

    @extend_schema(
        parameters=[
            OpenApiParameter("owner", str, description="A username or `me`; default the team"),
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": MAX_DAYS},
                description=f"Days ahead (default {DEFAULT_DAYS})",
            ),
            OpenApiParameter(
                "kind",
                str,
                enum=list(OPPORTUNITY_KINDS),
                description="Only this kind of opportunity",
            ),
            OpenApiParameter(
                "interest",
                {"type": "string", "maxLength": 60},
                description="Only customers with this interest",
            ),
            FORMAT_PARAMETER,
        ],
        responses=serializers.OpportunitySerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = serializers.OpportunityQuerySerializer(
            data=request.query_params, context={"request": request}
        )
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = opportunities(
            customers_for(owner=params.get("owner"), interest=params.get("interest", "")),
            days=params.get("days", DEFAULT_DAYS),
            kind=params.get("kind", ""),
        )
        return self.rows_answer(found, serializers.OpportunitySerializer)


# Any method: without the exemption a POST, PATCH or DELETE met Django's HTML CSRF page first.
@csrf_exempt
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """An API path that names nothing (an id like -1 or 1.5 included): 404 in the API's shape."""
    return JsonResponse({"errors": {"detail": ["There is nothing at this address."]}}, status=404)
