"""Reading enterprises, scoped by `access.field_records_visible_filter`: staff and auditors of the enterprise's
organization, coordinators and auditors of its program. Funders and outsiders see none; for them an enterprise
answers 404 exactly like a missing one."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, MemberRole, StageChange
from minka.network.models import Organization
from minka.people.identity import InvalidDni, dni_hash, dni_normalize
from minka.people.services import search_key
from minka.programs.models import Program

CENT = Decimal("0.01")
NET = ExpressionWrapper(F("sales") - F("costs"), output_field=DecimalField(max_digits=15, decimal_places=2))
PERSON_RESULTS = 20
# Members listed owner first, then partners, workers and family, in the order of the role choices.
ROLE_ORDER = Case(
    *(When(role=value, then=Value(position)) for position, value in enumerate(MemberRole.values)),
    output_field=IntegerField(),
)


def enterprises_visible(user) -> QuerySet:
    scope = access.field_records_visible_filter(user)
    if scope is None:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(scope)


def enterprise_list(
    *,
    user,
    program: str = "",
    kind: str = "",
    stage: str = "",
    sector: str = "",
    organization: str = "",
    territory: str = "",
    search: str = "",
    visible: QuerySet | None = None,
) -> QuerySet:
    """The enterprises the user sees, filtered (program and organization by slug, territory by ubigeo prefix),
    each with its members counted and its latest month's net income. `visible` is `enterprises_visible(user)`
    when the caller has it already (it costs two queries to build)."""
    enterprises = enterprises_visible(user) if visible is None else visible
    if program:
        enterprises = enterprises.filter(program__slug=program)
    if organization:
        enterprises = enterprises.filter(organization__slug=organization)
    if kind:
        enterprises = enterprises.filter(kind=kind)
    if stage:
        enterprises = enterprises.filter(stage=stage)
    if sector:
        enterprises = enterprises.filter(sector=sector)
    if territory:
        enterprises = enterprises.filter(district__code__startswith=territory)
    if search:
        enterprises = enterprises.filter(name__icontains=search)
    latest = EnterpriseRecord.objects.filter(enterprise=OuterRef("pk")).order_by("-month")
    return (
        enterprises.select_related("program", "organization", "district__parent__parent")
        .annotate(
            member_count=Count("members", distinct=True),
            latest_month=Subquery(latest.values("month")[:1]),
            latest_net_income=Subquery(latest.annotate(net=NET).values("net")[:1], output_field=NET.output_field),
        )
        .order_by("name", "pk")
    )


def enterprise_get(*, user, enterprise_id: int) -> Enterprise:
    """One enterprise the user sees, with its history, members and records loaded."""
    return get_object_or_404(
        enterprises_visible(user)
        .select_related("program", "project", "organization", "site", "district__parent__parent")
        .prefetch_related(
            Prefetch("stage_changes", queryset=StageChange.objects.select_related("recorded_by")),
            Prefetch(
                "members",
                queryset=EnterpriseMember.objects.select_related("participant").order_by(
                    ROLE_ORDER, "participant__paternal_surname", "participant__given_names", "pk"
                ),
            ),
            Prefetch("records", queryset=EnterpriseRecord.objects.order_by("month")),
        ),
        pk=enterprise_id,
    )


def member_get(*, user, member_id: int) -> EnterpriseMember:
    return get_object_or_404(
        EnterpriseMember.objects.filter(enterprise__in=enterprises_visible(user).values("pk")).select_related(
            "enterprise__organization", "enterprise__program", "participant"
        ),
        pk=member_id,
    )


def record_get(*, user, record_id: int) -> EnterpriseRecord:
    return get_object_or_404(
        EnterpriseRecord.objects.filter(enterprise__in=enterprises_visible(user).values("pk")).select_related(
            "enterprise__organization", "enterprise__program"
        ),
        pk=record_id,
    )


def visible_member_ids(*, user, enterprise: Enterprise) -> set[int]:
    """Which of the enterprise's members the user may see by name (people registered or enrolled by another
    organization may be members too)."""
    ids = [member.participant_id for member in enterprise.members.all()]
    if not ids:
        return set()
    return set(access.people_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def program_filter_options(*, user, visible: QuerySet | None = None) -> QuerySet:
    """Programs that have an enterprise the user sees, for the list's filter."""
    visible = (enterprises_visible(user) if visible is None else visible).values("pk")
    return Program.objects.filter(enterprises__in=visible).distinct().only("slug", "name_es", "name_en")


def organization_filter_options(*, user, visible: QuerySet | None = None) -> QuerySet:
    visible = (enterprises_visible(user) if visible is None else visible).values("pk")
    return (
        Organization.objects.filter(enterprises__in=visible)
        .distinct()
        .only("slug", "name", "short_name")
        .order_by("name")
    )


def people_search(*, user, query: str) -> list:
    """Visible people matching every word typed (without accents or case), or an 8-digit DNI."""
    query = (query or "").strip()
    people = access.people_visible(user).select_related("district")
    try:
        digits = dni_normalize(query)
    except InvalidDni:
        words = search_key(query).split()
        if not words or len(" ".join(words)) < 2:
            return []
        for word in words:
            people = people.filter(search_name__contains=word)
    else:
        people = people.filter(dni_hash=dni_hash(digits))
    return list(people[:PERSON_RESULTS])


@dataclass(frozen=True)
class IncomeChange:
    """Net income (sales − costs) of the first monthly record against the latest one."""

    baseline_month: date
    baseline: Decimal
    latest_month: date
    latest: Decimal
    change: Decimal
    percentage: Decimal | None  # None when the baseline is zero: no percentage of nothing


def enterprise_income_change(enterprise: Enterprise) -> IncomeChange | None:
    """How the enterprise's net income moved from its own baseline (its first monthly record) to its latest
    record; None with fewer than two records.

    The percentage is over the baseline's absolute value, so that a loss shrinking reads as a rise; amounts
    and percentage are rounded half-even to the cent.
    """
    records = sorted(enterprise.records.all(), key=lambda record: record.month)
    if len(records) < 2:
        return None
    first, last = records[0], records[-1]
    baseline, latest = first.net_income, last.net_income
    change = latest - baseline
    percentage = None
    if baseline:
        percentage = (change * 100 / abs(baseline)).quantize(CENT, rounding=ROUND_HALF_EVEN)
    return IncomeChange(
        baseline_month=first.month,
        baseline=baseline.quantize(CENT, rounding=ROUND_HALF_EVEN),
        latest_month=last.month,
        latest=latest.quantize(CENT, rounding=ROUND_HALF_EVEN),
        change=change.quantize(CENT, rounding=ROUND_HALF_EVEN),
        percentage=percentage,
    )
