"""The duplicates queue's pages: what each shows and to whom, deciding, undoing, and the queries they take."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, clear_url_caches, include, path, reverse

from minka.people import duplicates
from minka.people.models import DuplicateCandidate, DuplicateStatus, Merge, Participant
from minka.people.tests.test_duplicates import URCOS, enroll, pair_of, person_create, planted  # noqa: F401
from minka.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db

# The project's pages with the queue and the registry mounted, for as long as `minka/urls.py` does not include them.
urlpatterns = [
    path("", include("minka.people.urls_duplicates")),
    path("", include("minka.people.urls")),
    *project_urlpatterns,
]

OUTSIDERS = ["admin_b", "field_b", "coordinator_b", "funder_a", "nobody"]


@pytest.fixture(autouse=True)
def duplicate_urls(settings):
    try:
        reverse("duplicate_list")
        reverse("person_detail", args=[1])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__
        clear_url_caches()
        yield
        clear_url_caches()
    else:
        yield


@pytest.fixture
def queue(world, planted):  # noqa: F811
    duplicates.duplicates_find()
    return {**planted, "maria": pair_of(planted["maria_a"], planted["maria_b"])}


def body(response) -> str:
    html = response.content.decode().replace("\xa0", " ")
    if "<main" in html:
        html = html[html.index("<main") : html.index("</main>")]
    return html


def review_url(candidate):
    return reverse("duplicate_review", args=[candidate.pk])


class TestList:
    def test_shows_both_people_side_by_side_with_the_reasons(self, world, login, queue):
        page = body(login(world.coordinator_a).get(reverse("duplicate_list")))
        assert "María Quispe Huamán y Maria Quispe Huaman" in page
        assert "···456" in page and "sin DNI" in page
        assert "Asociación Alfa" in page and "Asociación Beta" in page
        assert "12/04/1998" in page and "Urcos" in page
        assert "Coincidencia 100%" in page
        assert "nombres parecidos (100%)" in page and "misma fecha de nacimiento" in page
        assert "Rosa Mamani Ccori y Rosa Elena Mamani Ccori" in page
        assert page.index("María Quispe Huamán y") < page.index("Rosa Mamani Ccori y")  # most likely first
        assert reverse("person_detail", args=[queue["maria_b"].pk]) in page

    def test_outsiders_do_not_see_pairs_with_people_they_may_not_see(self, world, login, queue):
        for name in OUTSIDERS:
            page = body(login(getattr(world, name)).get(reverse("duplicate_list")))
            assert "Quispe" not in page, name
            assert "No hay posibles duplicados por revisar." in page

    def test_decided_pairs_leave_the_queue(self, world, login, queue):
        duplicates.duplicate_mark_different(user=world.coordinator_a, candidate=queue["maria"])
        page = body(login(world.coordinator_a).get(reverse("duplicate_list")))
        assert "María Quispe Huamán y" not in page
        assert "Rosa Mamani Ccori y" in page

    def test_queries_do_not_grow_with_the_pairs(self, world, login, queue, django_assert_max_num_queries):
        client = login(world.coordinator_a)
        with django_assert_max_num_queries(17), CaptureQueriesContext(connection) as few:
            client.get(reverse("duplicate_list"))
        for n in range(30):
            first = person_create(world.org_a, "Ana", "Ruiz", born=datetime.date(1950 + n, 1, 1), district=URCOS)
            second = person_create(world.org_b, "Ana", f"Ruiz{n}", born=first.birth_date, district=URCOS)
            enroll(first, world.program_a, world.org_a)
            enroll(second, world.program_a, world.org_b)
        assert duplicates.duplicates_find() == 30
        duplicates.person_merge(user=world.coordinator_a, kept=queue["rosa_a"], merged=queue["rosa_b"])
        with CaptureQueriesContext(connection) as many:
            page = body(client.get(reverse("duplicate_list")))
        assert "Página 1 de 2" in page
        assert "Rosa Elena Mamani Ccori fusionada en Rosa Mamani Ccori" in page
        assert len(many) == len(few)


class TestReview:
    def test_shows_the_pair_and_the_choice(self, world, login, queue):
        page = body(login(world.coordinator_a).get(review_url(queue["maria"])))
        assert "¿Es la misma persona?" in page
        assert "Registro 1" in page and "Registro 2" in page
        assert 'name="decision"' in page and 'name="keep"' in page
        assert "María Quispe Huamán · Asociación Alfa" in page

    def test_merging_keeps_the_chosen_record(self, world, login, queue):
        kept, merged = queue["maria_a"], queue["maria_b"]
        client = login(world.coordinator_a)
        response = client.post(review_url(queue["maria"]), {"decision": "same", "keep": kept.pk})
        assert response.status_code == 302 and response.url == reverse("duplicate_list")
        merged.refresh_from_db()
        assert merged.merged_into == kept
        assert kept.enrollments.count() == 2
        page = body(client.get(response.url))
        assert "Registros fusionados: se conserva el de María Quispe Huamán." in page
        assert "Maria Quispe Huaman fusionada en María Quispe Huamán" in page
        merge = Merge.objects.get()
        assert reverse("merge_undo", args=[merge.pk]) in page
        # The merged person is gone from her page, and from the pair's.
        assert client.get(reverse("person_detail", args=[merged.pk])).status_code == 404
        assert client.get(reverse("person_detail", args=[kept.pk])).status_code == 200
        assert client.get(review_url(queue["maria"])).status_code == 404

    def test_different_people(self, world, login, queue):
        response = login(world.coordinator_a).post(review_url(queue["maria"]), {"decision": "different"})
        assert response.status_code == 302
        queue["maria"].refresh_from_db()
        assert queue["maria"].status == DuplicateStatus.DIFFERENT
        assert queue["maria"].reviewed_by == world.coordinator_a
        assert not Merge.objects.exists()
        page = body(login(world.coordinator_a).get(review_url(queue["maria"])))
        assert "No es la misma persona" in page and 'name="decision"' not in page

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Este campo es obligatorio."),
            ({"decision": "same", "keep": ""}, "Elija cuál de los dos registros se conserva."),
            ({"decision": "same", "keep": "999999"}, "Escoja una opción válida."),
            ({"decision": "maybe"}, "Escoja una opción válida."),
        ],
    )
    def test_bad_input_is_a_clear_message_and_nothing_is_saved(self, world, login, queue, data, message):
        response = login(world.coordinator_a).post(review_url(queue["maria"]), data)
        assert response.status_code == 200
        assert message in body(response)
        queue["maria"].refresh_from_db()
        assert queue["maria"].status == DuplicateStatus.PENDING
        assert not Merge.objects.exists()
        assert not Participant.objects.filter(merged_into__isnull=False).exists()

    def test_who_only_reads_sees_the_pair_but_cannot_decide(self, world, login, queue):
        client = login(world.program_auditor_a)
        page = body(client.get(review_url(queue["maria"])))
        assert "Maria Quispe Huaman" in page and 'name="decision"' not in page
        response = client.post(review_url(queue["maria"]), {"decision": "same", "keep": queue["maria_a"].pk})
        assert response.status_code == 403
        queue["maria"].refresh_from_db()
        assert queue["maria"].status == DuplicateStatus.PENDING
        assert not Merge.objects.exists()

    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_outsiders_get_404(self, world, client, queue, outsider):
        client.force_login(getattr(world, outsider))
        url = review_url(queue["maria"])
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "different"}).status_code == 404
        assert client.post(url, {"decision": "same", "keep": queue["maria_b"].pk}).status_code == 404
        queue["maria"].refresh_from_db()
        assert queue["maria"].status == DuplicateStatus.PENDING

    def test_a_missing_pair_is_404_like_a_foreign_one(self, world, login, queue):
        assert login(world.superuser).get(reverse("duplicate_review", args=[999999])).status_code == 404

    def test_field_officers_resolve_the_pairs_of_their_own_organization(self, world, login, queue):
        twin = person_create(world.org_b, "Rosa Elena", "Mamani", "Ccori", year=2001, district="081202")
        assert duplicates.duplicates_find_for(twin) == 2
        own = pair_of(twin, queue["rosa_b"])  # both registered by B
        client = login(world.field_b)
        assert "Rosa Elena Mamani Ccori y Rosa Elena Mamani Ccori" in body(client.get(reverse("duplicate_list")))
        assert client.post(review_url(own), {"decision": "same", "keep": twin.pk}).status_code == 302
        assert DuplicateCandidate.objects.get(pk=own.pk).status == DuplicateStatus.SAME


class TestUndoPage:
    @pytest.fixture
    def merge(self, world, queue):
        return duplicates.duplicate_merge(
            user=world.coordinator_a, candidate=queue["maria"], kept_id=queue["maria_a"].pk
        )

    def test_asks_then_undoes(self, world, login, queue, merge):
        client = login(world.coordinator_a)
        url = reverse("merge_undo", args=[merge.pk])
        page = body(client.get(url))
        assert "El registro de Maria Quispe Huaman fue fusionado en el de María Quispe Huamán" in page
        assert '<form method="post"' in page
        response = client.post(url)
        assert response.status_code == 302
        page = body(client.get(response.url))
        assert "Fusión deshecha: Maria Quispe Huaman y María Quispe Huamán vuelven a ser dos registros." in page
        assert "María Quispe Huamán y Maria Quispe Huaman" in page  # back in the queue
        assert client.get(reverse("person_detail", args=[queue["maria_b"].pk])).status_code == 200
        assert "Esta fusión ya fue deshecha" in body(client.get(url))
        response = client.post(url)
        assert "Esta fusión ya fue deshecha." in body(client.get(response.url))

    @pytest.mark.parametrize("outsider", OUTSIDERS)
    def test_outsiders_get_404(self, world, client, outsider):
        first = person_create(world.org_a, "Ana", "Ruiz", born=datetime.date(1990, 1, 1), district=URCOS)
        second = person_create(world.org_a, "Ana", "Ruíz", born=datetime.date(1990, 1, 1), district=URCOS)
        merge = duplicates.person_merge(user=world.field_a, kept=first, merged=second)
        client.force_login(getattr(world, outsider))
        url = reverse("merge_undo", args=[merge.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        assert "Ana Ruiz" not in body(client.get(reverse("duplicate_list")))
        merge.refresh_from_db()
        assert merge.undone_at is None

    def test_the_partner_whose_record_was_merged_may_undo_it(self, world, login, merge):
        # María's enrollment through B moved to the kept record: B's staff follow her there, and may undo.
        client = login(world.field_b)
        assert "Maria Quispe Huaman fusionada en María Quispe Huamán" in body(client.get(reverse("duplicate_list")))
        assert client.post(reverse("merge_undo", args=[merge.pk])).status_code == 302
        merge.refresh_from_db()
        assert merge.undone_by == world.field_b

    def test_who_only_reads_cannot_undo(self, world, login, merge):
        client = login(world.program_auditor_a)
        url = reverse("merge_undo", args=[merge.pk])
        assert "No tiene permiso para deshacer esta fusión." in body(client.get(url))
        assert client.post(url).status_code == 403
        merge.refresh_from_db()
        assert merge.undone_at is None
