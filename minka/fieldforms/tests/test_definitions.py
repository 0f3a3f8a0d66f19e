import dataclasses

import pytest

from minka.fieldforms import definitions
from minka.fieldforms.definitions import FORM_IDS, HISTORY, UnknownFormVersion, current, form_version, record_id

# Every version ever published, oldest first. Submissions made with any of them keep arriving for months: a
# version is never edited in place, a change is a new FormVersion appended to its form's history.
PUBLISHED = {
    "registration": ["19df1d6e87"],
    "attendance": ["dddb330cd8"],
    "enterprise_followup": ["eb4f20842b"],
    "credit_visit": ["752dd764e6"],
}


def test_published_versions_are_kept_unchanged():
    assert {form_id: [form.version for form in history] for form_id, history in HISTORY.items()} == PUBLISHED


def test_a_changed_question_is_a_new_version():
    form = current("registration")
    questions = list(form.questions)
    index = next(i for i, question in enumerate(questions) if question.name == "phone")
    for change in ({"label_es": "Celular"}, {"relevant": ""}, {"field": "mobile"}, {"required": True}):
        questions[index] = dataclasses.replace(form.questions[index], **change)
        changed = dataclasses.replace(form, questions=tuple(questions))
        assert changed.version != form.version, change


def test_form_version_finds_a_version_by_the_xlsform_string():
    for form_id in FORM_IDS:
        form = current(form_id)
        assert form_version(form_id, form.version) is form
        assert form_version(form_id, f"{form.version}.a1b2c3") is form
    with pytest.raises(UnknownFormVersion):
        form_version("registration", "0000000000")
    with pytest.raises(UnknownFormVersion):
        form_version("census", current("registration").version)
    with pytest.raises(UnknownFormVersion):
        current("census")


def test_question_names_are_unique_and_every_form_says_its_version_and_program():
    for form_id in FORM_IDS:
        form = current(form_id)
        names = [q.name for q in form.questions if not q.type.startswith("end")]
        assert len(names) == len(set(names)), form_id
        assert form.fields["minka_version"] == "form_version"
        assert form.fields["minka_program"] == "program"


def test_attendance_people_sit_in_a_repeat():
    form = current("attendance")
    assert form.repeats == {"person": "present", "person_dni": "present"}
    assert form.paths["present/person"] == "person"
    assert form.fields["person"] == "person_id"


def test_record_choices_round_trip():
    assert record_id("site", definitions.record_choice("site", 12)) == 12
    assert record_id("district", "d080101") == "080101"
    with pytest.raises(ValueError):
        record_id("site", "a12")
    with pytest.raises(ValueError):
        record_id("loan", definitions.NONE_CHOICE)
