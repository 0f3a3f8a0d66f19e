"""Services: every write checked, audited, and nothing saved when a rule is broken."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from minka.audit.models import AuditEvent
from minka.core.errors import ApplicationError, PermissionDenied
from minka.enterprises import services
from minka.enterprises.models import Enterprise, EnterpriseMember, EnterpriseRecord, StageChange
from minka.enterprises.tests.conftest import enterprise_make, person_create
from minka.network.models import Territory

pytestmark = pytest.mark.django_db

VALID_RUC = "20512333797"


def data(world, **changes):
    values = {
        "organization": world.org_a,
        "program": world.program_a,
        "project": world.project_a,
        "kind": "family",
        "name": "Panadería Sumaq",
        "sector": "food_processing",
        "stage": "prototype",
        "site": world.site_a,
        "district": Territory.objects.get(code="081202"),
        "started_on": datetime.date(2024, 5, 2),
        "ruc": "",
    }
    values.update(changes)
    return values


def events(instance, action=None, pk=None):
    found = AuditEvent.objects.filter(model=instance._meta.label_lower, object_id=str(pk or instance.pk))
    return found.filter(action=action) if action else found


class TestEnterpriseCreate:
    def test_creates_with_its_first_stage_and_an_audit_event(self, world):
        enterprise = services.enterprise_create(user=world.field_a, data=data(world, ruc=VALID_RUC))
        assert enterprise.name == "Panadería Sumaq" and enterprise.ruc == VALID_RUC
        [change] = enterprise.stage_changes.all()
        assert (change.stage, change.changed_on, change.recorded_by) == (
            "prototype",
            datetime.date(2024, 5, 2),
            world.field_a,
        )
        [event] = events(enterprise)
        assert event.action == "create" and event.actor == world.field_a
        assert event.organization == world.org_a and event.program == world.program_a
        assert event.changes["name"] == [None, "Panadería Sumaq"]
        assert event.changes["district"] == [None, "081202"]
        assert events(change, "create").count() == 1

    def test_coordinator_of_the_program_may_create(self, world):
        assert services.enterprise_create(user=world.coordinator_a, data=data(world)).pk

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"ruc": "20512333798"}, "ruc"),  # wrong check digit
            ({"ruc": "2051233379"}, "ruc"),  # ten digits
            ({"started_on": timezone.localdate() + datetime.timedelta(days=1)}, "started_on"),
            ({"name": ""}, "name"),
        ],
    )
    def test_bad_input_saves_nothing(self, world, changes, field):
        with pytest.raises(ApplicationError) as caught:
            services.enterprise_create(user=world.field_a, data=data(world, **changes))
        assert field in caught.value.fields
        assert not Enterprise.objects.exists() and not StageChange.objects.exists() and not AuditEvent.objects.exists()

    def test_site_of_another_organization_is_refused(self, world):
        with pytest.raises(ApplicationError) as caught:
            services.enterprise_create(user=world.field_a, data=data(world, site=world.site_b))
        assert "site" in caught.value.fields
        assert not Enterprise.objects.exists()

    def test_project_of_another_program_is_refused(self, world):
        with pytest.raises(ApplicationError) as caught:
            services.enterprise_create(user=world.superuser, data=data(world, project=world.project_b))
        assert "project" in caught.value.fields

    def test_organization_must_take_part_in_the_program(self, world):
        with pytest.raises(ApplicationError) as caught:
            services.enterprise_create(user=world.superuser, data=data(world, organization=world.org_b, site=None))
        assert "organization" in caught.value.fields
        assert not Enterprise.objects.exists()

    @pytest.mark.parametrize("username", ["funder_a", "auditor_a", "program_auditor_a", "field_b", "nobody"])
    def test_who_may_not_record_for_org_a(self, world, username):
        with pytest.raises(PermissionDenied):
            services.enterprise_create(user=getattr(world, username), data=data(world))
        assert not Enterprise.objects.exists()


class TestEnterpriseUpdate:
    def test_update_is_audited_with_what_changed(self, world):
        enterprise = enterprise_make(world)
        services.enterprise_update(user=world.admin_a, enterprise=enterprise, data={"name": "Tejidos Urcos SAC"})
        [event] = events(enterprise, "update")
        assert event.changes == {"name": ["Tejidos Urcos", "Tejidos Urcos SAC"]}
        assert enterprise.stage_changes.count() == 1  # same stage: no history row

    def test_organization_and_program_stay_as_created(self, world):
        enterprise = enterprise_make(world)
        services.enterprise_update(
            user=world.superuser, enterprise=enterprise, data={"organization": world.org_b, "program": world.program_b}
        )
        enterprise.refresh_from_db()
        assert (enterprise.organization, enterprise.program) == (world.org_a, world.program_a)

    def test_each_stage_change_is_recorded_with_its_date_and_the_past_stays(self, world):
        enterprise = enterprise_make(world, stage="idea", started_on=datetime.date(2024, 1, 10))
        steps = [
            ("prototype", datetime.date(2024, 3, 1), ""),
            ("operating", datetime.date(2024, 6, 1), "Primera venta"),
            ("closed", datetime.date(2024, 9, 15), "Helada"),
            ("operating", datetime.date(2024, 11, 2), "Reabre"),
        ]
        for stage, on_date, note in steps:
            services.enterprise_update(
                user=world.field_a,
                enterprise=enterprise,
                data={"stage": stage},
                stage_changed_on=on_date,
                stage_note=note,
            )
        history = list(enterprise.stage_changes.values_list("stage", "changed_on", "note"))
        assert history == [("idea", datetime.date(2024, 1, 10), ""), *steps]
        enterprise.refresh_from_db()
        assert enterprise.stage == "operating"
        stage_events = [e.changes["stage"] for e in events(enterprise, "update").order_by("pk")]
        assert stage_events == [
            ["idea", "prototype"],
            ["prototype", "operating"],
            ["operating", "closed"],
            ["closed", "operating"],
        ]

    def test_stage_change_without_date_is_today(self, world):
        enterprise = enterprise_make(world, stage="prototype")
        services.enterprise_update(user=world.field_a, enterprise=enterprise, data={"stage": "operating"})
        assert enterprise.stage_changes.last().changed_on == timezone.localdate()

    @pytest.mark.parametrize(
        "on_date",
        [
            timezone.localdate() + datetime.timedelta(days=1),  # future
            datetime.date(2024, 1, 9),  # before the enterprise started
        ],
    )
    def test_stage_change_date_checked_and_nothing_saved(self, world, on_date):
        enterprise = enterprise_make(world, stage="prototype", started_on=datetime.date(2024, 1, 10))
        with pytest.raises(ApplicationError) as caught:
            services.enterprise_update(
                user=world.field_a,
                enterprise=enterprise,
                data={"stage": "operating", "name": "Otro nombre"},
                stage_changed_on=on_date,
            )
        assert "stage_changed_on" in caught.value.fields
        enterprise.refresh_from_db()
        assert (enterprise.stage, enterprise.name) == ("prototype", "Tejidos Urcos")
        assert enterprise.stage_changes.count() == 1
        assert not events(enterprise).exists()

    def test_history_is_never_rewritten_by_an_earlier_date(self, world):
        enterprise = enterprise_make(world, stage="idea", started_on=datetime.date(2024, 1, 10))
        services.enterprise_update(
            user=world.field_a,
            enterprise=enterprise,
            data={"stage": "operating"},
            stage_changed_on=datetime.date(2024, 6, 1),
        )
        with pytest.raises(ApplicationError):
            services.enterprise_update(
                user=world.field_a,
                enterprise=enterprise,
                data={"stage": "closed"},
                stage_changed_on=datetime.date(2024, 5, 1),
            )
        assert list(enterprise.stage_changes.values_list("stage", flat=True)) == ["idea", "operating"]

    def test_invalid_ruc_on_update_saves_nothing(self, world):
        enterprise = enterprise_make(world)
        with pytest.raises(ApplicationError) as caught:
            services.enterprise_update(
                user=world.field_a, enterprise=enterprise, data={"ruc": "12345678901", "name": "Nuevo"}
            )
        assert "ruc" in caught.value.fields
        enterprise.refresh_from_db()
        assert (enterprise.ruc, enterprise.name) == ("", "Tejidos Urcos")

    @pytest.mark.parametrize("username", ["auditor_a", "funder_a", "admin_b", "coordinator_b"])
    def test_only_editors_update(self, world, username):
        enterprise = enterprise_make(world)
        with pytest.raises(PermissionDenied):
            services.enterprise_update(user=getattr(world, username), enterprise=enterprise, data={"name": "X"})


class TestMembers:
    def test_add_and_remove_are_audited(self, world, rosa):
        enterprise = enterprise_make(world)
        member = services.member_add(
            user=world.field_a,
            enterprise=enterprise,
            participant=rosa,
            role="owner",
            joined_on=datetime.date(2024, 2, 1),
        )
        assert events(member, "create").get().changes["participant"] == [None, rosa.pk]
        pk = member.pk
        services.member_remove(user=world.field_a, member=member)
        assert not EnterpriseMember.objects.exists()
        assert events(member, "delete", pk=pk).get().changes["role"] == ["owner", None]

    def test_same_person_twice_is_a_clear_error(self, world, rosa):
        enterprise = enterprise_make(world)
        services.member_add(user=world.field_a, enterprise=enterprise, participant=rosa, role="owner")
        with pytest.raises(ApplicationError) as caught:
            services.member_add(user=world.field_a, enterprise=enterprise, participant=rosa, role="worker")
        assert "ya es integrante" in str(caught.value.message)
        assert caught.value.code == "duplicate_member"
        assert EnterpriseMember.objects.get().role == "owner"

    def test_person_the_user_cannot_see_is_refused(self, world, outsider_person):
        enterprise = enterprise_make(world)
        with pytest.raises(ApplicationError) as caught:
            services.member_add(user=world.field_a, enterprise=enterprise, participant=outsider_person, role="worker")
        assert caught.value.code == "not_found"
        assert not EnterpriseMember.objects.exists()

    def test_future_joining_date_is_refused(self, world, rosa):
        enterprise = enterprise_make(world)
        with pytest.raises(ApplicationError):
            services.member_add(
                user=world.field_a,
                enterprise=enterprise,
                participant=rosa,
                role="owner",
                joined_on=timezone.localdate() + datetime.timedelta(days=3),
            )
        assert not EnterpriseMember.objects.exists()

    def test_auditor_may_not_add(self, world, rosa):
        enterprise = enterprise_make(world)
        with pytest.raises(PermissionDenied):
            services.member_add(user=world.auditor_a, enterprise=enterprise, participant=rosa, role="owner")


class TestMonthlyRecords:
    def test_month_is_kept_as_its_first_day_and_audited(self, world):
        enterprise = enterprise_make(world)
        record, created = services.record_save_month(
            user=world.field_a,
            enterprise=enterprise,
            month=datetime.date(2024, 3, 17),
            sales="500",
            costs="200.5",
            jobs=2,
        )
        assert created
        record.refresh_from_db()
        assert (record.month, record.sales, record.costs, record.jobs) == (
            datetime.date(2024, 3, 1),
            Decimal("500.00"),
            Decimal("200.50"),
            2,
        )
        assert record.net_income == Decimal("299.50")
        assert events(record, "create").get().changes["sales"] == [None, "500.00"]

    def test_saving_a_month_again_updates_its_record_and_is_audited(self, world):
        """The design: one record per month, and a second save of a month corrects it (no duplicate, no error)."""
        enterprise = enterprise_make(world)
        first, _ = services.record_save_month(
            user=world.field_a, enterprise=enterprise, month=datetime.date(2024, 3, 1), sales="500", costs="200", jobs=2
        )
        second, created = services.record_save_month(
            user=world.admin_a,
            enterprise=enterprise,
            month=datetime.date(2024, 3, 28),
            sales="650",
            costs="200",
            jobs=3,
        )
        assert not created and second.pk == first.pk
        assert EnterpriseRecord.objects.count() == 1
        assert EnterpriseRecord.objects.get().sales == Decimal("650.00")
        update = events(first, "update").get()
        assert update.actor == world.admin_a
        assert update.changes["sales"] == ["500.00", "650.00"] and update.changes["jobs"] == [2, 3]
        assert "costs" not in update.changes

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"month": "next"}, "month"),
            ({"sales": "-1"}, "sales"),
            ({"costs": "-0.01"}, "costs"),
            ({"jobs": -1}, "jobs"),
            ({"month": datetime.date(2023, 12, 1)}, "month"),  # before the enterprise started
        ],
    )
    def test_bad_input_saves_nothing(self, world, changes, field):
        enterprise = enterprise_make(world, started_on=datetime.date(2024, 1, 10))
        values = {"month": datetime.date(2024, 3, 1), "sales": "100", "costs": "50", "jobs": 1, **changes}
        if values["month"] == "next":
            values["month"] = services.month_start(timezone.localdate()) + datetime.timedelta(days=32)
        with pytest.raises(ApplicationError) as caught:
            services.record_save_month(user=world.field_a, enterprise=enterprise, **values)
        assert field in caught.value.fields
        assert not EnterpriseRecord.objects.exists()
        assert not AuditEvent.objects.filter(model="enterprises.enterpriserecord").exists()

    def test_this_month_may_be_recorded(self, world):
        enterprise = enterprise_make(world)
        record, _ = services.record_save_month(
            user=world.field_a, enterprise=enterprise, month=timezone.localdate(), sales="1", costs="0"
        )
        assert record.month == services.month_start(timezone.localdate())

    def test_negative_sales_on_resave_leave_the_month_as_it_was(self, world):
        enterprise = enterprise_make(world)
        services.record_save_month(
            user=world.field_a, enterprise=enterprise, month=datetime.date(2024, 3, 1), sales="500", costs="200"
        )
        with pytest.raises(ApplicationError):
            services.record_save_month(
                user=world.field_a, enterprise=enterprise, month=datetime.date(2024, 3, 1), sales="-5", costs="200"
            )
        assert EnterpriseRecord.objects.get().sales == Decimal("500.00")

    def test_delete_is_audited(self, world):
        enterprise = enterprise_make(world)
        record, _ = services.record_save_month(
            user=world.field_a, enterprise=enterprise, month=datetime.date(2024, 3, 1), sales="500", costs="200"
        )
        pk = record.pk
        services.record_delete(user=world.coordinator_a, record=record)
        assert not EnterpriseRecord.objects.exists()
        assert events(record, "delete", pk=pk).get().actor == world.coordinator_a

    @pytest.mark.parametrize("username", ["auditor_a", "program_auditor_a", "funder_a", "field_b"])
    def test_only_editors_record(self, world, username):
        enterprise = enterprise_make(world)
        with pytest.raises(PermissionDenied):
            services.record_save_month(
                user=getattr(world, username),
                enterprise=enterprise,
                month=datetime.date(2024, 3, 1),
                sales="1",
                costs="0",
            )
        assert not EnterpriseRecord.objects.exists()


def test_person_of_org_b_enrolled_through_program_a_can_be_added_by_its_coordinator(world):
    """Coordinators see the people enrolled in their programs, whoever registered them."""
    from minka.people.models import Enrollment

    person = person_create(world.org_b, given_names="Marisol")
    Enrollment.objects.create(
        participant=person, program=world.program_a, organization=world.org_b, enrolled_on=datetime.date(2024, 2, 1)
    )
    enterprise = enterprise_make(world)
    member = services.member_add(user=world.coordinator_a, enterprise=enterprise, participant=person, role="partner")
    assert member.pk
