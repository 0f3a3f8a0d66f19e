"""What every endpoint of the API shares: authentication, the one error shape, pagination and input types.

Errors always answer `{"message": str, "code": str, "fields": {name: [messages]}}` in the active language:
400 for a broken rule or a reference that does not exist (and `malformed` for a body that is not JSON),
401 without valid credentials, 403 for what the user may see but not do, 404 for what does not exist or
is not theirs (alike), 405 for a method the route does not take, 409 for a conflicting write, 422 for
a request that does not fit the documented schema, 500 (logged) for anything unexpected.
"""

import logging
from decimal import ROUND_HALF_EVEN, Decimal
from functools import wraps
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf
from pydantic import AfterValidator, ConfigDict, PlainSerializer, WithJsonSchema, create_model, field_validator
from pydantic_core import PydanticCustomError

from minka.accounts.tokens import api_token_authenticate
from minka.core.errors import ApplicationError

logger = logging.getLogger("minka.api")

# The largest key a database integer column holds: a bigger id in a path is answered 422, not a database error.
MAX_ID = 2**63 - 1
CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------------------
# Schemas shared by every app


class Error(Schema):
    """The one error shape of the API."""

    message: str = Field(..., description="A sentence for people, in the language of the request.")
    code: str = Field(
        ...,
        description="Stable for programs: invalid, malformed, unauthenticated, forbidden, csrf_failed, not_found, "
        "method_not_allowed, conflict, throttled, server_error.",
    )
    fields: dict[str, list[str]] = Field(default_factory=dict, description="Messages per field of the request.")


def _reject_nul(value: Any) -> Any:
    # PostgreSQL refuses NUL in text; answering 422 here is clearer than a database error later.
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError("null_character", "Null characters are not allowed.")
    if isinstance(value, list):
        for item in value:
            _reject_nul(item)
    return value


class Input(Schema):
    """Base of every request body and filter: unknown fields are refused, so a typo is a 422, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        return _reject_nul(value)


class Filters(Input):
    """Base of list filters (query parameters)."""

    model_config = ConfigDict(extra="ignore", use_enum_values=True)


def patch_schema(model: type[Input], name: str, *, exclude: tuple[str, ...] = ()) -> type[Input]:
    """The PATCH twin of a create schema: the same fields and types, every one optional, none defaulted.

    Only the fields sent are changed (`model_dump(exclude_unset=True)`); `null` is refused where the create schema
    refuses it, so a PATCH cannot blank a required field.
    """
    fields = {
        # The constraints (ge, max_digits…) live in the metadata; carrying it keeps a PATCH as strict as a POST.
        field_name: (
            Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation,
            Field(None, description=info.description),
        )
        for field_name, info in model.model_fields.items()
        if field_name not in exclude
    }
    return create_model(name, __base__=Input, __doc__="Fields to change; those not sent stay as they are.", **fields)


def _money_text(value) -> str:
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_EVEN))


# Money leaves the API as a decimal string with two places ("1500.00"), never a float; its currency rides beside it.
Money = Annotated[
    Decimal,
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "1500.00"}),
]

# Money coming in: a decimal string (or a JSON number) above zero with at most two decimal places.
MoneyIn = Annotated[
    Decimal,
    Field(gt=0, max_digits=16, decimal_places=2),
    WithJsonSchema({"type": "string", "format": "decimal", "example": "1500.00"}),
]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# A natural key in a path (slug, ubigeo): short and printable, checked before any query.
Key = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_reject_nul)]


# ---------------------------------------------------------------------------------------------------------------
# Responses documented on every route

ERROR_READ = frozenset({401, 404, 422, 500})
ERROR_WRITE = frozenset({400, 401, 403, 404, 409, 422, 500})


def read_responses(ok) -> dict:
    return {200: ok, ERROR_READ: Error}


def write_responses(ok, *, status: int = 200) -> dict:
    return {status: ok, ERROR_WRITE: Error}


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`; answers `{"count": total, "items": [...]}`."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500, description="How many items (1–500).")
        offset: int = Field(0, ge=0, le=MAX_ID, description="How many items to skip.")

    def __init__(self, **kwargs):
        super().__init__(max_limit=500, **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Resolving references given by natural key


def unknown_reference(field: str, message=None) -> ApplicationError:
    """A reference in the body that does not exist or that the user may not see: both answer the same 400."""
    message = message or _("No existe o no tiene acceso.")
    return ApplicationError(
        _("Revise los campos: %(fields)s.") % {"fields": field}, code="invalid", fields={field: [message]}
    )


def resolve(queryset, field: str, **lookup):
    """The one object of `queryset` matching `lookup`, or a 400 naming `field`."""
    found = queryset.filter(**lookup).first()
    if found is None:
        raise unknown_reference(field)
    return found


# ---------------------------------------------------------------------------------------------------------------
# Authentication


def _activate_language(request: HttpRequest, user) -> None:
    """A token client's explicit Accept-Language wins; otherwise the user's own language, as on the pages."""
    if request.headers.get("Accept-Language"):
        return
    if user.language:
        translation.activate(user.language)
        request.LANGUAGE_CODE = user.language


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mk_…` with a personal token. A token that is sent but not valid is a 401 at once."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError(message="unsupported scheme")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(token)
        if user is None:
            raise AuthenticationError(message="invalid token")
        request.user = user
        _activate_language(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session (for the interactive docs). Writes need the CSRF token (`X-CSRFToken`)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request):
            raise ApplicationError(
                _("Falta el token CSRF o no es válido: envíelo en la cabecera X-CSRFToken."),
                code="csrf_failed",
                status=403,
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if key is not None and user is not None and user.is_authenticated:
            return user
        return None


# ---------------------------------------------------------------------------------------------------------------
# Errors


def error_body(message, code: str, fields: dict | None = None) -> dict:
    return {"message": str(message), "code": code, "fields": fields or {}}


# Messages for pydantic's error types, so a 422 reads in the request's language; others keep pydantic's text.
VALIDATION_MESSAGES = {
    "missing": gettext_lazy("Este campo es obligatorio."),
    "extra_forbidden": gettext_lazy("Campo desconocido."),
    "null_character": gettext_lazy("No se admiten caracteres nulos."),
    "string_type": gettext_lazy("Debe ser un texto."),
    "string_too_long": gettext_lazy("Es demasiado largo (máximo %(max_length)s caracteres)."),
    "string_too_short": gettext_lazy("Es demasiado corto (mínimo %(min_length)s caracteres)."),
    "int_type": gettext_lazy("Debe ser un número entero."),
    "int_parsing": gettext_lazy("Debe ser un número entero."),
    "int_from_float": gettext_lazy("Debe ser un número entero."),
    "bool_type": gettext_lazy("Debe ser true o false."),
    "bool_parsing": gettext_lazy("Debe ser true o false."),
    "date_type": gettext_lazy("Debe ser una fecha AAAA-MM-DD."),
    "date_parsing": gettext_lazy("Debe ser una fecha AAAA-MM-DD."),
    "date_from_datetime_parsing": gettext_lazy("Debe ser una fecha AAAA-MM-DD."),
    "date_from_datetime_inexact": gettext_lazy("Debe ser una fecha AAAA-MM-DD."),
    "decimal_type": gettext_lazy('Debe ser un número decimal, p. ej. "1500.00".'),
    "decimal_parsing": gettext_lazy('Debe ser un número decimal, p. ej. "1500.00".'),
    "finite_number": gettext_lazy('Debe ser un número decimal, p. ej. "1500.00".'),
    "decimal_max_places": gettext_lazy("Use como máximo %(decimal_places)s decimales."),
    "decimal_max_digits": gettext_lazy("Tiene demasiadas cifras (máximo %(max_digits)s)."),
    "decimal_whole_digits": gettext_lazy("Tiene demasiadas cifras enteras (máximo %(whole_digits)s)."),
    "greater_than": gettext_lazy("Debe ser mayor que %(gt)s."),
    "greater_than_equal": gettext_lazy("Debe ser mayor o igual que %(ge)s."),
    "less_than": gettext_lazy("Debe ser menor que %(lt)s."),
    "less_than_equal": gettext_lazy("Debe ser menor o igual que %(le)s."),
    "enum": gettext_lazy("Elija uno de: %(expected)s."),
    "literal_error": gettext_lazy("Elija uno de: %(expected)s."),
    "list_type": gettext_lazy("Debe ser una lista."),
    "too_short": gettext_lazy("Indique al menos %(min_length)s."),
    "model_type": gettext_lazy("Debe ser un objeto JSON."),
    "model_attributes_type": gettext_lazy("Debe ser un objeto JSON."),
    "dict_type": gettext_lazy("Debe ser un objeto JSON."),
}


def _field_name(location) -> str:
    """("body", "payload", "partners", 0, "role") → "partners.0.role"; ("query", "limit") → "limit"."""
    source, *rest = location
    if source == "body" and rest and rest[0] == "payload":
        rest = rest[1:]
    return ".".join(str(part) for part in rest) or str(source)


def _validation_message(error: dict) -> str:
    template = VALIDATION_MESSAGES.get(error.get("type"))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return str(template) % (error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


def validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = error.get("loc") or ("body",)
        fields.setdefault(_field_name(location), []).append(_validation_message(error))
    return fields


HTTP_ERROR_CODES = {
    400: ("malformed", gettext_lazy("El cuerpo de la solicitud no es JSON válido.")),
    401: ("unauthenticated", gettext_lazy("Se requiere autenticación.")),
    403: ("forbidden", gettext_lazy("No tiene permiso para hacer esto.")),
    404: ("not_found", gettext_lazy("No encontrado.")),
    405: ("method_not_allowed", gettext_lazy("Método no permitido.")),
    429: ("throttled", gettext_lazy("Demasiadas solicitudes; espere un momento.")),
}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every exception an endpoint can raise becomes the one error shape; nothing answers an HTML page."""

    def respond(request, status: int, body: dict) -> HttpResponse:
        response = api.create_response(request, body, status=status)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="minka"'
        return response

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return respond(request, exc.status, exc.as_dict())

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request, exc: DjangoValidationError):
        error = ApplicationError.from_validation_error(exc)
        return respond(request, error.status, error.as_dict())

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields = validation_fields(exc.errors)
        message = _("Revise los campos: %(fields)s.") % {"fields": ", ".join(fields)}
        return respond(request, 422, error_body(message, "invalid", fields))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc: AuthenticationError):
        if str(exc) == "invalid token":
            message = _("El token no es válido o fue revocado.")
        elif str(exc) == "unsupported scheme":
            message = _("Use la cabecera Authorization: Bearer seguida de su token.")
        else:
            message = _("Se requiere autenticación: envíe un token (Authorization: Bearer mk_…) o inicie sesión.")
        return respond(request, 401, error_body(message, "unauthenticated"))

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code, message = HTTP_ERROR_CODES.get(exc.status_code, ("error", exc.message))
        return respond(request, exc.status_code, error_body(message, code))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, error_body(_("No encontrado."), "not_found"))

    api.add_exception_handler(ObjectDoesNotExist, not_found)

    @api.exception_handler(DjangoPermissionDenied)
    def permission_denied(request, exc):
        return respond(request, 403, error_body(_("No tiene permiso para hacer esto."), "forbidden"))

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        logger.error("API error on %s %s", request.method, request.path, exc_info=exc)
        message = _("Error interno del servidor. Quedó registrado; inténtelo de nuevo más tarde.")
        return respond(request, 500, error_body(message, "server_error"))


class MinkaAPI(NinjaAPI):
    """NinjaAPI that answers JSON where ninja or Django would answer text or HTML: a method a route does not take
    (405) and an address no route matches (404)."""

    def set_default_exception_handlers(self) -> None:
        install_error_handlers(self)

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def _get_urls(self):
        patterns = [self._json_not_allowed(pattern) for pattern in super()._get_urls()]
        patterns.append(re_path(r"^.*$", self._not_found_view(), name="not-found"))
        return patterns

    def _json_not_allowed(self, pattern):
        if not isinstance(pattern, URLPattern):
            return pattern
        view = pattern.callback

        @wraps(view)
        def json_405(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                code, message = HTTP_ERROR_CODES[405]
                json_response = self.create_response(request, error_body(message, code), status=405)
                json_response["Allow"] = response["Allow"]
                return json_response
            return response

        return URLPattern(pattern.pattern, json_405, pattern.default_args, pattern.name)

    def _not_found_view(self):
        @csrf_exempt
        def not_found(request, *args, **kwargs):
            return self.create_response(request, error_body(_("No encontrado."), "not_found"), status=404)

        return not_found
