"""The kinds of records Minka imports. Importing this package registers every kind in `KINDS` (see base.py)."""

from minka.imports.kinds import (  # noqa: F401
    attendance,
    enrollments,
    enterprise_records,
    enterprises,
    indicator_values,
    loans,
    payments,
    people,
)
from minka.imports.kinds.base import KINDS, Column, Context, Kind, RowError, RowErrors, kind_get, register

__all__ = ["KINDS", "Column", "Context", "Kind", "RowError", "RowErrors", "kind_get", "register"]
