"""Pages for funds: the list, a fund's page with its cash, capital, portfolio quality and products, the forms that
change them, the books (journal and trial balance), the portfolio as of any day, a borrower's statement, the close
of day and the collection sheet.

A fund the user may not see is a 404, like a missing one. Reading is open to whoever sees the fund; products,
capital, expenses and officers need `access.fund_can_manage` (else a 403 page); collecting and closing the day
need `access.fund_can_operate`.
"""

import copy
import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minka.accounts import access
from minka.accounts.models import User
from minka.core.errors import ApplicationError
from minka.core.pages import form_add_error, paginate
from minka.credit import arrears, ledger, loans, portfolio, services, tasks
from minka.credit.forms.funds import (
    CollectionForm,
    ContributionForm,
    ExpenseForm,
    FundForm,
    ProductForm,
    SheetFilterForm,
)
from minka.credit.models import ZERO, Fund, Installment, JournalEntry, Loan, LoanProduct, LoanStatus, Transaction
from minka.credit.templatetags.credit import money as money_text
from minka.network.models import Site

# Fetching and small helpers -------------------------------------------------------------------------------------


def fund_get(user, slug: str) -> Fund:
    """The fund if the user may see it; a 404 for both "missing" and "not yours"."""
    return get_object_or_404(access.funds_visible(user).select_related("organization", "program"), slug=slug)


def _require_manager(user, fund: Fund) -> None:
    if not access.fund_can_manage(user, fund):
        raise Forbidden(_("Solo la administración de la organización maneja este fondo."))


def _require_operator(user, fund: Fund) -> None:
    if not access.fund_can_operate(user, fund):
        raise Forbidden(_("No opera este fondo: pida a la administración que le asigne."))


def _as_of(request, name: str = "date") -> datetime.date:
    """The day asked for in `?date=YYYY-MM-DD`; today when absent or unreadable."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def _fund_url(fund: Fund) -> str:
    return reverse("credit:fund_detail", args=[fund.slug])


def _crumbs(fund: Fund | None = None):
    crumbs = [(reverse("credit:fund_list"), _("Fondos de crédito"))]
    if fund is not None:
        crumbs.append((_fund_url(fund), fund.name))
    return crumbs


def _form_page(request, form, *, title, cancel_url, crumbs, **extra):
    context = {"form": form, "title": title, "cancel_url": cancel_url, "crumbs": crumbs, **extra}
    return render(request, "credit/funds/form.html", context)


# Funds ----------------------------------------------------------------------------------------------------------


@login_required
def fund_list(request):
    user = request.user
    funds = access.funds_visible(user).select_related("organization", "program").order_by("name", "pk")
    context = {
        **paginate(request, funds),
        "can_create": access.fund_organization_choices(user).exists(),
        "crumbs": [],
    }
    return render(request, "credit/funds/fund_list.html", context)


@login_required
def fund_create(request):
    user = request.user
    if not access.fund_organization_choices(user).exists():
        raise Forbidden(_("Solo la administración de una organización abre sus fondos."))
    form = FundForm(request.POST or None, instance=Fund(), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund = services.create_fund(user=user, data=data, officers=data.get("officers") or ())
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Fondo «%(name)s» abierto.") % {"name": fund.name})
            return redirect(_fund_url(fund))
    return _form_page(request, form, title=_("Nuevo fondo"), cancel_url=reverse("credit:fund_list"), crumbs=_crumbs())


@login_required
def fund_edit(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    _require_manager(user, fund)
    form = FundForm(request.POST or None, instance=copy.copy(fund), user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund = services.update_fund(user=user, fund=fund, data=data, officers=data.get("officers") or [])
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Fondo «%(name)s» actualizado.") % {"name": fund.name})
            return redirect(_fund_url(fund))
    return _form_page(
        request, form, title=_("Editar fondo"), cancel_url=_fund_url(fund), crumbs=_crumbs(fund), fund=fund
    )


@login_required
def fund_detail(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    on = _as_of(request)
    fund_loans = Loan.objects.filter(fund=fund)
    quality = portfolio.quality_on(loans=fund_loans, on=on)
    figures = portfolio.period_figures(loans=fund_loans, on=on)[()]
    capital = fund.contributions.filter(received_on__lte=on).aggregate(total=Sum("amount"))["total"] or ZERO
    products = fund.products.prefetch_related("steps")
    context = {
        "fund": fund,
        "on": on,
        "today": timezone.localdate(),
        "cash": ledger.cash_available(fund, on),
        "capital": capital,
        "quality": quality,
        "figures": figures,
        "products": products,
        "contributions": fund.contributions.select_related("donor").order_by("-received_on", "-pk")[:10],
        "expenses": fund.expenses.order_by("-spent_on", "-pk")[:10],
        "officers": fund.officers.order_by("first_name", "username"),
        "loans_url": reverse("credit:loan_list") + "?" + urlencode({"fund": fund.pk}),
        "can_manage": access.fund_can_manage(user, fund),
        "can_operate": access.fund_can_operate(user, fund),
        "crumbs": _crumbs(),
    }
    return render(request, "credit/funds/fund_detail.html", context)


# Capital, expenses and products ---------------------------------------------------------------------------------


@login_required
def contribution_create(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    _require_manager(user, fund)
    form = ContributionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            contribution = services.add_contribution(user=user, fund=fund, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request,
                _("Aporte de %(amount)s registrado.") % {"amount": money_text(contribution.amount, fund.currency)},
            )
            return redirect(_fund_url(fund))
    return _form_page(
        request, form, title=_("Registrar aporte de capital"), cancel_url=_fund_url(fund), crumbs=_crumbs(fund)
    )


@login_required
def expense_create(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    _require_manager(user, fund)
    form = ExpenseForm(request.POST or None, initial={"spent_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.add_expense(user=user, fund=fund, data=form.cleaned_data)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(
                request, _("Gasto de %(amount)s registrado.") % {"amount": money_text(expense.amount, fund.currency)}
            )
            return redirect(_fund_url(fund))
    return _form_page(
        request, form, title=_("Registrar gasto operativo"), cancel_url=_fund_url(fund), crumbs=_crumbs(fund)
    )


def _product_data(form) -> tuple[dict, list[Decimal]]:
    data = dict(form.cleaned_data)
    return data, data.pop("steps", [])


@login_required
def product_create(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    _require_manager(user, fund)
    form = ProductForm(request.POST or None, instance=LoanProduct(fund=fund))
    if request.method == "POST" and form.is_valid():
        data, steps = _product_data(form)
        try:
            product = services.create_product(user=user, fund=fund, data=data, steps=steps)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Producto «%(name)s» creado.") % {"name": product.name})
            return redirect(_fund_url(fund))
    return _form_page(
        request, form, title=_("Nuevo producto de crédito"), cancel_url=_fund_url(fund), crumbs=_crumbs(fund)
    )


@login_required
def product_edit(request, slug, pk):
    user = request.user
    fund = fund_get(user, slug)
    product = get_object_or_404(LoanProduct, fund=fund, pk=pk)
    _require_manager(user, fund)
    form = ProductForm(request.POST or None, instance=copy.copy(product))
    if request.method == "POST" and form.is_valid():
        data, steps = _product_data(form)
        try:
            product = services.update_product(user=user, product=product, data=data, steps=steps)
        except ApplicationError as error:
            form_add_error(form, error)
        else:
            messages.success(request, _("Producto «%(name)s» actualizado.") % {"name": product.name})
            return redirect(_fund_url(fund))
    return _form_page(
        request,
        form,
        title=_("Editar producto de crédito"),
        cancel_url=_fund_url(fund),
        crumbs=_crumbs(fund),
        note=_(
            "Los cambios valen para los créditos que se soliciten desde ahora; los ya otorgados conservan sus "
            "condiciones."
        ),
    )


# The books ------------------------------------------------------------------------------------------------------


@login_required
def fund_ledger(request, slug):
    fund = fund_get(request.user, slug)
    on = _as_of(request)
    entries = (
        JournalEntry.objects.filter(fund=fund, on_date__lte=on)
        .select_related("loan")
        .prefetch_related("postings")
        .order_by("-on_date", "-pk")
    )
    pages = paginate(request, entries, per_page=50)
    for entry in pages["page_obj"]:
        entry.lines = [
            (posting.get_account_display(), max(posting.amount, ZERO), max(-posting.amount, ZERO))
            for posting in entry.postings.all()
        ]
    context = {"fund": fund, "on": on, "trial": ledger.trial_balance(fund, on), **pages, "crumbs": _crumbs(fund)}
    return render(request, "credit/funds/ledger.html", context)


# Portfolio ------------------------------------------------------------------------------------------------------


def _named_groups(quality: dict, names: dict) -> list[tuple[str, portfolio.Quality]]:
    rows = [(names.get(key[0], "—"), figures) for key, figures in quality.items()]
    return sorted(rows, key=lambda row: str(row[0]))


@login_required
def fund_portfolio(request, slug):
    fund = fund_get(request.user, slug)
    on = _as_of(request)
    fund_loans = Loan.objects.filter(fund=fund)
    by_site = portfolio.portfolio_quality(loans=fund_loans, on=on, by="site")
    by_officer = portfolio.portfolio_quality(loans=fund_loans, on=on, by="officer")
    by_product = portfolio.portfolio_quality(loans=fund_loans, on=on, by="product")
    sites = {site.pk: site.name for site in Site.objects.filter(pk__in=[k[0] for k in by_site if k[0]])}
    sites[None] = _("Sin sede")
    officers = {
        user.pk: user.get_full_name() or user.username
        for user in User.objects.filter(pk__in=[k[0] for k in by_officer])
    }
    products = {product.pk: product.name for product in fund.products.all()}
    context = {
        "fund": fund,
        "on": on,
        "quality": portfolio.quality_on(loans=fund_loans, on=on),
        "figures": portfolio.period_figures(loans=fund_loans, on=on)[()],
        "groups": [
            (_("Por sede o agencia"), _("Sede o agencia"), _named_groups(by_site, sites)),
            (_("Por asesor/a"), _("Asesor/a"), _named_groups(by_officer, officers)),
            (_("Por producto"), _("Producto de crédito"), _named_groups(by_product, products)),
        ],
        "aging": portfolio.aging(loans=fund_loans, on=on),
        "trend": portfolio.trend(loans=fund_loans, on=on),
        "crumbs": _crumbs(fund),
    }
    return render(request, "credit/funds/portfolio.html", context)


@login_required
def loan_statement(request, slug, pk):
    fund = fund_get(request.user, slug)
    loan = get_object_or_404(
        access.loans_visible(request.user).filter(fund=fund).select_related("borrower", "product", "site"), pk=pk
    )
    on = _as_of(request)
    context = {
        "fund": fund,
        "loan": loan,
        "statement": portfolio.loan_statement(loan=loan, on=on),
        "on": on,
        "crumbs": _crumbs(fund),
    }
    return render(request, "credit/funds/statement.html", context)


# Close of day ---------------------------------------------------------------------------------------------------


@login_required
@require_POST
def close_day(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    _require_operator(user, fund)
    try:
        as_of = datetime.date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        as_of = timezone.localdate()
    as_of = min(as_of, timezone.localdate())
    # Set-based and quick: run now so the officer sees the result; the nightly run goes through the queue.
    closed = tasks.close_day.call(as_of.isoformat(), fund.pk)
    messages.success(
        request,
        _(
            "Cierre del día %(date)s: %(loans)s créditos al día de hoy, %(in_arrears)s con atraso, %(penalties)s "
            "moras cargadas."
        )
        % {
            "date": date_format(as_of, "SHORT_DATE_FORMAT"),
            "loans": closed["loans"],
            "in_arrears": closed["in_arrears"],
            "penalties": closed["penalties"],
        },
    )
    return redirect(_fund_url(fund))


# The collection sheet -------------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One loan on a collection sheet: what falls due on the day and what is already late."""

    loan: Loan
    numbers: list[int] = field(default_factory=list)
    due_today: Decimal = ZERO
    arrears: Decimal = ZERO
    oldest_late: datetime.date | None = None
    days_late: int = 0
    amount_field: object = None
    receipt_field: object = None

    @property
    def total(self) -> Decimal:
        return self.due_today + self.arrears


def collection_rows(fund: Fund, site: Site, on: datetime.date) -> list[SheetRow]:
    """The active loans of the fund at the site with an installment due on or before `on` and not fully paid,
    by borrower. One query."""
    installments = (
        Installment.objects.filter(
            loan__fund=fund, loan__site=site, loan__status=LoanStatus.ACTIVE, superseded=False, due_date__lte=on
        )
        .filter(arrears.UNPAID)
        .select_related("loan__borrower")
        .order_by(
            "loan__borrower__paternal_surname",
            "loan__borrower__maternal_surname",
            "loan__borrower__given_names",
            "loan__number",
            "number",
        )
    )
    rows: dict[int, SheetRow] = {}
    for installment in installments:
        row = rows.setdefault(installment.loan_id, SheetRow(loan=installment.loan))
        row.numbers.append(installment.number)
        if installment.due_date < on:
            row.arrears += installment.outstanding
            if row.oldest_late is None or installment.due_date < row.oldest_late:
                row.oldest_late = installment.due_date
        else:
            row.due_today += installment.outstanding
    for row in rows.values():
        row.days_late = (on - row.oldest_late).days if row.oldest_late else 0
    return list(rows.values())


def _sheet_sites(fund: Fund):
    """The sites a sheet can be drawn for: the organization's, and any its loans were given at."""
    used = Loan.objects.filter(fund=fund).values("site")
    return Site.objects.filter(organization=fund.organization, is_active=True) | Site.objects.filter(pk__in=used)


def _posted_loans(request, fund: Fund, site: Site, listed: list[Loan]) -> list[Loan]:
    """Loans of the sheet's site named in a posted sheet but no longer on it (a payment already recorded closed
    them): kept so a sheet sent twice finds its payments instead of failing."""
    listed_ids = {loan.pk for loan in listed}
    ids = set()
    for name in request.POST:
        prefix, _sep, pk = name.partition("_")
        if prefix == "amount" and pk.isdigit() and int(pk) not in listed_ids:
            ids.add(int(pk))
    if not ids:
        return []
    return list(Loan.objects.filter(fund=fund, site=site, pk__in=ids).select_related("borrower"))


def _record_sheet(user, form: CollectionForm, on: datetime.date, shown: set[int]) -> tuple[int, int, Decimal]:
    """Records every row with an amount, all or nothing: one row refused and none is kept, with its error shown.
    Returns (recorded, already recorded, amount recorded)."""
    token = form.cleaned_data["token"]
    recorded = repeated = 0
    total = ZERO
    with transaction.atomic():
        for loan, amount, receipt in form.payments():
            key = f"sheet-{token}-{loan.pk}"
            seen = Transaction.objects.filter(idempotency_key=key).exists()
            try:
                with transaction.atomic():
                    loans.record_repayment(
                        user=user, loan=loan, amount=amount, on_date=on, receipt=receipt, idempotency_key=key
                    )
            except ApplicationError as error:
                if error.status == 403:
                    raise Forbidden(error.message) from None
                if loan.pk in shown:
                    form.row_error(loan, error.message)
                else:
                    form.add_error(None, f"{loan.number}: {error.message}")
                continue
            if seen:
                repeated += 1
            else:
                recorded += 1
                total += amount
        if form.errors:
            transaction.set_rollback(True)
    return recorded, repeated, total


@login_required
def collection_sheet(request, slug):
    user = request.user
    fund = fund_get(user, slug)
    sites = _sheet_sites(fund).order_by("name").distinct()
    today = timezone.localdate()
    filters = SheetFilterForm(request.GET or None, sites=sites, initial={"date": today})
    site, on = None, today
    if filters.is_bound and filters.is_valid():
        site, on = filters.cleaned_data["site"], filters.cleaned_data["date"]
    elif not filters.is_bound:
        # First the site (or agency) where the fund has the most loans running: the sheet an officer most often wants.
        busiest = (
            Loan.objects.filter(fund=fund, status=LoanStatus.ACTIVE, site__isnull=False)
            .values("site")
            .annotate(n=Count("pk"))
            .order_by("-n", "site")
            .first()
        )
        site = sites.filter(pk=busiest["site"]).first() if busiest else sites.first()
        filters = SheetFilterForm(sites=sites, initial={"date": today, "site": site})
    can_operate = access.fund_can_operate(user, fund)
    if site is None:
        context = {"fund": fund, "filters": filters, "rows": [], "on": on, "site": None, "crumbs": _crumbs(fund)}
        return render(request, "credit/funds/collection_sheet.html", context)

    rows = collection_rows(fund, site, on)
    listed = [row.loan for row in rows]
    if request.method == "POST":
        if not can_operate:
            raise Forbidden(_("No opera este fondo: pida a la administración que le asigne."))
        form = CollectionForm(request.POST, loans=listed + _posted_loans(request, fund, site, listed))
        if form.is_valid():
            recorded, repeated, total = _record_sheet(user, form, on, {loan.pk for loan in listed})
            if not form.errors:
                if recorded:
                    messages.success(
                        request,
                        _("%(count)s pagos registrados por %(total)s.")
                        % {"count": recorded, "total": money_text(total, fund.currency)},
                    )
                if repeated:
                    messages.info(
                        request,
                        _("%(count)s pagos de esta planilla ya estaban registrados: no se registraron otra vez.")
                        % {"count": repeated},
                    )
                if not recorded and not repeated:
                    messages.info(request, _("La planilla no tenía montos: no se registró ningún pago."))
                url = reverse("credit:collection_sheet", args=[fund.slug])
                return redirect(f"{url}?{urlencode({'site': site.pk, 'date': on.isoformat()})}")
    else:
        form = CollectionForm(initial={"token": uuid.uuid4().hex}, loans=listed)
    for row in rows:
        row.amount_field = form[f"amount_{row.loan.pk}"]
        row.receipt_field = form[f"receipt_{row.loan.pk}"]
    context = {
        "fund": fund,
        "filters": filters,
        "form": form,
        "rows": rows,
        "site": site,
        "on": on,
        "totals": {
            "due_today": sum((row.due_today for row in rows), ZERO),
            "arrears": sum((row.arrears for row in rows), ZERO),
            "total": sum((row.total for row in rows), ZERO),
        },
        "can_operate": can_operate,
        "crumbs": _crumbs(fund),
    }
    return render(request, "credit/funds/collection_sheet.html", context)


urlpatterns = [
    path("fondos/", fund_list, name="fund_list"),
    path("fondos/nuevo/", fund_create, name="fund_create"),
    path("fondos/<slug:slug>/", fund_detail, name="fund_detail"),
    path("fondos/<slug:slug>/editar/", fund_edit, name="fund_edit"),
    path("fondos/<slug:slug>/aportes/nuevo/", contribution_create, name="contribution_create"),
    path("fondos/<slug:slug>/gastos/nuevo/", expense_create, name="expense_create"),
    path("fondos/<slug:slug>/productos/nuevo/", product_create, name="product_create"),
    path("fondos/<slug:slug>/productos/<int:pk>/editar/", product_edit, name="product_edit"),
    path("fondos/<slug:slug>/libro/", fund_ledger, name="fund_ledger"),
    path("fondos/<slug:slug>/cartera/", fund_portfolio, name="fund_portfolio"),
    path("fondos/<slug:slug>/creditos/<int:pk>/estado-de-cuenta/", loan_statement, name="loan_statement"),
    path("fondos/<slug:slug>/cierre-del-dia/", close_day, name="close_day"),
    path("fondos/<slug:slug>/cobranza/", collection_sheet, name="collection_sheet"),
]
