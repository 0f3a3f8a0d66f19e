"""The shared test world: two organizations with a user in every role, a program each, and a few places.

`org_a` runs program "alpha" with a project led by it and funded by `funder_org`; `org_b` runs "beta".
Users of org B are outsiders to everything of org A, and the other way round.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory

from minka.accounts.models import Membership, OrganizationRole, ProgramRole, ProgramRoleKind, User
from minka.activities.catalogue import activity_types_ensure
from minka.activities.models import Activity, Attendance, Session
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord
from minka.network.models import Organization, Site, Territory
from minka.people.models import Consent, DuplicateCandidate, Enrollment, Merge, Participant
from minka.programs.models import FundingCommitment, Phase, Program, Project, ProjectPartner

TEST_PASSWORD = "a-long-test-password-2026"  # noqa: S105

PLACES = [
    # code, level, name, parent
    ("08", "department", "Cusco", None),
    ("0812", "province", "Quispicanchi", "08"),
    ("081201", "district", "Urcos", "0812"),
    ("081202", "district", "Andahuaylillas", "0812"),
    ("01", "department", "Amazonas", None),
    ("0104", "province", "Condorcanqui", "01"),
    ("010401", "district", "Nieva", "0104"),
    ("13", "department", "La Libertad", None),
    ("1301", "province", "Trujillo", "13"),
    ("130101", "district", "Trujillo", "1301"),
]


def places_create():
    """The few territories tests need, without loading all of Peru."""
    for code, level, name, parent in PLACES:
        Territory.objects.get_or_create(code=code, defaults={"level": level, "name": name, "parent_id": parent})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = factory.LazyAttribute(lambda user: user.username.capitalize())
    password = factory.django.Password(TEST_PASSWORD)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"org-{n}")
    name = factory.LazyAttribute(lambda org: f"Organización {org.slug}")
    kind = "ngo"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"program-{n}")
    name_es = factory.LazyAttribute(lambda p: f"Programa {p.slug}")
    name_en = factory.LazyAttribute(lambda p: f"Program {p.slug}")
    start_date = datetime.date(2024, 1, 1)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    program = factory.SubFactory(ProgramFactory)
    code = factory.Sequence(lambda n: f"p-{n}")
    title_es = factory.LazyAttribute(lambda p: f"Proyecto {p.code}")
    title_en = factory.LazyAttribute(lambda p: f"Project {p.code}")
    lead_organization = factory.SubFactory(OrganizationFactory)


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    funder_org: Organization
    program_a: Program
    program_b: Program
    phase_a: Phase
    project_a: Project
    project_b: Project
    commitment_a: FundingCommitment
    site_a: Site
    site_b: Site
    coordinator_a: User
    admin_a: User
    field_a: User
    credit_a: User
    funder_a: User
    auditor_a: User
    program_auditor_a: User
    admin_b: User
    field_b: User
    coordinator_b: User
    superuser: User
    nobody: User

    def users_of_a(self):
        return [
            self.coordinator_a,
            self.admin_a,
            self.field_a,
            self.credit_a,
            self.funder_a,
            self.auditor_a,
            self.program_auditor_a,
        ]

    def users_of_b(self):
        return [self.admin_b, self.field_b, self.coordinator_b]


def world_create() -> World:
    places_create()
    org_a = OrganizationFactory(slug="alpha-ngo", name="Asociación Alfa", short_name="Alfa", ruc="20512333797")
    org_b = OrganizationFactory(slug="beta-ngo", name="Asociación Beta", short_name="Beta")
    funder_org = OrganizationFactory(slug="gamma-fund", name="Fundación Gamma", kind="foundation", country="ES")
    program_a = ProgramFactory(slug="alpha", name_es="Programa Alfa", name_en="Alpha Program")
    program_a.catalysts.set([org_a])
    program_b = ProgramFactory(slug="beta", name_es="Programa Beta", name_en="Beta Program")
    program_b.catalysts.set([org_b])
    phase_a = Phase.objects.create(program=program_a, number=1, name_es="Fase 1", name_en="Phase 1")
    project_a = ProjectFactory(
        program=program_a,
        phase=phase_a,
        code="alfa-quispicanchi",
        title_es="Emprendimientos en Quispicanchi",
        title_en="Enterprises in Quispicanchi",
        lead_organization=org_a,
    )
    project_a.territories.set(["0812"])
    ProjectPartner.objects.create(project=project_a, organization=funder_org, role="funder")
    project_b = ProjectFactory(
        program=program_b,
        code="beta-trujillo",
        title_es="Crédito en Trujillo",
        title_en="Credit in Trujillo",
        lead_organization=org_b,
    )
    project_b.territories.set(["1301"])
    commitment_a = FundingCommitment.objects.create(
        project=project_a,
        funder=funder_org,
        amount=Decimal("100000.00"),
        currency="EUR",
        committed_on=datetime.date(2024, 1, 15),
        reference="CONV-ALFA-1",
    )
    site_a = Site.objects.create(organization=org_a, name="CDE Urcos", kind="business_centre", district_id="081201")
    site_b = Site.objects.create(organization=org_b, name="Agencia Trujillo", kind="agency", district_id="130101")

    def member(username, organization, role):
        user = UserFactory(username=username)
        Membership.objects.create(user=user, organization=organization, role=role)
        return user

    coordinator_a = member("coord_a", org_a, OrganizationRole.FIELD_OFFICER)
    ProgramRole.objects.create(user=coordinator_a, program=program_a, role=ProgramRoleKind.COORDINATOR)
    program_auditor_a = UserFactory(username="prog_auditor_a")
    ProgramRole.objects.create(user=program_auditor_a, program=program_a, role=ProgramRoleKind.AUDITOR)
    coordinator_b = member("coord_b", org_b, OrganizationRole.FIELD_OFFICER)
    ProgramRole.objects.create(user=coordinator_b, program=program_b, role=ProgramRoleKind.COORDINATOR)
    return World(
        org_a=org_a,
        org_b=org_b,
        funder_org=funder_org,
        program_a=program_a,
        program_b=program_b,
        phase_a=phase_a,
        project_a=project_a,
        project_b=project_b,
        commitment_a=commitment_a,
        site_a=site_a,
        site_b=site_b,
        coordinator_a=coordinator_a,
        admin_a=member("admin_a", org_a, OrganizationRole.ADMIN),
        field_a=member("field_a", org_a, OrganizationRole.FIELD_OFFICER),
        credit_a=member("credit_a", org_a, OrganizationRole.CREDIT_OFFICER),
        funder_a=member("funder_a", funder_org, OrganizationRole.FUNDER),
        auditor_a=member("auditor_a", org_a, OrganizationRole.AUDITOR),
        program_auditor_a=program_auditor_a,
        admin_b=member("admin_b", org_b, OrganizationRole.ADMIN),
        field_b=member("field_b", org_b, OrganizationRole.FIELD_OFFICER),
        coordinator_b=coordinator_b,
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        nobody=UserFactory(username="nobody"),
    )


@dataclass
class FieldRecords:
    """Organization A's people, activities and enterprises, for the sweeps that prove outsiders never see them."""

    person: Participant
    other_person: Participant
    consent: Consent
    enrollment: Enrollment
    duplicate: DuplicateCandidate
    merge: Merge
    activity: Activity
    session: Session
    enterprise: Enterprise
    member: EnterpriseMember
    record: EnterpriseRecord


def field_records_create(world: World) -> FieldRecords:
    """A person of organization A ("Rosalinda Secreta") with her consent and enrollment, a likely duplicate of
    her and a merge, an activity with a session she attended, and an enterprise with her as owner and a record."""
    person, other_person = (
        Participant.objects.create(
            given_names=name, paternal_surname="Secreta", sex="F", registered_by=world.org_a, search_name=name.lower()
        )
        for name in ("Rosalinda", "Rosalinda Elena")
    )
    consent = Consent.objects.create(
        participant=person,
        purpose="Programa",
        text_version="v1",
        method="signed_paper",
        given_on=datetime.date(2024, 1, 10),
        recorded_by=world.field_a,
    )
    enrollment = Enrollment.objects.create(
        participant=person, program=world.program_a, organization=world.org_a, enrolled_on=datetime.date(2024, 1, 10)
    )
    activity_types_ensure(world.program_a)
    activity = Activity.objects.create(
        program=world.program_a,
        organization=world.org_a,
        activity_type=world.program_a.activity_types.first(),
        title="Taller secreto de Alfa",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 3, 31),
    )
    session = Session.objects.create(activity=activity, date=datetime.date(2024, 3, 4))
    Attendance.objects.create(session=session, participant=person, recorded_by=world.field_a)
    enterprise = Enterprise.objects.create(
        organization=world.org_a,
        program=world.program_a,
        kind="individual",
        name="Tejidos Secretos Alfa",
        sector="textiles",
        stage="operating",
        district_id="081201",
        started_on=datetime.date(2024, 1, 1),
    )
    return FieldRecords(
        person=person,
        other_person=other_person,
        consent=consent,
        enrollment=enrollment,
        duplicate=DuplicateCandidate.objects.create(first=person, second=other_person, score=Decimal("90")),
        merge=Merge.objects.create(kept=person, merged=other_person, merged_by=world.admin_a),
        activity=activity,
        session=session,
        enterprise=enterprise,
        member=EnterpriseMember.objects.create(enterprise=enterprise, participant=person, role="owner"),
        record=EnterpriseRecord.objects.create(
            enterprise=enterprise,
            month=datetime.date(2024, 2, 1),
            sales=Decimal("500"),
            costs=Decimal("200"),
            recorded_by=world.field_a,
        ),
    )
