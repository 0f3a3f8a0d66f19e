"""One error type for every rule a user can break, shown as a form error, an API 4xx or a CLI line."""

from django.core.exceptions import ValidationError


class ApplicationError(Exception):
    """A rule was broken. `fields` maps field names to messages; `code` is stable for API clients."""

    def __init__(self, message, *, code: str = "invalid", fields: dict | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        self.status = status

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> "ApplicationError":
        if hasattr(error, "error_dict"):
            fields = {name: [str(m) for m in ValidationError(errs).messages] for name, errs in error.error_dict.items()}
            general = fields.pop("__all__", [])
            message = general[0] if general else next(iter(fields.values()))[0]
            return cls(message, code="invalid", fields=fields)
        return cls(error.messages[0], code="invalid")

    def as_dict(self) -> dict:
        return {
            "message": str(self.message),
            "code": self.code,
            "fields": {
                k: [str(m) for m in v] if isinstance(v, (list, tuple)) else [str(v)] for k, v in self.fields.items()
            },
        }


class PermissionDenied(ApplicationError):
    """The user may see the record but not do this to it (e.g. a funder trying to edit)."""

    def __init__(self, message, *, code: str = "forbidden"):
        super().__init__(message, code=code, status=403)
