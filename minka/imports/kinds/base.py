"""The Kind API: what each importable kind of record (people, enrollments, attendance, …) tells the engine.

A kind is a subclass of `Kind`, registered with `@register`, found by slug in `KINDS` (`kind_get(slug)`):

    @register
    class PeopleKind(Kind):
        slug = "people"
        label = gettext_lazy("Personas")
        model = Participant                      # the main record a row creates
        created_models = (Consent, Enrollment, Participant)   # every model a row may create, deleted in this order
        columns = (Column("given_names", "Nombres", "Given names", required=True, parser=values.text), …)

The engine calls, for one import:
1. `check_access(context)` — raise `PermissionDenied` when the user may not import this kind there.
2. `prepare(context)` — once, before the rows: preload lookups in bulk into `context.cache` (one query per table,
   not one per row; 100,000 rows must stay under a minute).
3. For each row, after every mapped column's `parser` has read its cell (blank cells give None; a required
   column left blank is an error the engine reports itself): `clean(values, context) -> values`, cross-column
   checks and lookups (a DNI to a person, a title to an activity). Raise `CellError(message, code=, column=key)`
   for one problem or `RowErrors([...])` for several; the engine adds the row number. Return None when the row
   asks for nothing to be recorded (attendance marked "no": absence is the lack of a record); it is "skipped".
4. `natural_key(values) -> str` — what makes two rows the same record. Two rows of the file with the same key are
   reported (identical: a repeated row, skipped; different: an error). Re-importing a file must create nothing.
5. `existing(values, context)` — the record already in Minka with that natural key, or None; such rows are
   "unchanged" and are never overwritten.
6. `likely_duplicates(values, context) -> list[str]` — optional warnings (not errors) shown in the preview, e.g. a
   person with the same name and birth date registered elsewhere.
7. On commit, inside one transaction: `write_many(rows, context)` with `rows` a list of `(row_number, values)`;
   it returns `[(row_number, [created records…])]`. The default calls `write(values, context)` (returning the
   records one row created) row by row; a kind with many rows (attendance) overrides `write_many` with bulk
   inserts that keep the same rules (access, audit). Writes go through the apps' services where they exist.
   Every returned record is listed in the batch (`ImportedRecord`) so that the batch can be undone.

`Context` carries the organization, program (may be None), user, language, today's date and a `cache` dict for
the kind's lookups. Kinds keep no state on `self`: one instance serves every import.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from minka.imports import values as parsers
from minka.imports.values import CellError

__all__ = ["KINDS", "CellError", "Column", "Context", "Kind", "RowError", "RowErrors", "kind_get", "register"]


@dataclass(frozen=True)
class Column:
    """One column a kind reads. `key` is the name the kind's code uses; `header_es`/`header_en` are the template's
    headers (both are recognised in any file); `aliases` are other headers people write for it (an export's
    header, a common abbreviation). `parser` reads a cell (see minka.imports.values); `help` says, for the
    template's instructions, what goes in the column (defaults to the parser's own `help`); `example` fills the
    template's example row."""

    key: str
    header_es: str
    header_en: str
    parser: Callable[[Any], Any] = parsers.text
    required: bool = False
    help: Any = ""
    example: str = ""
    aliases: tuple[str, ...] = ()

    def header(self, language: str = "es") -> str:
        return self.header_en if language == "en" else self.header_es

    def help_text(self) -> str:
        return str(self.help or getattr(self.parser, "help", ""))


@dataclass(frozen=True)
class RowError:
    """One problem of the file: the spreadsheet row (the header is row 1), the column's key (None for the whole
    row), the raw value, a sentence for the user and a stable code."""

    row: int
    column: str | None
    message: str
    code: str = "invalid"
    value: str = ""

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "code": self.code, "value": self.value}


class RowErrors(Exception):
    """Several problems of one row, raised by a kind's `clean` (each a `CellError`)."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


@dataclass
class Context:
    organization: Any
    user: Any
    program: Any = None
    language: str = "es"
    today: datetime.date = field(default_factory=timezone.localdate)
    batch: Any = None
    cache: dict = field(default_factory=dict)


class Kind:
    slug: str = ""
    label: Any = ""
    model: Any = None
    created_models: tuple = ()
    columns: tuple[Column, ...] = ()
    # True when the import must name a program (enrollments in it, attendance to its activities…).
    needs_program: bool = False

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)

    def check_access(self, context: Context) -> None:
        raise NotImplementedError

    def prepare(self, context: Context) -> None:
        """Preloads lookups into `context.cache`; nothing by default."""

    def clean(self, values: dict, context: Context) -> dict | None:
        return values

    def natural_key(self, values: dict) -> str:
        raise NotImplementedError

    def existing(self, values: dict, context: Context):
        raise NotImplementedError

    def likely_duplicates(self, values: dict, context: Context) -> list[str]:
        return []

    def write(self, values: dict, context: Context) -> list:
        raise NotImplementedError

    def write_many(self, rows: list[tuple[int, dict]], context: Context) -> list[tuple[int, list]]:
        return [(number, self.write(values, context)) for number, values in rows]


KINDS: dict[str, Kind] = {}


def register(kind_class: type[Kind]) -> type[Kind]:
    """Registers one instance of the kind under its slug (a class decorator)."""
    KINDS[kind_class.slug] = kind_class()
    return kind_class


def kind_get(slug: str) -> Kind:
    from minka.core.errors import ApplicationError

    try:
        return KINDS[slug]
    except KeyError:
        raise ApplicationError(
            _("No se importa «%(kind)s»; se importan: %(kinds)s.") % {"kind": slug, "kinds": ", ".join(sorted(KINDS))},
            code="unknown_kind",
        ) from None
