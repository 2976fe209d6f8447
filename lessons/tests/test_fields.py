from lessons.fields import ChoiceListField
from lessons.models import LessonPage

from .factories import make_lesson


def test_choice_list_round_trip_and_contains_filter(module):
    make_lesson(module, slug="a", grade_bands=["junior", "senior"], goals=["law"])
    make_lesson(module, slug="b", grade_bands=["vocational"], goals=["refuse", "skills"])
    lesson = LessonPage.objects.get(slug="a")
    assert lesson.grade_bands == ["junior", "senior"]
    lookup = ChoiceListField.lookup_value
    assert set(LessonPage.objects.filter(grade_bands__contains=lookup("senior")).values_list("slug", flat=True)) == {
        "a"
    }
    # "refuse" must not match inside another code.
    assert list(LessonPage.objects.filter(goals__contains=lookup("refuse")).values_list("slug", flat=True)) == ["b"]


def test_choice_list_rejects_unknown_codes(module):
    import pytest
    from django.core.exceptions import ValidationError

    field = LessonPage._meta.get_field("goals")
    with pytest.raises(ValidationError):
        field.validate(["know", "bogus"], None)
    with pytest.raises(ValidationError):
        field.validate([], None)
