"""Reading stories, scoped to the user.

Within a program the user sees: its coordinators and auditors, network admins, and the staff and auditors of its
organizations read every story, internal ones included, and the person behind each when they may read her
personal data. Aggregates-only readers (funders) read the publishable stories alone, never the person records.
Anyone else gets a 404, as for a missing record.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from minka.accounts import access
from minka.people.models import Participant
from minka.programs.models import Program
from minka.results.selectors import aggregates_only
from minka.stories.models import Story

STORY_RELATED = ("program", "project", "person", "territory", "consent_recorded_by")


def program_for_stories(*, user, slug: str) -> Program:
    return get_object_or_404(access.programs_visible(user), slug=slug)


def stories_of(*, user, program: Program) -> QuerySet:
    stories = Story.objects.filter(program=program).select_related(*STORY_RELATED)
    return stories.publishable() if aggregates_only(user, program) else stories


def story_get(*, user, program: Program, pk) -> Story:
    return get_object_or_404(stories_of(user=user, program=program), pk=pk)


def person_shown(*, user, story: Story) -> Participant | None:
    """The person who tells the story, when the user may read her record; else None (the name as published
    stays on the story)."""
    if story.person_id is None or aggregates_only(user, story.program):
        return None
    return access.people_visible(user).filter(pk=story.person_id).first()


def person_choices(*, user, program: Program) -> QuerySet:
    """The people a story of the program may name: those enrolled in it whose record the user reads."""
    return access.people_visible(user).filter(enrollments__program=program).distinct()


def publishable_of(program: Program) -> QuerySet:
    """What a program shows to the world and to its donors: consented, public stories, newest first."""
    return Story.objects.filter(program=program).publishable().select_related("project", "territory")
