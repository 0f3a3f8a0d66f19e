"""Matching a file's headers to a kind's columns, as a person would read them.

`mapping_guess(kind, headers)` returns a `Mapping`: `columns` ({column key: header index}), `extra` (headers no
column took, ignored and reported), `missing` (required columns no header matched). A header matches a column
when, compared without case, accents, punctuation or repeated spaces, it equals the column's Spanish or English
header or one of its aliases; failing that, when rapidfuzz's similarity to one of them reaches `FUZZY_THRESHOLD`
(a misspelling: "Apelido paterno"). Each header serves one column at most, exact matches first, then the most
similar pairs.

`mapping_apply(kind, headers, overrides)` starts from the guess and applies the user's choices, given as
{column key: header text} (the page's form and the command's `--mapping header=column` both end here); a header
of "" leaves a column unmapped. The stored form of a mapping (ImportBatch.mapping) is that same
{column key: header text}.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from minka.core.errors import ApplicationError
from minka.imports.values import plain

FUZZY_THRESHOLD = 85


def header_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", plain(text or "")).split())


@dataclass
class Mapping:
    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_headers(self) -> dict[str, str]:
        """The storable form: {column key: header text}."""
        return {key: self.headers[index] for key, index in self.columns.items()}


def _names(column) -> list[str]:
    return [header_key(name) for name in (column.header_es, column.header_en, column.key, *column.aliases) if name]


def mapping_guess(kind, headers: list[str]) -> Mapping:
    keys = [header_key(header) for header in headers]
    taken: dict[str, int] = {}
    used: set[int] = set()
    for column in kind.columns:
        names = _names(column)
        for index, key in enumerate(keys):
            if index not in used and key and key in names:
                taken[column.key] = index
                used.add(index)
                break
    candidates = []
    for column in kind.columns:
        if column.key in taken:
            continue
        for index, key in enumerate(keys):
            if index in used or not key:
                continue
            score = max(fuzz.ratio(key, name) for name in _names(column))
            if score >= FUZZY_THRESHOLD:
                candidates.append((score, column.key, index))
    for _score, column_key, index in sorted(candidates, reverse=True):
        if column_key not in taken and index not in used:
            taken[column_key] = index
            used.add(index)
    return _finish(kind, headers, taken)


def _finish(kind, headers: list[str], taken: dict[str, int]) -> Mapping:
    ordered = {column.key: taken[column.key] for column in kind.columns if column.key in taken}
    used = set(ordered.values())
    return Mapping(
        columns=ordered,
        headers=list(headers),
        extra=[header for index, header in enumerate(headers) if index not in used and header],
        missing=[column.key for column in kind.columns if column.required and column.key not in ordered],
    )


def mapping_apply(kind, headers: list[str], overrides: dict[str, str] | None) -> Mapping:
    """The guess, with the user's choices on top. An unknown column or header is refused with a sentence."""
    guess = mapping_guess(kind, headers)
    if not overrides:
        return guess
    known = {column.key for column in kind.columns}
    by_text = {header_key(header): index for index, header in reversed(list(enumerate(headers)))}
    taken = dict(guess.columns)
    for column_key, header in overrides.items():
        if column_key not in known:
            raise ApplicationError(
                _("«%(column)s» no es una columna de esta importación; son: %(columns)s.")
                % {"column": column_key, "columns": ", ".join(column.key for column in kind.columns)},
                code="unknown_column",
            )
        taken.pop(column_key, None)
        if not header:
            continue
        index = by_text.get(header_key(header))
        if index is None:
            raise ApplicationError(
                _("El archivo no tiene la columna «%(header)s».") % {"header": header}, code="unknown_header"
            )
        for other, other_index in list(taken.items()):
            if other_index == index:
                del taken[other]  # the header now serves the column the user chose
        taken[column_key] = index
    return _finish(kind, headers, taken)


def mapping_describe_missing(kind, mapping: Mapping, language: str = "es") -> str:
    return ", ".join(kind.column(key).header(language) for key in mapping.missing)
