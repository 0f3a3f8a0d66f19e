"""The versioned REST API, mounted at /api/v1/: docs at /api/v1/docs, the OpenAPI document at /api/v1/openapi.json.

One router per app; the endpoints call the same selectors (scoping) and services (rules, audit) as the pages.
"""

from minka.accounts.api import router as accounts_router
from minka.activities.api import router as activities_router
from minka.core.api_support import MinkaAPI, SessionAuth, TokenAuth
from minka.credit.api import router as credit_router
from minka.employment.api import router as employment_router
from minka.enterprises.api import router as enterprises_router
from minka.network.api import router as network_router
from minka.people.api import router as people_router
from minka.programs.api import router as programs_router
from minka.results.api import router as results_router

DESCRIPTION = """
Minka's REST API, version 1.

**Authentication.** A personal token made on your profile page, sent as `Authorization: Bearer mk_…`; or, in
the browser (these docs), your logged-in session, with the CSRF token on writes (the docs send it for you).

**Language.** Messages come in Spanish or English: the `Accept-Language` header when a token client sends it,
otherwise the user's language.

**Lists** take `limit` (1–500, default 50) and `offset`, and answer `{"count": total, "items": [...]}`.

**Writes.** `POST` creates, `PATCH` changes only the fields sent, `DELETE` removes where the pages allow it; the one
`PUT` sets a session's whole attendance. Records are named by their natural keys: organizations and programs by slug,
territories by INEI ubigeo, phases by number, activity types by code; projects, sites, initiatives, commitments,
disbursements, people, activities, sessions and enterprises by id.
Indicator values are computed from the records at each request; counts are integers, amounts and percentages
decimal strings. Splits go in `by` (`?by=sex,age_band`); a funder gets cells under 5 hidden (`"suppressed": true`).
Money is a decimal string with two places (`"1500.00"`) next to its currency.

**People.** A DNI is accepted on writes and never returned: responses carry its last three digits. Search by DNI
with `POST /people/search` (the DNI stays out of addresses and logs). Funders never see a person.

**Errors** always have the shape `{"message", "code", "fields"}`: 400 a broken rule or an unknown reference
(`malformed` for a body that is not JSON), 401 no or bad credentials, 403 allowed to see but not to do,
404 missing or not yours (the same answer), 405 method not allowed, 409 conflict, 422 the request does not fit
the schema, 500 unexpected (logged).
"""

api = MinkaAPI(
    title="Minka API",
    version="1",
    description=DESCRIPTION,
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api-v1",
)

api.add_router("", accounts_router)
api.add_router("", network_router)
api.add_router("", programs_router)
api.add_router("", people_router)
api.add_router("", activities_router)
api.add_router("", enterprises_router)
api.add_router("", results_router)
api.add_router("", credit_router)
api.add_router("", employment_router)
