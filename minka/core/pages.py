"""What every page view shares: pagination with the filters kept, and a service's error shown on a form."""

from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator

from minka.core.errors import ApplicationError

PER_PAGE = 25


def paginate(request, queryset, per_page: int = PER_PAGE) -> dict:
    """The page asked for in `?page=` and the other query parameters, for `includes/pagination.html`."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return {"page_obj": page, "query_without_page": f"{query}&" if query else ""}


def form_add_error(form, error: ApplicationError) -> None:
    """Shows a broken rule on the form: each named field's messages beside it, the message on top.

    A permission refused is not something the form can fix: it is the 403 page.
    """
    if error.status == 403:
        raise Forbidden(error.message)
    shown = set()
    for name, field_messages in error.fields.items():
        for message in field_messages if isinstance(field_messages, (list, tuple)) else [field_messages]:
            form.add_error(name if name in form.fields else None, message)
            shown.add(str(message))
    if str(error.message) not in shown:
        form.add_error(None, error.message)
