"""Grades and grade bands, and the many ways a roster writes a grade (五年级, 初一, 高二, 7, ７, 七年级, 中职一年级).

`GradeBand` is the one vocabulary of grade bands: classes (`SchoolClass.grade_band`), the curriculum's modules
and lessons, question banks, plans' roll-up rows and the dashboard's filter all store and compare these codes.
"""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class GradeBand(models.TextChoices):
    """The bands the syllabus teaches (小学五年级 to 高中二年级, and 中职)."""

    PRIMARY_UPPER = "primary_upper", _("Upper primary")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Vocational")


# Grades 1–4 are outside the syllabus: a class there has this band, which no lesson or question carries.
GRADE_BAND_PRIMARY_LOWER = "primary_lower"

GRADE_BAND_CHOICES = GradeBand.choices

_GRADE_LABELS = {
    1: _("Grade 1"),
    2: _("Grade 2"),
    3: _("Grade 3"),
    4: _("Grade 4"),
    5: _("Grade 5"),
    6: _("Grade 6"),
    7: _("Junior 1"),
    8: _("Junior 2"),
    9: _("Junior 3"),
    10: _("Senior 1"),
    11: _("Senior 2"),
    12: _("Senior 3"),
}
_VOCATIONAL_LABELS = {10: _("Vocational year 1"), 11: _("Vocational year 2"), 12: _("Vocational year 3")}

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def grade_label(grade: int, vocational: bool = False) -> str:
    if vocational and grade in _VOCATIONAL_LABELS:
        return _VOCATIONAL_LABELS[grade]
    return _GRADE_LABELS.get(grade, str(grade))


def grade_band(grade: int, vocational: bool = False) -> str:
    if vocational:
        return GradeBand.VOCATIONAL
    if grade <= 4:
        return GRADE_BAND_PRIMARY_LOWER
    if grade <= 6:
        return GradeBand.PRIMARY_UPPER
    if grade <= 9:
        return GradeBand.JUNIOR
    return GradeBand.SENIOR


def grades_in_band(band: str) -> list[int]:
    return {
        GRADE_BAND_PRIMARY_LOWER: [1, 2, 3, 4],
        GradeBand.PRIMARY_UPPER: [5, 6],
        GradeBand.JUNIOR: [7, 8, 9],
        GradeBand.SENIOR: [10, 11, 12],
        GradeBand.VOCATIONAL: [10, 11, 12],
    }[band]


def normalise_text(value) -> str:
    """Full-width to half-width, trimmed: what Excel users type is often full-width."""
    return unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 2 and text[0] == "十":
        return 10 + _CN_DIGITS.get(text[1], 0)
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    return None


def parse_grade(value) -> int | None:
    """Return the grade 1–12 a roster cell means, or None when it cannot be read.

    中职 years come back as 10–12, like senior high, because the school's kind says which it is.
    """
    text = normalise_text(value).replace(" ", "").lower()
    if not text:
        return None
    if text.endswith(".0"):  # spreadsheets hand numbers back as floats
        text = text[:-2]
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    match = re.fullmatch(r"(初|高|中职|职)([一二三1-3])(年级)?", text)
    if match:
        offset = {"初": 6, "高": 9, "中职": 9, "职": 9}[match.group(1)]
        return offset + _cn_number(match.group(2))
    match = re.fullmatch(r"(小学|初中|高中|中职)?([一二三四五六七八九十]+|\d+)年级", text)
    if match:
        number = _cn_number(match.group(2))
        if number is None:
            return None
        prefix = match.group(1)
        if prefix == "初中" and number <= 3:
            number += 6
        elif prefix in ("高中", "中职") and number <= 3:
            number += 9
        return number if 1 <= number <= 12 else None
    match = re.fullmatch(r"grade(\d+)", text)
    if match:
        number = int(match.group(1))
        return number if 1 <= number <= 12 else None
    return None
