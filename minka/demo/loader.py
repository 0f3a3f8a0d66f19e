"""Loads the demo network (`minka.demo.network`) and its people (`minka.demo.people`) the first time, and leaves
them alone afterwards.

The demo is seed data, not a user's edit, so it is written straight through the ORM (no audit events), but
every row goes through `full_clean()` so the demo cannot hold what a form would refuse. Records are looked up
by their natural keys (slugs, codes, names) and made only when missing; an organization that already exists
is reused as it is, and a username that is already taken is left untouched and gets no demo role.

The people step writes thousands of rows, so it validates each with the form rules (`full_clean`) but writes
them in batches (`bulk_create`); see `minka.demo.people`. The programs' standard activity types come from the
catalogue's own service (`activity_types_ensure`), which audits what it adds; the results frameworks come from
the results services, used by the demo's logins (`minka.demo.results`), and AMA's two funds from the credit
services (`minka.demo.credit`: every loan applied for, visited, approved, disbursed and repaid). The whole demo
is one transaction, made once: when the marker program exists nothing is written, people included.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from minka.accounts.models import Membership, ProgramRole, User
from minka.core.errors import ApplicationError
from minka.demo import credit as demo_credit
from minka.demo import employment as demo_employment
from minka.demo import network
from minka.demo import people as demo_people
from minka.demo import results as demo_results
from minka.demo import stories as demo_stories
from minka.network.models import Organization, Site, Territory
from minka.network.territories import territories_data, territories_load_if_empty
from minka.people.duplicates import duplicates_find
from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    InitiativeStatus,
    Phase,
    Program,
    Project,
    ProjectPartner,
)

DEMO_PASSWORD = "minka-demo"  # noqa: S105 -- public by design: printed by `minka demo`


@dataclass(frozen=True)
class DemoResult:
    created: bool
    logins: list[tuple[str, str]] = field(default_factory=list)


def demo_load(*, people: bool = True, credit: bool = True) -> DemoResult:
    """Loads the demo unless it is already there; returns whether it did, and the demo logins.

    `people=False` loads the network alone (organizations, programs, projects, users), which tests of the
    network use to stay fast; `credit=False` leaves out AMA's funds, for tests of the people and results.
    """
    territories_load_if_empty()
    with transaction.atomic():
        if Program.objects.filter(slug=network.MARKER_PROGRAM).exists():
            return DemoResult(created=False, logins=demo_logins())
        _territories_check()
        organizations = _organizations_load()
        programs = _programs_load(organizations)
        projects = _projects_load(programs, organizations)
        _initiatives_load(projects)
        _sites_load(organizations)
        _commitments_load(projects, organizations)
        _users_load(programs, organizations)
        if people:
            _territories_ensure(demo_people.territory_codes())
            demo_people.people_load(
                programs=programs, projects=projects, organizations=organizations, users=_demo_users()
            )
            # The review queue starts as it would in real use: the likely duplicates found and waiting.
            duplicates_find()
            # The results frameworks, whose computed indicators count the people just written.
            demo_results.results_load(programs=programs, organizations=organizations, users=_demo_users())
            # Phase 2's job service, played through the employment services by its officer's login.
            _users_load(programs, organizations, demo_employment.USERS)
            demo_employment.employment_load(
                programs=programs, organizations=organizations, users=_demo_users(), password=DEMO_PASSWORD
            )
        if people and credit:
            # AMA's two funds, played through the credit services by the fund's own logins.
            _users_load(programs, organizations, demo_credit.USERS)
            demo_credit.credit_load(programs=programs, organizations=organizations, users=_demo_users())
        # The seeds' stories, their consent recorded by each program's coordination (Rocío linked when she exists).
        demo_stories.stories_load(programs=programs, users=_demo_users())
    return DemoResult(created=True, logins=demo_logins())


def _user_specs() -> list[dict]:
    """Every demo login: the network's, then those the credit part and the job service add (with the people only)."""
    return [*network.USERS, *demo_credit.USERS, *demo_employment.LOGINS]


def demo_logins() -> list[tuple[str, str]]:
    """(username, what the user can do) for each demo user present, in the order of `_user_specs()`."""
    specs = _user_specs()
    present = set(
        User.objects.filter(username__in=[spec["username"] for spec in specs]).values_list("username", "email")
    )
    return [
        (spec["username"], str(spec["description"]))
        for spec in specs
        if (spec["username"], _email(spec["username"])) in present
    ]


def _demo_users() -> dict[str, User]:
    """The demo's own logins by username, in the order of `_user_specs()` (not a stranger's taken username)."""
    usernames = [spec["username"] for spec in _user_specs()]
    found = {user.username: user for user in User.objects.filter(username__in=usernames)}
    return {name: found[name] for name in usernames if name in found and found[name].email == _email(name)}


def _email(username: str) -> str:
    return f"{username}@example.org"


def _create(model, **values):
    """Validates and saves a new row."""
    instance = model(**values)
    instance.full_clean()
    instance.save()
    return instance


def _get_or_create(model, lookup: dict, **values):
    """The row with `lookup`, or a new validated one; the second value says whether it was made now."""
    instance = model.objects.filter(**lookup).first()
    if instance is not None:
        return instance, False
    return _create(model, **lookup, **values), True


def _territories_check():
    """Peru's territories must be loaded first: say which are missing instead of failing on a foreign key."""
    wanted = network.territory_codes_used()
    missing = sorted(wanted - set(Territory.objects.filter(code__in=wanted).values_list("code", flat=True)))
    if missing:
        message = _("Faltan territorios para la red de demostración (cargue los ubigeos del INEI): %(codes)s.")
        raise ApplicationError(message % {"codes": ", ".join(missing)}, code="territories_missing")


def _territories_ensure(codes: set[str]) -> None:
    """Adds, from the shipped INEI data, the districts the demo's people live in when they are missing.

    A normal database holds all of Peru already (`territories_load_if_empty`); this serves one that holds only
    part of it, such as the network tests' own.
    """
    wanted = set(codes)
    for code in codes:
        wanted |= {code[:2], code[:4]}
    missing = wanted - set(Territory.objects.filter(code__in=wanted).values_list("code", flat=True))
    if missing:
        rows = [row for row in territories_data() if row["code"] in missing]  # parents come first
        Territory.objects.bulk_create([Territory(**row) for row in rows])


def _organizations_load() -> dict[str, Organization]:
    organizations = {}
    for spec in network.ORGANIZATIONS:
        values = {key: value for key, value in spec.items() if key not in ("slug", "district")}
        values["district_id"] = spec.get("district")
        organizations[spec["slug"]], _ = _get_or_create(Organization, {"slug": spec["slug"]}, **values)
    return organizations


def _programs_load(organizations) -> dict[str, Program]:
    programs = {}
    for spec in network.PROGRAMS:
        values = {key: spec[key] for key in ("name_es", "name_en", "description_es", "description_en", "currency")}
        program, created = _get_or_create(Program, {"slug": spec["slug"]}, **values)
        if created:
            program.catalysts.set([organizations[slug] for slug in spec["catalysts"]])
        for phase in spec["phases"]:
            _get_or_create(
                Phase,
                {"program": program, "number": phase["number"]},
                name_es=phase["name_es"],
                name_en=phase["name_en"],
            )
        programs[spec["slug"]] = program
    return programs


def _projects_load(programs, organizations) -> dict[str, Project]:
    """Projects by code (codes are unique across the demo), with their territories and partners."""
    projects = {}
    for spec in network.PROJECTS:
        program = programs[spec["program"]]
        phase = Phase.objects.get(program=program, number=spec["phase"]) if spec.get("phase") else None
        project, created = _get_or_create(
            Project,
            {"program": program, "code": spec["code"]},
            phase=phase,
            title_es=spec["title_es"],
            title_en=spec["title_en"],
            description_es=spec["description_es"],
            description_en=spec["description_en"],
            status=spec["status"],
            lead_organization=organizations[spec["lead"]],
        )
        if created:
            project.territories.set(spec["territories"])
        for slug, role in spec["partners"]:
            _get_or_create(ProjectPartner, {"project": project, "organization": organizations[slug], "role": role})
        projects[spec["code"]] = project
    return projects


def _initiatives_load(projects):
    program = projects[network.FUNIBER_PROJECT].program
    for title_es, title_en, territory, city in network.INITIATIVES:
        _get_or_create(
            Initiative,
            {"program": program, "title_es": title_es},
            project=projects[network.FUNIBER_PROJECT],
            title_en=title_en,
            territory_id=territory,
            proposed_by=f"Agentes de cooperación de {city}",
            status=InitiativeStatus.PLANNED,
        )


def _sites_load(organizations):
    for spec in network.SITES:
        _get_or_create(
            Site,
            {"organization": organizations[spec["organization"]], "name": spec["name"]},
            kind=spec["kind"],
            district_id=spec["district"],
        )


def _commitments_load(projects, organizations):
    for row in network.commitment_rows():
        commitment, created = _get_or_create(
            FundingCommitment,
            {"project": projects[row["project"]], "funder": organizations[row["funder"]]},
            amount=row["amount"],
            currency=row["currency"],
            committed_on=row["committed_on"],
            reference=network.ILLUSTRATIVE_COMMITMENT,
        )
        if not created:
            continue
        for disbursed_on, amount in row["disbursements"]:
            _create(
                Disbursement,
                commitment=commitment,
                amount=amount,
                disbursed_on=disbursed_on,
                note=network.ILLUSTRATIVE_DISBURSEMENT,
            )


def _users_load(programs, organizations, specs=None):
    # One hash for all: the password is public, and hashing it eight times would only slow the first start.
    password = make_password(DEMO_PASSWORD)
    for spec in network.USERS if specs is None else specs:
        if User.objects.filter(username=spec["username"]).exists():
            continue
        superuser = spec.get("is_superuser", False)
        user = _create(
            User,
            username=spec["username"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
            email=_email(spec["username"]),
            language="es",
            password=password,
            is_superuser=superuser,
            is_staff=superuser,
        )
        for slug, role in spec.get("memberships", []):
            _create(Membership, user=user, organization=organizations[slug], role=role)
        for slug, role in spec.get("program_roles", []):
            _create(ProgramRole, user=user, program=programs[slug], role=role)
