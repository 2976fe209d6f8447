"""Self-study time comes from the lesson itself: its student-visible text at the band's pace, plus its videos."""

import pytest
from django.test import override_settings

from classroom import completion
from lessons.reading import CHINESE_PER_MINUTE, ENGLISH_PER_MINUTE, count_characters, count_words, explain, measure

from .factories import make_lesson, make_module

pytestmark = pytest.mark.django_db


def _body(characters: int, teacher_characters: int = 0, video_minutes: int | None = None) -> list[dict]:
    body = [{"type": "paragraph", "value": "<p>" + "读" * characters + "</p>"}]
    if teacher_characters:
        body.append(
            {"type": "teacher_note", "value": {"title": "", "body": "<p>" + "教" * teacher_characters + "</p>"}}
        )
    if video_minutes is not None:
        body.append(
            {
                "type": "video",
                "value": {"title": "", "embed": "https://example.com/v", "running_minutes": video_minutes},
            }
        )
    return body


def test_counting_counts_chinese_characters_and_english_words():
    assert count_characters("毒品，是指 Drug 123 鸦片。") == 6
    assert count_words("Don't open it: 200 yuan, well-known") == 6


def test_the_pace_follows_the_grade_band():
    primary = measure(_body(1600), ["primary_upper"])
    junior = measure(_body(1600), ["junior"])
    assert (primary.per_minute, junior.per_minute) == (200, 300)
    assert primary.minutes == 8  # 1,600 characters at 200 a minute
    assert junior.minutes == 6  # 1,600 at 300 is 5 min 20 s, rounded up to whole minutes
    # A lesson for several bands is timed for its youngest readers.
    assert measure(_body(1600), ["senior", "primary_upper"]).per_minute == CHINESE_PER_MINUTE["primary_upper"]


def test_teacher_only_text_is_not_counted_and_videos_add_their_running_time():
    plain = measure(_body(900), ["junior"])
    with_notes = measure(_body(900, teacher_characters=3000), ["junior"])
    assert with_notes.characters == plain.characters == 900
    with_video = measure(_body(900, video_minutes=4), ["junior"])
    assert with_video.media_minutes == 4
    assert with_video.seconds == plain.seconds + 240
    assert with_video.minutes == 7  # 3 minutes of reading plus 4 of video


def test_english_is_timed_in_words():
    reading = measure([{"type": "paragraph", "value": "<p>" + "word " * 360 + "</p>"}], ["junior"], english=True)
    assert reading.words == 360 and reading.per_minute == ENGLISH_PER_MINUTE["junior"]
    assert reading.minutes == 2


def test_the_explanation_states_the_figures_in_plain_words():
    text = explain(measure(_body(1600, video_minutes=3), ["primary_upper"]))
    assert "1600" in text and "200" in text and "3" in text and "11" in text


def test_a_short_lesson_no_longer_asks_for_half_the_class_length():
    """The issue's case: ~526 characters used to ask for 20 minutes (half of a 40-minute class)."""
    module = make_module(grade_band="primary_upper")
    lesson = make_lesson(module, slug="short", estimated_minutes=40, grade_bands=["primary_upper"], body=_body(521))
    assert lesson.reading_time.characters == 526  # with the five of its title
    assert lesson.reading_time.minutes == 3
    assert completion.minimum_seconds(lesson) == 79  # half of 158 s: 526 characters at 200 a minute
    assert completion.minimum_minutes(lesson) == 2
    assert completion.minimum_seconds(lesson) < 20 * 60


@override_settings(QINGDUN={"MIN_READING_SHARE": 1.0})
def test_the_share_applies_to_the_lessons_own_time_and_the_rule_says_so():
    module = make_module(slug="senior", grade_band="senior")
    lesson = make_lesson(module, slug="long", grade_bands=["senior"], reading_minutes=10)
    assert lesson.reading_time.characters == 3000
    assert completion.minimum_seconds(lesson) == 600  # 3,000 characters at 300 a minute, all of it
    words = completion.rule_in_plain_words(lesson)
    assert "100%" in words and "300" in words and "200" in words
    assert lesson.reading_explanation() in words


def test_a_translation_is_timed_in_english_words_and_a_chinese_lesson_with_a_few_latin_words_in_characters():
    lesson = make_lesson(make_module(slug="en-source"), slug="en-lesson", body=_body(10))
    lesson.body = [{"type": "paragraph", "value": "<p>" + "word " * 540 + "</p>"}]
    assert lesson.reading_time.english and lesson.reading_time.minutes == 3
    chinese = make_lesson(make_module(slug="zh-source"), slug="zh-lesson", body=_body(600))
    chinese.body = [{"type": "paragraph", "value": "<p>" + "读" * 600 + " WHO UNODC K粉 </p>"}]
    assert not chinese.reading_time.english and chinese.reading_time.minutes == 3


def test_the_lesson_page_states_the_self_study_time_and_how_it_is_worked_out(client, world):
    lesson = make_lesson(make_module(slug="page"), slug="stated", body=_body(895))
    client.force_login(world.teacher)
    html = client.get(lesson.get_url()).content.decode()
    assert lesson.reading_time.minutes == 3  # 900 characters with the title, at 300 a minute
    assert lesson.reading_explanation() in html
