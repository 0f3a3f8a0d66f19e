"""Reading the employment service.

Staff: scoped by `access.field_records_visible_filter` on the organization running the service (the seeker's,
the employer's) and its program: staff and auditors of that organization, coordinators and auditors of the
program. Funders and outsiders see nothing; what is not theirs answers 404 exactly like what does not exist.
An application is seen by those who see its vacancy or its seeker; a placement and its follow-ups go with the
application; a self-employment with its seeker.

Employer portal: a user who is an employer's contact sees that employer's published vacancies and, for the
people put forward for them, only their name and what each agreed to share (contact, CV, work experience):
never the DNI, birth date, address, other seekers or the match's explanation.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minka.accounts import access
from minka.employment.models import (
    FOLLOW_UP_MONTHS,
    Application,
    ApplicationEvent,
    ApplicationState,
    Employer,
    EmployerContact,
    FollowUp,
    JobSeeker,
    Placement,
    SelfEmployment,
    Skill,
    Vacancy,
    VacancyStatus,
    WorkExperience,
)
from minka.employment.services import follow_up_due_on
from minka.people.models import Enrollment, EnrollmentStatus
from minka.people.services import search_key

# States in which a person is in front of the employer: put forward, applied, interviewed, hired.
PORTAL_STATES = (
    ApplicationState.PROPOSED,
    ApplicationState.APPLIED,
    ApplicationState.INTERVIEWED,
    ApplicationState.HIRED,
)


def _scoped(model, user, **fields) -> QuerySet:
    scope = access.field_records_visible_filter(user, **fields)
    if scope is None:
        return model.objects.none()
    return model.objects.filter(scope)


# Staff: seekers and skills -------------------------------------------------------------------------------------


def seekers_visible(user) -> QuerySet:
    return _scoped(JobSeeker, user)


def seeker_list(
    *, user, program=None, status: str = "", search: str = "", organization=None, visible: QuerySet | None = None
) -> QuerySet:
    seekers = seekers_visible(user) if visible is None else visible
    if program is not None:
        seekers = seekers.filter(program=program)
    if organization is not None:
        seekers = seekers.filter(organization=organization)
    if status:
        seekers = seekers.filter(status=status)
    # Every word typed, without accents or case, as the people search does ("maria huaman" finds María Huamán).
    for word in search_key(search or "").split():
        seekers = seekers.filter(participant__search_name__contains=word)
    return seekers.select_related("participant__district", "organization", "program").prefetch_related("skills")


def seeker_get(*, user, seeker_id: int) -> JobSeeker:
    return get_object_or_404(
        seekers_visible(user)
        .select_related("participant__district__parent__parent", "organization", "program")
        .prefetch_related(
            "skills",
            "preferred_districts",
            "experiences",
            "self_employments__enterprise",
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("vacancy__employer", "placement").order_by("-pk"),
            ),
        ),
        pk=seeker_id,
    )


def experience_get(*, user, experience_id: int) -> WorkExperience:
    return get_object_or_404(
        WorkExperience.objects.filter(seeker__in=seekers_visible(user).values("pk")).select_related(
            "seeker__organization", "seeker__program"
        ),
        pk=experience_id,
    )


def seeker_participant_choices(*, user, program, organization) -> QuerySet:
    """The people the user may give a profile in `program` through `organization`: enrolled there (not dropped),
    visible to the user, without a profile in the program yet."""
    enrolled = Enrollment.objects.filter(program=program, organization=organization).exclude(
        status=EnrollmentStatus.DROPPED
    )
    return (
        access.people_visible(user)
        .filter(pk__in=enrolled.values("participant_id"))
        .exclude(job_seekers__program=program)
        .order_by("paternal_surname", "maternal_surname", "given_names", "pk")
    )


def skill_list(*, user, program, active_only: bool = True) -> QuerySet:
    """The program's skill catalogue, for those who see the program."""
    if not access.programs_visible(user).filter(pk=program.pk).exists():
        return Skill.objects.none()
    skills = Skill.objects.filter(program=program)
    if active_only:
        skills = skills.filter(is_active=True)
    return skills.order_by("name", "pk")


def skill_get(*, user, skill_id: int) -> Skill:
    return get_object_or_404(
        Skill.objects.filter(program__in=access.programs_visible(user).values("pk")).select_related("program"),
        pk=skill_id,
    )


# Staff: employers and vacancies --------------------------------------------------------------------------------


def employers_visible(user) -> QuerySet:
    return _scoped(Employer, user)


def employer_list(*, user, program=None, search: str = "") -> QuerySet:
    employers = employers_visible(user)
    if program is not None:
        employers = employers.filter(program=program)
    if search:
        employers = employers.filter(name__icontains=search)
    return employers.select_related("district", "organization", "program").annotate(
        vacancy_count=Count("vacancies", distinct=True)
    )


def employer_get(*, user, employer_id: int) -> Employer:
    return get_object_or_404(
        employers_visible(user)
        .select_related("district__parent__parent", "organization", "program")
        .prefetch_related(Prefetch("contacts", queryset=EmployerContact.objects.select_related("user")), "vacancies"),
        pk=employer_id,
    )


def contact_get(*, user, contact_id: int) -> EmployerContact:
    return get_object_or_404(
        EmployerContact.objects.filter(employer__in=employers_visible(user).values("pk")).select_related(
            "employer__organization", "employer__program", "user"
        ),
        pk=contact_id,
    )


def vacancies_visible(user) -> QuerySet:
    return _scoped(Vacancy, user, organization_field="employer__organization")


def vacancy_list(*, user, program=None, status: str = "", employer=None) -> QuerySet:
    """Vacancies with their hires and the people in process counted."""
    vacancies = vacancies_visible(user)
    if program is not None:
        vacancies = vacancies.filter(program=program)
    if employer is not None:
        vacancies = vacancies.filter(employer=employer)
    if status:
        vacancies = vacancies.filter(status=status)
    return vacancies.select_related("employer", "district", "program").annotate(
        hire_count=Count("applications", filter=Q(applications__state=ApplicationState.HIRED), distinct=True),
        proposed_count=Count("applications", filter=Q(applications__state=ApplicationState.PROPOSED), distinct=True),
        application_count=Count("applications", distinct=True),
    )


def vacancy_get(*, user, vacancy_id: int) -> Vacancy:
    return get_object_or_404(
        vacancies_visible(user)
        .select_related("employer__organization", "district__parent__parent", "program")
        .prefetch_related("required_skills", "desirable_skills"),
        pk=vacancy_id,
    )


# Staff: applications, placements, self-employment, follow-ups --------------------------------------------------


def applications_visible(user) -> QuerySet:
    return Application.objects.filter(
        Q(vacancy__in=vacancies_visible(user).values("pk")) | Q(seeker__in=seekers_visible(user).values("pk"))
    )


def application_list(*, user, vacancy=None, seeker=None, state: str = "") -> QuerySet:
    applications = applications_visible(user)
    if vacancy is not None:
        applications = applications.filter(vacancy=vacancy)
    if seeker is not None:
        applications = applications.filter(seeker=seeker)
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("vacancy__employer", "seeker__participant", "placement").order_by(
        "vacancy", "-score", "pk"
    )


def shortlist(*, user, vacancy) -> QuerySet:
    """The people proposed for a vacancy and not yet moved on, best match first."""
    return application_list(user=user, vacancy=vacancy, state=ApplicationState.PROPOSED)


def application_get(*, user, application_id: int) -> Application:
    return get_object_or_404(
        applications_visible(user)
        .select_related(
            "vacancy__employer__organization", "vacancy__program", "seeker__participant", "seeker__organization"
        )
        .prefetch_related(Prefetch("events", queryset=ApplicationEvent.objects.select_related("by"))),
        pk=application_id,
    )


def placements_visible(user) -> QuerySet:
    return Placement.objects.filter(application__in=applications_visible(user).values("pk"))


def placement_list(*, user, program=None) -> QuerySet:
    placements = placements_visible(user)
    if program is not None:
        placements = placements.filter(application__vacancy__program=program)
    return placements.select_related(
        "application__vacancy__employer", "application__seeker__participant"
    ).prefetch_related("follow_ups")


def placement_get(*, user, placement_id: int) -> Placement:
    return get_object_or_404(
        placements_visible(user)
        .select_related(
            "application__vacancy__employer__organization",
            "application__vacancy__program",
            "application__seeker__participant",
            "application__seeker__organization",
        )
        .prefetch_related("follow_ups"),
        pk=placement_id,
    )


def self_employments_visible(user) -> QuerySet:
    return SelfEmployment.objects.filter(seeker__in=seekers_visible(user).values("pk"))


def self_employment_list(*, user, program=None) -> QuerySet:
    rows = self_employments_visible(user)
    if program is not None:
        rows = rows.filter(seeker__program=program)
    return rows.select_related("seeker__participant", "enterprise").prefetch_related("follow_ups")


def self_employment_get(*, user, self_employment_id: int) -> SelfEmployment:
    return get_object_or_404(
        self_employments_visible(user)
        .select_related("seeker__participant", "seeker__organization", "seeker__program", "enterprise")
        .prefetch_related("follow_ups"),
        pk=self_employment_id,
    )


@dataclass(frozen=True)
class FollowUpNext:
    """The next follow-up of a job or a self-employment that is not recorded yet."""

    month: int
    due_on: datetime.date
    is_due: bool


def follow_up_next(*, start: datetime.date, done: set[int], today: datetime.date) -> FollowUpNext | None:
    """The first follow-up (3, then 6 months) not recorded, and whether it has fallen due; None once both are.
    Pages offer to record one only when it is due: the service refuses it earlier."""
    for month in FOLLOW_UP_MONTHS:
        if month not in done:
            due_on = follow_up_due_on(start=start, month=month)
            return FollowUpNext(month, due_on, due_on <= today)
    return None


def follow_up_months_left(done: set[int]) -> list[int]:
    return [month for month in FOLLOW_UP_MONTHS if month not in done]


@dataclass(frozen=True)
class FollowUpDue:
    """A follow-up that has fallen due and is not recorded yet."""

    placement: Placement | None
    self_employment: SelfEmployment | None
    seeker: JobSeeker
    month: int
    due_on: datetime.date


def follow_ups_due(*, user, program=None, today: datetime.date | None = None) -> list[FollowUpDue]:
    """The 3- and 6-month follow-ups due by `today` (today by default) and not recorded, oldest first."""
    today = today or timezone.localdate()
    due = []
    for placement in placement_list(user=user, program=program).filter(start_date__lte=today):
        done = {follow_up.month for follow_up in placement.follow_ups.all()}
        for month in FOLLOW_UP_MONTHS:
            due_on = follow_up_due_on(start=placement.start_date, month=month)
            if month not in done and due_on <= today:
                due.append(FollowUpDue(placement, None, placement.application.seeker, month, due_on))
    for self_employment in self_employment_list(user=user, program=program).filter(started_on__lte=today):
        done = {follow_up.month for follow_up in self_employment.follow_ups.all()}
        for month in FOLLOW_UP_MONTHS:
            due_on = follow_up_due_on(start=self_employment.started_on, month=month)
            if month not in done and due_on <= today:
                due.append(FollowUpDue(None, self_employment, self_employment.seeker, month, due_on))
    return sorted(due, key=lambda item: (item.due_on, item.month, item.seeker.pk))


def follow_up_get(*, user, follow_up_id: int) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.filter(
            Q(placement__in=placements_visible(user).values("pk"))
            | Q(self_employment__in=self_employments_visible(user).values("pk"))
        ),
        pk=follow_up_id,
    )


# Employer portal -----------------------------------------------------------------------------------------------


def employer_portal_contact(user) -> EmployerContact | None:
    """The employer contact behind a login, or None for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return None
    return EmployerContact.objects.select_related("employer").filter(user=user).first()


def is_employer_portal_user(user) -> bool:
    return employer_portal_contact(user) is not None


def employer_portal_vacancies(*, user) -> QuerySet:
    """The contact's employer's vacancies once published (drafts are the service's work in progress)."""
    contact = employer_portal_contact(user)
    if contact is None:
        return Vacancy.objects.none()
    return (
        Vacancy.objects.filter(employer_id=contact.employer_id)
        .exclude(status=VacancyStatus.DRAFT)
        .select_related("employer", "district")
        .annotate(candidate_count=Count("applications", filter=Q(applications__state__in=PORTAL_STATES), distinct=True))
    )


def employer_portal_vacancy_get(*, user, vacancy_id: int) -> Vacancy:
    return get_object_or_404(employer_portal_vacancies(user=user), pk=vacancy_id)


@dataclass(frozen=True)
class PortalExperience:
    employer_name: str
    role: str
    started_on: datetime.date
    ended_on: datetime.date | None
    description: str


@dataclass(frozen=True)
class PortalCandidate:
    """A person put forward for the employer's vacancy, as the employer may see her: her name, the state of her
    application, and only what she agreed to share (None where she did not)."""

    application_id: int
    name: str
    state: str
    state_label: str
    phone: str | None
    has_cv: bool
    experiences: tuple[PortalExperience, ...] | None


def employer_portal_candidates(*, user, vacancy) -> list[PortalCandidate]:
    vacancy = employer_portal_vacancy_get(user=user, vacancy_id=vacancy.pk)
    applications = (
        Application.objects.filter(vacancy=vacancy, state__in=PORTAL_STATES)
        .select_related("seeker__participant")
        .prefetch_related("seeker__experiences")
        .order_by("-score", "pk")
    )
    candidates = []
    for application in applications:
        seeker = application.seeker
        experiences = None
        if seeker.share_experience:
            experiences = tuple(
                PortalExperience(item.employer_name, item.role, item.started_on, item.ended_on, item.description)
                for item in seeker.experiences.all()
            )
        candidates.append(
            PortalCandidate(
                application_id=application.pk,
                name=seeker.participant.full_name,
                state=application.state,
                state_label=str(application.get_state_display()),
                phone=(seeker.participant.phone or "") if seeker.share_contact else None,
                has_cv=bool(seeker.share_cv and seeker.cv),
                experiences=experiences,
            )
        )
    return candidates


def employer_portal_cv(*, user, application_id: int):
    """The CV file of a candidate who agreed to share it, for the contact's employer; 404 otherwise."""
    contact = employer_portal_contact(user)
    if contact is None:
        raise Http404
    application = get_object_or_404(
        Application.objects.select_related("seeker")
        .filter(vacancy__employer_id=contact.employer_id, state__in=PORTAL_STATES)
        .exclude(vacancy__status=VacancyStatus.DRAFT),
        pk=application_id,
    )
    if not application.seeker.share_cv or not application.seeker.cv:
        raise Http404
    return application.seeker.cv
