"""The demo network: complete, true to the seeds, valid, deterministic, and loaded only once."""

import contextlib
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db import transaction

from minka.accounts import access
from minka.accounts.models import Membership, ProgramRole, User
from minka.core.errors import ApplicationError
from minka.demo import network
from minka.demo.loader import DEMO_PASSWORD, demo_load
from minka.network.models import Organization, Site, Territory
from minka.network.territories import territories_data
from minka.programs.models import (
    Disbursement,
    FundingCommitment,
    Initiative,
    Phase,
    Program,
    Project,
    ProjectPartner,
)

LEVELS = {2: "department", 4: "province", 6: "district"}
DEMO_MODELS = [
    Territory,
    Organization,
    Site,
    Program,
    Phase,
    Project,
    ProjectPartner,
    Initiative,
    FundingCommitment,
    Disbursement,
    User,
    Membership,
    ProgramRole,
]
LOGINS = [
    "coordinadora",
    "admin-ccaijo",
    "promotora",
    "credito",
    "admin-ama",
    "coordinadora-ad",
    "financiador",
    "auditora",
    "admin",
]


@pytest.fixture
def places(db):
    """Only the territories the demo names (with their ancestors), so a test need not load all of Peru."""
    for code in sorted(network.TERRITORIES, key=len):
        Territory.objects.create(
            code=code, level=LEVELS[len(code)], name=network.TERRITORIES[code], parent_id=code[:-2] or None
        )


@pytest.fixture
def demo(places):
    result = demo_load(people=False)
    assert result.created
    return result


def snapshot() -> dict:
    """Every column of every row the demo touches (timestamps and password hashes included), and the links."""
    dump = {}
    for model in DEMO_MODELS:
        columns = [f.attname for f in model._meta.concrete_fields]
        dump[model.__name__] = list(model.objects.order_by("pk").values_list(*columns))
    dump["catalysts"] = sorted(Program.catalysts.through.objects.values_list("program_id", "organization_id"))
    dump["territories"] = sorted(Project.territories.through.objects.values_list("project_id", "territory_id"))
    return dump


def natural_dump() -> dict:
    """The demo by natural keys, without ids or timestamps: what must be the same on every fresh load."""
    return {
        "organizations": list(
            Organization.objects.order_by("slug").values_list(
                "slug", "name", "short_name", "kind", "country", "ruc", "iati_identifier", "website", "district"
            )
        ),
        "programs": [
            (p.slug, p.name_es, p.name_en, p.description_es, p.currency, sorted(p.catalysts.values_list("slug")))
            for p in Program.objects.order_by("slug")
        ],
        "phases": list(
            Phase.objects.order_by("program__slug", "number").values_list("program__slug", "number", "name_es")
        ),
        "projects": [
            (
                p.program.slug,
                p.code,
                p.phase.number if p.phase else None,
                p.title_es,
                p.title_en,
                p.status,
                p.lead_organization.slug,
                sorted(p.territories.values_list("code", flat=True)),
                sorted(p.partners.values_list("organization__slug", "role")),
            )
            for p in Project.objects.order_by("program__slug", "code")
        ],
        "initiatives": list(Initiative.objects.order_by("title_es").values_list("title_es", "title_en", "territory")),
        "sites": list(
            Site.objects.order_by("organization__slug", "name").values_list(
                "organization__slug", "name", "kind", "district"
            )
        ),
        "commitments": list(
            FundingCommitment.objects.order_by("project__code").values_list(
                "project__code", "funder__slug", "amount", "currency", "committed_on", "reference"
            )
        ),
        "disbursements": list(
            Disbursement.objects.order_by("commitment__project__code", "disbursed_on").values_list(
                "commitment__project__code", "amount", "disbursed_on", "note"
            )
        ),
        "users": list(
            User.objects.order_by("username").values_list(
                "username", "first_name", "last_name", "email", "language", "is_superuser", "is_staff"
            )
        ),
        "memberships": list(
            Membership.objects.order_by("user__username").values_list("user__username", "organization__slug", "role")
        ),
        "program_roles": list(
            ProgramRole.objects.order_by("user__username").values_list("user__username", "program__slug", "role")
        ),
    }


def project(code) -> Project:
    return Project.objects.get(code=code)


# Loading, once


def test_second_load_changes_nothing(demo):
    before = snapshot()
    counts = {model.__name__: model.objects.count() for model in DEMO_MODELS}

    again = demo_load(people=False)

    assert again.created is False
    assert {model.__name__: model.objects.count() for model in DEMO_MODELS} == counts
    assert snapshot() == before
    assert again.logins == demo.logins


def test_the_demo_is_the_same_on_every_fresh_load(places):
    class Rollback(Exception):
        pass

    with contextlib.suppress(Rollback), transaction.atomic():
        demo_load(people=False)
        first = natural_dump()
        raise Rollback
    assert not Program.objects.exists()

    demo_load(people=False)

    assert natural_dump() == first


def test_row_counts(demo):
    assert Organization.objects.count() == 20
    assert Program.objects.count() == 4
    assert Phase.objects.count() == 2
    assert Project.objects.count() == 17
    assert ProjectPartner.objects.count() == 55
    assert Initiative.objects.count() == 15
    assert Site.objects.count() == 11
    assert FundingCommitment.objects.count() == 15
    assert Disbursement.objects.count() == 19
    assert User.objects.count() == 9
    assert Membership.objects.count() == 7
    assert ProgramRole.objects.count() == 4


def test_every_demo_row_passes_validation(demo):
    for model in DEMO_MODELS[1:]:
        for instance in model.objects.all():
            instance.full_clean()


def test_missing_territories_are_named_and_nothing_is_loaded(db):
    Territory.objects.create(code="01", level="department", name="Amazonas")

    with pytest.raises(ApplicationError) as error:
        demo_load(people=False)

    assert error.value.code == "territories_missing"
    assert "0812" in error.value.message and "130704" in error.value.message
    assert not Organization.objects.exists() and not Program.objects.exists() and not User.objects.exists()


def test_loads_peru_first_on_an_empty_database(db):
    result = demo_load(people=False)

    assert result.created
    assert Territory.objects.filter(level="district").count() > 1800
    assert Territory.objects.get(code="130704").parent.parent.name == "La Libertad"
    assert demo_load(people=False).created is False


def test_demo_territories_are_named_as_inei_names_them():
    inei = {row["code"]: row for row in territories_data()}
    assert network.territory_codes_used() <= set(network.TERRITORIES)
    for code, name in network.TERRITORIES.items():
        assert inei[code]["name"] == name, code
        assert inei[code]["level"] == LEVELS[len(code)]


def test_an_existing_username_is_left_alone(places):
    someone = User.objects.create_user("admin", email="jefa@minka.pe", password="her-own-password-2026")

    result = demo_load(people=False)

    someone.refresh_from_db()
    assert someone.check_password("her-own-password-2026") and not someone.is_superuser
    assert not someone.memberships.exists() and not someone.program_roles.exists()
    assert "admin" not in dict(result.logins)
    assert set(dict(result.logins)) == set(LOGINS) - {"admin"}


# The four programs


def test_the_four_programs_have_their_catalysts(demo):
    catalysts = {p.slug: set(p.catalysts.values_list("slug", flat=True)) for p in Program.objects.all()}
    assert catalysts == {
        "w4p-peru": {"entreculturas", "fya-peru"},
        "funiber-network": {"funiber"},
        "women-participation": {"accion-desarrollo"},
        "ama-solidarity-fund": {"ama"},
    }
    for program in Program.objects.all():
        assert program.name_es and program.name_en and program.description_es and program.description_en


def test_w4p_covers_quispicanchi_and_condorcanqui_in_each_phase(demo):
    w4p = Program.objects.get(slug="w4p-peru")
    assert list(w4p.phases.values_list("number", flat=True)) == [1, 2]
    for phase in w4p.phases.all():
        covered = set(
            Project.territories.through.objects.filter(project__phase=phase).values_list("territory_id", flat=True)
        )
        assert covered == {"0812", "0104"}, phase
    # The territorial partners stay in their territory; the Andes are CCAIJO's, the Amazon SAIPE's.
    for p in w4p.projects.filter(lead_organization__slug="ccaijo"):
        assert list(p.territories.values_list("code", flat=True)) == ["0812"]
    for p in w4p.projects.filter(lead_organization__slug="saipe"):
        assert list(p.territories.values_list("code", flat=True)) == ["0104"]
    leads = set(w4p.projects.values_list("lead_organization__slug", flat=True))
    assert leads == {"ccaijo", "saipe", "avsi-peru", "fya-peru", "uarm"}


def test_w4p_partners_and_their_roles(demo):
    for p in Project.objects.filter(program__slug="w4p-peru"):
        roles = set(p.partners.values_list("organization__slug", "role"))
        assert {("la-caixa", "funder"), ("entreculturas", "catalyst"), ("fya-peru", "catalyst")} <= roles, p.code
        assert (p.lead_organization.slug, "implementer") in roles, p.code


def test_business_development_centres(demo):
    centres = Site.objects.filter(kind="business_centre")
    assert set(centres.values_list("district", "organization__slug")) == {("081201", "ccaijo"), ("010401", "saipe")}


def test_funiber_has_three_initiatives_in_each_city(demo):
    program = Program.objects.get(slug="funiber-network")
    initiatives = Initiative.objects.filter(program=program)
    assert initiatives.count() == 15
    assert set(initiatives.values_list("project__code", flat=True)) == {"fortalecimiento-capacidades"}
    # Lima and Callao make the Lima group.
    groups = {"15": "Lima", "07": "Lima", "16": "Iquitos", "20": "Piura", "04": "Arequipa", "08": "Cusco"}
    by_city = Counter(groups[code[:2]] for code in initiatives.values_list("territory", flat=True))
    assert by_city == {"Lima": 3, "Iquitos": 3, "Piura": 3, "Arequipa": 3, "Cusco": 3}
    assert all(i.title_es and i.title_en and i.title_es != i.title_en for i in initiatives)
    fortalecimiento = project("fortalecimiento-capacidades")
    assert set(fortalecimiento.partners.values_list("organization__slug", "role")) == {
        ("accd", "funder"),
        ("funiber", "implementer"),
        ("fonchip", "ally"),
        ("caprodes", "ally"),
    }


def test_women_participation_projects_with_scopes_and_cooperating_entities(demo):
    projects = Project.objects.filter(program__slug="women-participation")
    scopes = {
        p.code: (
            set(p.territories.values_list("code", flat=True)),
            set(p.partners.filter(role="funder").values_list("organization__slug", flat=True)),
        )
        for p in projects
    }
    assert scopes == {
        "escuelas-emprendedoras": ({"150132", "1204"}, {"iaf"}),
        "prevencion-violencia-tayacaja-jauja": ({"0907", "1204"}, {"bernard-van-leer"}),
        "mujeres-en-accion-sjl": ({"150132"}, {"acsur-las-segovias"}),
        "participacion-politica-jauja": ({"1204"}, {"fondo-italo-peruano"}),
        "adolescentes-sjl": ({"150132"}, {"fondo-italo-peruano"}),
    }
    assert set(projects.values_list("lead_organization__slug", flat=True)) == {"accion-desarrollo"}
    school = Site.objects.get(kind="school")
    assert (school.name, school.district_id) == ("IE Benito Juárez", "150132")


def test_ama_agencies_and_the_prison(demo):
    agencies = Site.objects.filter(organization__slug="ama", kind="agency")
    assert agencies.count() == 7
    districts = {site.district for site in agencies}
    assert len(districts) == 7
    assert all(d.level == "district" and d.code.startswith("13") for d in districts)
    assert {d.name for d in districts} == {
        "Trujillo",
        "Huamachuco",
        "Otuzco",
        "Santiago de Chuco",
        "Virú",
        "Paiján",
        "Pacasmayo",
    }
    prison = Site.objects.get(kind="prison")
    assert prison.organization.slug == "ep-mujeres-trujillo" and prison.organization.kind == "penitentiary"
    assert prison.district.parent_id == "1301"
    kinds = dict(Organization.objects.filter(slug__in=["inpe", "pastoral-trujillo"]).values_list("slug", "kind"))
    assert kinds == {"inpe": "public_agency", "pastoral-trujillo": "religious"}
    fund = project("fondo-solidario-ep-trujillo")
    assert set(fund.partners.values_list("organization__slug", "role")) == {
        ("ama", "implementer"),
        ("ep-mujeres-trujillo", "ally"),
        ("inpe", "ally"),
        ("pastoral-trujillo", "ally"),
    }
    assert Project.objects.filter(program__slug="ama-solidarity-fund").count() == 2


# Organizations and money


def test_organizations_countries_and_no_invented_identifiers(demo):
    countries = dict(Organization.objects.values_list("slug", "country"))
    assert {
        slug: countries[slug] for slug in ["la-caixa", "entreculturas", "accd", "acsur-las-segovias", "funiber"]
    } == {
        "la-caixa": "ES",
        "entreculturas": "ES",
        "accd": "ES",
        "acsur-las-segovias": "ES",
        "funiber": "ES",
    }
    assert countries["iaf"] == "US" and countries["bernard-van-leer"] == "NL"
    assert countries["ccaijo"] == countries["ama"] == countries["inpe"] == "PE"
    assert not Organization.objects.exclude(ruc="").exists()
    assert not Organization.objects.exclude(iati_identifier="").exists()


def test_commitments_are_illustrative_in_the_funders_currency(demo):
    currencies = {
        "la-caixa": "EUR",
        "accd": "EUR",
        "iaf": "USD",
        "bernard-van-leer": "EUR",
        "acsur-las-segovias": "EUR",
        "fondo-italo-peruano": "PEN",
    }
    commitments = FundingCommitment.objects.select_related("funder", "project")
    assert commitments.exists()
    for commitment in commitments:
        assert "ilustrativ" in commitment.reference.lower(), commitment
        assert commitment.currency == currencies[commitment.funder.slug], commitment
        assert commitment.project.partners.filter(organization=commitment.funder, role="funder").exists()
        disbursed = sum((d.amount for d in commitment.disbursements.all()), Decimal(0))
        assert Decimal(0) < disbursed <= commitment.amount
    assert all("ilustrativ" in note.lower() for note in Disbursement.objects.values_list("note", flat=True))
    # Every funder partner has its commitment, so no funded project shows an empty budget.
    funded = set(ProjectPartner.objects.filter(role="funder").values_list("project_id", "organization_id"))
    assert funded == set(commitments.values_list("project_id", "funder_id"))


# People


def test_every_login_authenticates_with_the_demo_password(demo):
    assert [username for username, _ in demo.logins] == LOGINS
    for username, description in demo.logins:
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert description
        assert user.first_name and user.last_name
        assert user.email == f"{username}@example.org" and user.language == "es"


def test_each_login_has_the_role_it_describes(demo):
    users = {user.username: user for user in User.objects.all()}
    w4p = Program.objects.get(slug="w4p-peru")
    fund = Program.objects.get(slug="ama-solidarity-fund")
    women = Program.objects.get(slug="women-participation")
    w4p_projects = set(w4p.projects.values_list("pk", flat=True))

    def memberships(user):
        return set(user.memberships.values_list("organization__slug", "role"))

    def program_roles(user):
        return set(user.program_roles.values_list("program__slug", "role"))

    coordinator = users["coordinadora"]
    assert memberships(coordinator) == {("fya-peru", "field_officer")}
    assert program_roles(coordinator) == {("w4p-peru", "coordinator")}
    assert access.program_can_edit(coordinator, w4p) and not access.program_can_edit(coordinator, women)

    admin_ccaijo = users["admin-ccaijo"]
    assert memberships(admin_ccaijo) == {("ccaijo", "admin")}
    assert access.organization_can_edit(admin_ccaijo, Organization.objects.get(slug="ccaijo"))
    assert access.project_can_edit(admin_ccaijo, project("f2-quispicanchi"))
    assert not access.project_can_edit(admin_ccaijo, project("f2-condorcanqui"))

    field_officer = users["promotora"]
    assert memberships(field_officer) == {("ccaijo", "field_officer")}
    urcos = Site.objects.get(district="081201")
    assert access.site_can_edit(field_officer, urcos.organization_id)
    assert not access.organization_can_edit(field_officer, urcos.organization)

    assert memberships(users["credito"]) == {("ama", "credit_officer")}
    assert not program_roles(users["credito"])
    assert memberships(users["admin-ama"]) == {("ama", "admin")}
    assert program_roles(users["admin-ama"]) == {("ama-solidarity-fund", "coordinator")}
    assert access.program_can_edit(users["admin-ama"], fund)

    funder = users["financiador"]
    assert memberships(funder) == {("la-caixa", "funder")}
    assert access.programs_visible(funder).filter(pk=w4p.pk).exists()
    assert set(access.projects_visible(funder).values_list("pk", flat=True)) == w4p_projects
    assert not access.program_can_edit(funder, w4p)

    auditor = users["auditora"]
    assert program_roles(auditor) == {("w4p-peru", "auditor")} and not memberships(auditor)
    assert set(access.projects_visible(auditor).values_list("pk", flat=True)) == w4p_projects
    assert not access.program_can_edit(auditor, w4p)

    admin = users["admin"]
    assert admin.is_superuser and admin.is_staff and access.is_network_admin(admin)
    assert not any(u.is_superuser for name, u in users.items() if name != "admin")
