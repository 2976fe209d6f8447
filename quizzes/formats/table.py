"""The XLSX/CSV template with Chinese headers (English headers are accepted too).

| 分类 | 题型 | 标题 | 题干 | 选项A … 选项H | 答案 | 分值 | 解析 | 难度 | 标签 | 学段 | 计分 | 维度 | 格式 |

Only 题干 and 答案 are required. 答案 is option letters (A, ABD, A、C) or, for 判断, 正确/错误 (对/错, √/×, T/F).
分值 (optional) gives each option's credit in percent, in option order ("50,50,-100,0"), for partial credit.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from core.tabular import map_headers
from core.uploads.tables import read_uploaded_table
from people.grades import GRADE_BAND_CHOICES

from ..models.bank import Dimension, QuestionKind, Scoring, TextFormat
from .base import ParsedOption, ParsedQuestion, ParseResult

LETTERS = "ABCDEFGH"
HEADERS = [
    "分类",
    "题型",
    "标题",
    "题干",
    *[f"选项{letter}" for letter in LETTERS],
    "答案",
    "分值",
    "解析",
    "难度",
    "标签",
    "学段",
    "计分",
    "维度",
    "格式",
]
ALIASES = {
    "category": ["分类", "类别", "category"],
    "kind": ["题型", "类型", "type", "kind"],
    "title": ["标题", "title"],
    "text": ["题干", "题目", "question", "text"],
    "answer": ["答案", "正确答案", "answer"],
    "weights": ["分值", "选项分值", "weights"],
    "explanation": ["解析", "答案解析", "explanation"],
    "difficulty": ["难度", "difficulty"],
    "tags": ["标签", "知识点", "tags"],
    "bands": ["学段", "年级段", "grade bands", "bands"],
    "scoring": ["计分", "计分方式", "scoring"],
    "dimension": ["维度", "dimension"],
    "text_format": ["格式", "format"],
    **{f"option_{letter}": [f"选项{letter}", letter, f"option {letter}"] for letter in LETTERS},
}
KINDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "true_false": QuestionKind.TRUE_FALSE,
}
KIND_NAMES = {QuestionKind.SINGLE: "单选", QuestionKind.MULTIPLE: "多选", QuestionKind.TRUE_FALSE: "判断"}
TRUE_WORDS = {"正确", "对", "是", "√", "✓", "t", "true", "yes"}
FALSE_WORDS = {"错误", "错", "否", "×", "✗", "x", "f", "false", "no"}
DIFFICULTY_WORDS = {"易": 1, "容易": 1, "较易": 2, "中": 3, "中等": 3, "较难": 4, "难": 5, "困难": 5}
SCORING_WORDS = {
    "全对": Scoring.ALL_OR_NOTHING,
    "all": Scoring.ALL_OR_NOTHING,
    "部分": Scoring.PARTIAL,
    "partial": Scoring.PARTIAL,
}
SCORING_NAMES = {Scoring.ALL_OR_NOTHING: "全对", Scoring.PARTIAL: "部分"}
DIMENSION_WORDS = {
    "知识": Dimension.KNOWLEDGE,
    "knowledge": Dimension.KNOWLEDGE,
    "态度": Dimension.ATTITUDE,
    "attitude": Dimension.ATTITUDE,
}
DIMENSION_NAMES = {Dimension.KNOWLEDGE: "知识", Dimension.ATTITUDE: "态度"}
BAND_WORDS = {
    "小学高年级": "primary_upper",
    "小学": "primary_upper",
    "初中": "junior",
    "高中": "senior",
    "中职": "vocational",
}
BAND_NAMES = {"primary_upper": "小学高年级", "junior": "初中", "senior": "高中", "vocational": "中职"}
SPLIT = re.compile(r"[,，、;；\s]+")


def _cell(row: list[str], columns: dict, name: str) -> str:
    index = columns.get(name)
    return row[index].strip() if index is not None and index < len(row) else ""


MAX_ROWS = 100_000


def parse(data: bytes, name: str = "") -> ParseResult:
    """Parse the template; a file the upload inspector refuses or openpyxl cannot read raises TabularError."""
    result = ParseResult()
    limit = settings.QINGDUN.get("MAX_IMPORT_BYTES", 5 * 1024 * 1024)
    table = read_uploaded_table(data, name, max_bytes=limit, max_rows=MAX_ROWS)
    columns = map_headers(table.headers, ALIASES)
    for required, label in (("text", "题干"), ("answer", "答案")):
        if required not in columns:
            result.error(1, _("The header row has no “%(column)s” column.") % {"column": label})
    if result.errors:
        return result
    for offset, row in enumerate(table.rows):
        if not row:
            continue
        number = table.first_row_number + offset
        question = _parse_row(row, columns, number, result)
        if question is not None:
            result.questions.append(question)
    return result


def _parse_row(row, columns, number: int, result: ParseResult) -> ParsedQuestion | None:
    errors_before = len(result.errors)
    text = _cell(row, columns, "text")
    answer = _cell(row, columns, "answer")
    if not text:
        result.error(number, _("The question (题干) is empty."))
    if not answer:
        result.error(number, _("The answer (答案) is empty."))
    options = [_cell(row, columns, f"option_{letter}") for letter in LETTERS]
    while options and not options[-1]:
        options.pop()
    kind_text = _cell(row, columns, "kind").lower()
    kind = KINDS.get(kind_text)
    if kind_text and kind is None:
        result.error(number, _("Unknown question type “%(kind)s”: use 单选, 多选 or 判断.") % {"kind": kind_text})
    answer_word = answer.lower()
    if kind is None and not options and answer_word in TRUE_WORDS | FALSE_WORDS:
        kind = QuestionKind.TRUE_FALSE
    parsed_options: list[ParsedOption] = []
    if kind == QuestionKind.TRUE_FALSE:
        if answer_word in TRUE_WORDS or answer_word == "a":
            truth = True
        elif answer_word in FALSE_WORDS or answer_word == "b":
            truth = False
        else:
            result.error(number, _("A true/false answer must be 正确 or 错误."))
            truth = True
        labels = options[:2] if len(options) >= 2 else [_("True"), _("False")]
        parsed_options = [ParsedOption(labels[0], 100 if truth else 0), ParsedOption(labels[1], 0 if truth else 100)]
    else:
        if any(not option for option in options):
            result.error(number, _("An option between others is empty."))
        if len(options) < 2:
            result.error(number, _("A choice question needs at least two answers."))
        picked = {char for char in answer.upper() if char.isalpha()}
        if any(letter not in LETTERS[: len(options)] for letter in picked):
            result.error(number, _("The answer “%(answer)s” is not one of the options.") % {"answer": answer})
        if kind is None:
            kind = QuestionKind.MULTIPLE if len(picked) > 1 else QuestionKind.SINGLE
        if kind == QuestionKind.SINGLE and len(picked) > 1:
            result.error(number, _("A single-choice question has one answer."))
        parsed_options = [
            ParsedOption(option, 100 if LETTERS[index] in picked else 0) for index, option in enumerate(options)
        ]
    weights = _cell(row, columns, "weights")
    if weights:
        values = [value for value in SPLIT.split(weights) if value]
        try:
            numbers = [int(float(value.rstrip("%"))) for value in values]
        except ValueError:
            numbers = []
        if len(numbers) != len(parsed_options) or any(not -100 <= value <= 100 for value in numbers):
            result.error(number, _("分值 must give one number from -100 to 100 for each option."))
        else:
            for option, value in zip(parsed_options, numbers, strict=True):
                option.weight = value
    scoring_text = _cell(row, columns, "scoring").lower()
    scoring = SCORING_WORDS.get(scoring_text, Scoring.ALL_OR_NOTHING)
    if scoring_text and scoring_text not in SCORING_WORDS:
        result.error(number, _("计分 must be 全对 or 部分."))
    difficulty_text = _cell(row, columns, "difficulty")
    difficulty = 2
    if difficulty_text:
        difficulty = DIFFICULTY_WORDS.get(difficulty_text) or (int(difficulty_text) if difficulty_text.isdigit() else 0)
        if not 1 <= difficulty <= 5:
            result.error(number, _("Difficulty must be a whole number from 1 to 5."))
    bands = []
    valid_bands = {code for code, _label in GRADE_BAND_CHOICES}
    for word in SPLIT.split(_cell(row, columns, "bands")):
        if not word:
            continue
        band = BAND_WORDS.get(word, word)
        if band not in valid_bands:
            result.error(number, _("Unknown grade band “%(band)s”.") % {"band": word})
        bands.append(band)
    text_format = _cell(row, columns, "text_format").lower() or TextFormat.PLAIN
    if text_format not in TextFormat.values:
        result.error(number, _("格式 must be plain, html or markdown."))
    dimension_text = _cell(row, columns, "dimension").lower()
    dimension = DIMENSION_WORDS.get(dimension_text, Dimension.KNOWLEDGE)
    if len(result.errors) > errors_before:
        return None
    return ParsedQuestion(
        line=number,
        text=text,
        kind=kind,
        options=parsed_options,
        title=_cell(row, columns, "title"),
        text_format=text_format,
        explanation=_cell(row, columns, "explanation"),
        category=_cell(row, columns, "category"),
        scoring=scoring,
        difficulty=difficulty,
        tags=[tag for tag in SPLIT.split(_cell(row, columns, "tags")) if tag],
        grade_bands=bands,
        dimension=dimension,
    )


def rows(questions) -> list[list]:
    """Rows of the template for exported questions (see `quizzes.exporting.question_data`)."""
    out = []
    for question in questions:
        options = question["options"]
        if question["kind"] == QuestionKind.TRUE_FALSE:
            answer = "正确" if options and options[0]["weight"] > 0 else "错误"
        elif question["kind"] == QuestionKind.SINGLE:
            best = max(range(len(options)), key=lambda index: options[index]["weight"])
            answer = LETTERS[best]
        else:
            answer = "".join(LETTERS[index] for index, option in enumerate(options) if option["weight"] > 0)
        plain = all(option["weight"] in (0, 100) for option in options)
        out.append(
            [
                question["category"],
                KIND_NAMES[question["kind"]],
                question["title"],
                question["text"],
                *[options[index]["text"] if index < len(options) else "" for index in range(len(LETTERS))],
                answer,
                "" if plain else ",".join(str(option["weight"]) for option in options),
                question["explanation"],
                question["difficulty"],
                "、".join(question["tags"]),
                "、".join(BAND_NAMES.get(band, band) for band in question["grade_bands"]),
                SCORING_NAMES[question["scoring"]] if question["kind"] == QuestionKind.MULTIPLE else "",
                DIMENSION_NAMES[question["dimension"]],
                "" if question["text_format"] == TextFormat.PLAIN else question["text_format"],
            ]
        )
    return out
