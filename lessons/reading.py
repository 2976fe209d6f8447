"""Self-study time: how long a student needs to read a lesson, from the lesson itself.

The time is the student-visible text read at the pace of the lesson's grade band, plus the running time of its
videos, in whole minutes. The class length (estimated_minutes) is for a lesson a teacher delivers and plays no
part here.

Reading speeds (characters per minute for Chinese, words per minute for English):
- 义务教育语文课程标准 asks silent reading of general texts of at least 300 字/分钟 by grades 5–6 and 500 字/分钟 by
  grades 7–9. A lesson is study reading (a scenario to think through, facts to remember), slower than reading a
  story, so we take about two thirds of the first benchmark for primary pupils (200) and three fifths of the
  second for secondary students (300). 中职 and 高中 students read at the secondary pace.
- English: adults read non-fiction silently at about 238 words a minute (Brysbaert 2019, a meta-analysis of 190
  studies); we take 180 for secondary and 130 for primary readers, for the same study-reading reason.
Teachers and students see the figures and the sentence `explain()` builds, so the rule is never a hidden number.
"""

import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from people.grades import GradeBand

from .text import body_text

CHINESE_PER_MINUTE = {
    GradeBand.PRIMARY_UPPER: 200,
    GradeBand.JUNIOR: 300,
    GradeBand.SENIOR: 300,
    GradeBand.VOCATIONAL: 300,
}
ENGLISH_PER_MINUTE = {
    GradeBand.PRIMARY_UPPER: 130,
    GradeBand.JUNIOR: 180,
    GradeBand.SENIOR: 180,
    GradeBand.VOCATIONAL: 180,
}
# The band order from the youngest readers up: a lesson for several bands is timed for its youngest readers.
BAND_ORDER = [GradeBand.PRIMARY_UPPER, GradeBand.JUNIOR, GradeBand.VOCATIONAL, GradeBand.SENIOR]

# CJK ideographs (basic block and extension A) count one each; a run of Latin letters or digits counts as a word.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")


@dataclass(frozen=True)
class ReadingTime:
    characters: int  # Chinese characters a student reads
    words: int  # English words a student reads
    band: str
    per_minute: int  # the pace of the lesson's language and band
    english: bool
    media_minutes: int  # running time of the lesson's videos
    seconds: int  # text at that pace, plus the media

    @property
    def minutes(self) -> int:
        """The self-study time in whole minutes, rounded up; at least one."""
        return max(1, math.ceil(self.seconds / 60))


def count_characters(text: str) -> int:
    return len(_HAN.findall(text))


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def band_of(grade_bands) -> str:
    known = [band for band in BAND_ORDER if band in (grade_bands or [])]
    return known[0] if known else GradeBand.JUNIOR


def media_minutes(raw_blocks) -> int:
    total = 0
    for block in raw_blocks or []:
        if block.get("type") == "video":
            total += int((block.get("value") or {}).get("running_minutes") or 0)
    return total


def measure(raw_blocks, grade_bands, *, title: str = "", english: bool = False) -> ReadingTime:
    """The reading time of a body (its raw StreamField JSON) as a student receives it: teacher-only blocks are
    not counted, because the student never sees them."""
    text = "\n".join([title, body_text(raw_blocks)])
    band = band_of(grade_bands)
    characters, words = count_characters(text), count_words(text)
    pace = (ENGLISH_PER_MINUTE if english else CHINESE_PER_MINUTE)[band]
    units = words if english else characters
    media = media_minutes(raw_blocks)
    return ReadingTime(characters, words, band, pace, english, media, math.ceil(units * 60 / pace) + media * 60)


def lesson_reading_time(lesson) -> ReadingTime:
    """Timed in the language the lesson is written in: in English words when it has more of them than Chinese
    characters (a translation), in characters otherwise. Judged from the text, so listing lessons costs no query."""
    raw = lesson.body.raw_data if lesson.body else []
    text = "\n".join([lesson.title, body_text(raw)])
    english = count_words(text) > count_characters(text)
    return measure(raw, lesson.grade_bands, title=lesson.title, english=english)


def explain(reading: ReadingTime) -> str:
    """The figure in plain words, for the lesson page, the reader and the teacher's pages."""
    band = str(GradeBand(reading.band).label)
    if reading.english:
        text = _("About %(count)s words; at %(pace)s words a minute (%(band)s)") % {
            "count": reading.words,
            "pace": reading.per_minute,
            "band": band,
        }
    else:
        text = _("About %(count)s characters; at %(pace)s characters a minute (%(band)s)") % {
            "count": reading.characters,
            "pace": reading.per_minute,
            "band": band,
        }
    if reading.media_minutes:
        text += _(", plus %(media)s minutes of video") % {"media": reading.media_minutes}
    return text + _(", self-study takes about %(minutes)s minutes.") % {"minutes": reading.minutes}
