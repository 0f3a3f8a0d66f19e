"""Reading submissions from KoboToolbox (API v2) and ODK Central (OData), with the standard library only.

Both clients yield submissions page by page, following the server's own link to the next page (Kobo's `next`,
OData's `@odata.nextLink`) until there is none, so a project of any size is read in small requests instead of one
export that times out. Every failure becomes a `ServerError` whose message a person can act on; the token or
password never appears in it.
"""

import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from django.utils.translation import gettext as _

TIMEOUT_SECONDS = 30
PAGE_SIZE = 500
MAX_PAGES = 10_000  # a server that keeps answering with a next page forever must not hold a worker forever


class ServerError(Exception):
    """The server could not be read; the message says why in words the user can act on."""


def _get_json(url: str, headers: dict[str, str]) -> dict:
    parts = urllib.parse.urlsplit(str(url))
    host = parts.netloc
    if parts.scheme not in ("http", "https"):  # a `next` link of any other scheme is refused, never opened
        raise ServerError(_("El servidor dio un enlace que no es http(s): «%(url)s».") % {"url": str(url)[:200]})
    request = urllib.request.Request(url, headers={"Accept": "application/json", **headers})  # noqa: S310 (checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (checked above)
            body = response.read()
    except urllib.error.HTTPError as error:
        if error.code in (401, 403):
            raise ServerError(
                _("El servidor %(host)s rechazó las credenciales (HTTP %(code)s): revise el token o la contraseña.")
                % {"host": host, "code": error.code}
            ) from None
        if error.code == 404:
            raise ServerError(
                _("El servidor %(host)s no encuentra ese formulario (HTTP 404): revise su identificador.")
                % {"host": host}
            ) from None
        raise ServerError(
            _("El servidor %(host)s respondió con un error (HTTP %(code)s).") % {"host": host, "code": error.code}
        ) from None
    except TimeoutError:
        raise ServerError(
            _("El servidor %(host)s no respondió en %(seconds)s segundos.") % {"host": host, "seconds": TIMEOUT_SECONDS}
        ) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise ServerError(
                _("El servidor %(host)s no respondió en %(seconds)s segundos.")
                % {"host": host, "seconds": TIMEOUT_SECONDS}
            ) from None
        raise ServerError(
            _("No se pudo conectar con %(host)s: %(reason)s.") % {"host": host, "reason": reason}
        ) from None
    except (ConnectionError, OSError) as error:
        raise ServerError(
            _("No se pudo conectar con %(host)s: %(reason)s.") % {"host": host, "reason": error}
        ) from None
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ServerError(
            _("El servidor %(host)s no respondió con JSON: ¿es la dirección de un servidor Kobo u ODK?")
            % {"host": host}
        ) from None


def _checked_url(base_url: str) -> str:
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ServerError(_("La dirección del servidor debe empezar por https://."))
    return base_url.strip().rstrip("/")


def _pages(first_url: str, headers: dict, *, items: str, next_key: str) -> Iterator[dict]:
    url, pages = first_url, 0
    while url:
        page = _get_json(url, headers)
        if not isinstance(page, dict) or not isinstance(page.get(items), list):
            raise ServerError(_("La respuesta del servidor no tiene la lista «%(key)s» esperada.") % {"key": items})
        yield from (row for row in page[items] if isinstance(row, dict))
        url, pages = page.get(next_key), pages + 1
        if pages >= MAX_PAGES:
            raise ServerError(_("El servidor devolvió demasiadas páginas; se detuvo la lectura."))


def kobo_submissions(base_url: str, token: str, asset_uid: str, page_size: int = PAGE_SIZE) -> Iterator[dict]:
    """Every submission of a KoboToolbox asset: `GET /api/v2/assets/{uid}/data/?format=json&limit=&start=`,
    answered as {count, next, previous, results: [...]}."""
    if not token:
        raise ServerError(_("Falta el token de la API de KoboToolbox."))
    query = urllib.parse.urlencode({"format": "json", "limit": page_size, "start": 0})
    uid = urllib.parse.quote(asset_uid.strip(), safe="")
    url = f"{_checked_url(base_url)}/api/v2/assets/{uid}/data/?{query}"
    yield from _pages(url, {"Authorization": f"Token {token}"}, items="results", next_key="next")


def odk_submissions(
    base_url: str, email: str, password: str, project_id: int, form_id: str, page_size: int = PAGE_SIZE
) -> Iterator[dict]:
    """Every submission of an ODK Central form through OData:
    `GET /v1/projects/{p}/forms/{f}.svc/Submissions?$top=&$skip=`, answered as {value: [...], @odata.nextLink}.
    Central accepts HTTP Basic authentication on every endpoint, which spares a session to open and close."""
    if not email or not password:
        raise ServerError(_("Faltan el usuario o la contraseña de ODK Central."))
    credentials = base64.b64encode(f"{email}:{password}".encode()).decode()
    # $expand=* inlines each repeat's rows in its submission (Central 1.2 and later) instead of a separate table.
    query = urllib.parse.urlencode({"$top": page_size, "$skip": 0, "$count": "true", "$expand": "*"})
    form = urllib.parse.quote(form_id.strip(), safe="")
    url = f"{_checked_url(base_url)}/v1/projects/{int(project_id)}/forms/{form}.svc/Submissions?{query}"
    yield from _pages(url, {"Authorization": f"Basic {credentials}"}, items="value", next_key="@odata.nextLink")
