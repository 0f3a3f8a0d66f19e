"""`loans`: a fund's loan applications from a partner's list, each entered through minka.credit.loans
.apply_for_loan as if typed on the application page.

An import creates applications only, never approved or disbursed loans. Approval is the checker's, never the
maker's (the importer is the maker), and comes after an evaluation visit; disbursement takes money out of the
fund's cash and writes the ledger. An import that skipped them would put loans in the portfolio that nobody
checked and money out of a fund that never left it. A partner's loans already running are therefore imported as
applications dated when they were applied for; a second person approves and disburses each in Minka with its
real (past) dates, and the repayments already received are then imported with the `payments` kind.
The product's limits and the ladder hold as on the page: a borrower with a loan still open cannot apply again.

Natural key: the fund and the loan's reference in the partner's books ("N° de crédito"). Minka numbers its
loans itself, so the reference is kept on the batch's record of the import (`ImportedRecord.natural_key`); a
reference equal to a Minka number of the fund names that loan. Both are how `payments` finds a loan.
"""

import dataclasses
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.core.errors import ApplicationError, PermissionDenied
from minka.credit import loans
from minka.credit.models import Fund, Loan, LoanEvent, UseCategory
from minka.imports import values as parsers
from minka.imports.kinds.base import CellError, Column, Kind, RowErrors, register
from minka.imports.kinds.lookups import PERSON_DNI, PERSON_ID, people_prepare, person_find
from minka.imports.models import ImportedRecord, ImportStatus
from minka.people.models import Participant

FUND = Column(
    "fund",
    "Fondo",
    "Fund",
    parsers.text,
    help=gettext_lazy("Identificador o nombre del fondo; en blanco, si la organización opera uno solo."),
    example="fondo-alfa",
)
USE = parsers.choices_of(
    UseCategory,
    {
        "insumos": "raw_materials",
        "materia prima": "raw_materials",
        "mercaderia": "merchandise",
        "animales": "livestock",
    },
)


def positive_amount(raw):
    number = parsers.decimal(raw)
    if number is not None and (number <= 0 or number != number.quantize(Decimal("0.01"))):
        raise CellError(_("Un monto mayor que cero, con a lo más dos decimales."), code="invalid_amount")
    return number


positive_amount.help = parsers.decimal.help


def reference_key(fund_id: int, reference: str) -> str:
    return f"{fund_id}|{parsers.plain(reference)}"[:250]


def funds_prepare(context) -> None:
    """The organization's funds the user operates, by slug and name, and their loans by Minka number and by the
    reference a committed loans import gave them."""
    if "funds" in context.cache:
        return
    funds = [
        fund
        for fund in Fund.objects.filter(organization=context.organization).prefetch_related("officers")
        if access.fund_can_operate(context.user, fund)
    ]
    context.cache["funds"] = {parsers.plain(name): fund for fund in funds for name in (fund.slug, fund.name)}
    context.cache["only_fund"] = funds[0] if len(funds) == 1 else None
    references = {
        reference_key(fund_id, number): pk
        for pk, fund_id, number in Loan.objects.filter(fund__in=funds).values_list("pk", "fund_id", "number")
    }
    imported = ImportedRecord.objects.filter(
        batch__kind=LoansKind.slug,
        batch__organization=context.organization,
        batch__status=ImportStatus.COMMITTED,
        content_type__app_label="credit",
        content_type__model="loan",
    ).values_list("natural_key", "object_id")
    known = set(references.values())
    references.update({key: loan_id for key, loan_id in imported if loan_id in known})
    context.cache["loan_references"] = references


def fund_find(values: dict, context) -> Fund:
    name = values.get("fund")
    if not name:
        if context.cache["only_fund"] is None:
            raise CellError(_("Anote el fondo."), code="required", column="fund")
        return context.cache["only_fund"]
    fund = context.cache["funds"].get(parsers.plain(name))
    if fund is None:
        raise CellError(
            _("La organización no tiene un fondo «%(name)s» que usted opere.") % {"name": name},
            code="unknown_fund",
            column="fund",
        )
    return fund


def funds_check_access(context) -> None:
    funds = Fund.objects.filter(organization=context.organization)
    if not any(access.fund_can_operate(context.user, fund) for fund in funds):
        raise PermissionDenied(_("No opera ningún fondo de esa organización."))


def write_refused(number: int, error: ApplicationError, fields: dict[str, str]) -> ApplicationError:
    """The service's refusal, told on the row and column that caused it (the engine reads `row` and the first of
    `fields`); `fields` renames the service's field names to the kind's column keys."""
    error.row = number
    error.fields = {fields.get(name, name): messages for name, messages in error.fields.items()}
    return error


@register
class LoansKind(Kind):
    slug = "loans"
    label = gettext_lazy("Solicitudes de crédito")
    model = Loan
    created_models = (LoanEvent, Loan)
    columns = (
        FUND,
        Column(
            "reference",
            "N° de crédito",
            "Loan reference",
            parsers.bounded_text(60),
            required=True,
            help=gettext_lazy("El número del crédito en sus registros; no se repite en el fondo."),
            example="C-2024-015",
            aliases=("numero de credito", "referencia", "loan number", "reference"),
        ),
        dataclasses.replace(
            PERSON_ID,
            header_es="Código de la prestataria",
            header_en="Borrower person code",
            aliases=(*PERSON_ID.aliases, "codigo de la persona"),
        ),
        dataclasses.replace(
            PERSON_DNI,
            header_es="DNI de la prestataria",
            header_en="Borrower DNI",
            aliases=(*PERSON_DNI.aliases, "dni"),
        ),
        Column(
            "product",
            "Producto",
            "Product",
            parsers.text,
            help=gettext_lazy("Nombre del producto; en blanco, si el fondo ofrece uno solo."),
            example="Crédito solidario",
        ),
        Column("amount", "Monto", "Amount", positive_amount, required=True, example="500"),
        Column("repayments", "Número de cuotas", "Installments", parsers.integer, example="6", aliases=("cuotas",)),
        Column(
            "annual_rate",
            "Tasa anual (%)",
            "Annual rate (%)",
            parsers.decimal,
            help=gettext_lazy("Tasa nominal anual; en blanco, la del producto."),
            example="12",
            aliases=("tasa",),
        ),
        Column("use_category", "Uso previsto", "Intended use", USE, required=True, example="Mercadería para vender"),
        Column(
            "use_description",
            "Descripción del uso",
            "Use description",
            parsers.bounded_text(300),
            required=True,
            example="Lana de alpaca",
        ),
        Column(
            "applied_on", "Fecha de solicitud", "Application date", parsers.date, required=True, example="06/01/2025"
        ),
        Column("site", "Sede o agencia", "Site", parsers.text, example="CDE Urcos", aliases=("sede", "agencia")),
    )

    def check_access(self, context) -> None:
        funds_check_access(context)

    def prepare(self, context) -> None:
        people_prepare(context)
        funds_prepare(context)
        context.cache["sites"] = {parsers.plain(site.name): site for site in context.organization.sites.all()}
        context.cache["products"] = {}
        for fund in context.cache["funds"].values():
            context.cache["products"][fund.pk] = list(fund.products.filter(is_active=True))

    def clean(self, values: dict, context) -> dict:
        errors = []
        try:
            values["fund_obj"] = fund = fund_find(values, context)
            values["product_obj"] = self._product(values, fund, context)
        except CellError as error:
            errors.append(error)
        try:
            values["borrower_id"] = person_find(values, context)
        except CellError as error:
            errors.append(error)
        if values["applied_on"] > context.today:
            errors.append(
                CellError(_("La fecha no puede estar en el futuro."), code="future_date", column="applied_on")
            )
        values["site_obj"] = None
        if values["site"]:
            values["site_obj"] = context.cache["sites"].get(parsers.plain(values["site"]))
            if values["site_obj"] is None:
                errors.append(
                    CellError(
                        _("La organización no tiene una sede con ese nombre."), code="unknown_site", column="site"
                    )
                )
        if errors:
            raise RowErrors(errors)
        return values

    def _product(self, values: dict, fund: Fund, context):
        products = context.cache["products"][fund.pk]
        if not values["product"]:
            if len(products) != 1:
                raise CellError(_("Anote el producto."), code="required", column="product")
            return products[0]
        wanted = parsers.plain(values["product"])
        product = next((product for product in products if parsers.plain(product.name) == wanted), None)
        if product is None:
            raise CellError(
                _("El fondo no ofrece un producto «%(name)s».") % {"name": values["product"]},
                code="unknown_product",
                column="product",
            )
        return product

    def natural_key(self, values: dict) -> str:
        return reference_key(values["fund_obj"].pk, values["reference"])

    def existing(self, values: dict, context):
        return context.cache["loan_references"].get(self.natural_key(values))

    def write_many(self, rows, context):
        people = Participant.objects.in_bulk([values["borrower_id"] for _number, values in rows])
        written = []
        for number, values in rows:
            data = {
                "borrower": people[values["borrower_id"]],
                "amount": values["amount"],
                "repayments": values["repayments"],
                "annual_rate": values["annual_rate"],
                "use_category": values["use_category"],
                "use_description": values["use_description"],
                "applied_on": values["applied_on"],
                "site": values["site_obj"],
            }
            try:
                loan = loans.apply_for_loan(user=context.user, product=values["product_obj"], data=data)
            except ApplicationError as error:
                person_column = "dni" if values["dni"] else "person_id"
                raise write_refused(number, error, {"borrower": person_column}) from None
            written.append((number, [loan, *loan.events.all()]))
        return written
