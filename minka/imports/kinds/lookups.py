"""Lookups several kinds share: a person named by her Minka code or her DNI, a program by its slug or name.

Each `*_prepare(context)` loads, once per import, what the user may reach into `context.cache`; each `*_find`
then answers a row from memory (100,000 rows, no query per row) or raises `CellError` on the right column.

- `people_prepare(context)` / `person_find(values, context, id_key="person_id", dni_key="dni") -> int` (the
  person's pk): only people the user may see (minka.accounts.access.people_visible), never merged ones. When both
  code and DNI are given they must name the same person.
- `program_prepare(context)` / `program_find(values, context, key="program") -> Program`: a visible program by
  slug, Spanish or English name; a blank cell means the import's program.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minka.accounts import access
from minka.imports.kinds.base import CellError, Column
from minka.imports.values import dni, integer, plain, text
from minka.people.identity import dni_hash

PERSON_ID = Column(
    "person_id",
    "Código de la persona",
    "Person code",
    integer,
    help=gettext_lazy("El código de la persona en Minka (el de la lista de personas), o deje el DNI."),
    example="1024",
    aliases=("codigo", "código minka", "minka id", "person id"),
)
PERSON_DNI = Column("dni", "DNI", "DNI", dni, aliases=("numero de dni", "nro dni", "documento"), example="01234567")


def people_prepare(context) -> None:
    if "people" in context.cache:
        return
    visible = access.people_visible(context.user)
    context.cache["people"] = set(visible.values_list("pk", flat=True))
    context.cache["people_by_dni"] = dict(visible.exclude(dni_hash="").values_list("dni_hash", "pk"))


def person_find(values: dict, context, *, id_key: str = "person_id", dni_key: str = "dni") -> int:
    by_id, dni = values.get(id_key), values.get(dni_key)
    if by_id is None and not dni:
        raise CellError(
            _("Anote el código de la persona o su DNI."), code="person_required", column=dni_key if dni_key else id_key
        )
    found = None
    if dni:
        found = context.cache["people_by_dni"].get(dni_hash(dni))
        if found is None:
            raise CellError(
                _("No hay a su alcance una persona registrada con ese DNI."), code="unknown_person", column=dni_key
            )
    if by_id is not None:
        if by_id not in context.cache["people"]:
            raise CellError(
                _("No hay a su alcance una persona con el código %(code)s.") % {"code": by_id},
                code="unknown_person",
                column=id_key,
            )
        if found is not None and found != by_id:
            raise CellError(_("El código y el DNI son de personas distintas."), code="person_mismatch", column=id_key)
        found = by_id
    return found


def program_prepare(context) -> None:
    if "programs" in context.cache:
        return
    names = {}
    for program in access.programs_visible(context.user):
        for name in (program.slug, program.name_es, program.name_en):
            if name:
                names[plain(name)] = program
    context.cache["programs"] = names


def program_find(values: dict, context, *, key: str = "program"):
    name = text(values.get(key))
    if not name:
        if context.program is None:
            raise CellError(_("Anote el programa."), code="required", column=key)
        return context.program
    program = context.cache["programs"].get(plain(name))
    if program is None:
        raise CellError(
            _("No hay a su alcance un programa «%(name)s».") % {"name": name}, code="unknown_program", column=key
        )
    return program
