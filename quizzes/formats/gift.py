"""Moodle GIFT: read and write.

Supported: `$CATEGORY:`, titles `::…::`, format markers `[html]`/`[markdown]`/`[plain]`/`[moodle]`, `=`/`~`
answers, `%50%` weights, `#` answer feedback, `####` general feedback (our explanation), `{T}`/`{TRUE}`/`{F}`/
`{FALSE}` with `#wrong#right` feedback, the escapes `\\~ \\= \\# \\{ \\} \\: \\n` (and `\\%`), `//` comments,
and the missing-word form (text after the answer block). Essay, numerical, matching, short-answer and
description items are reported as unsupported with their line numbers. A `// qingdun: difficulty=2; tags=…`
comment carries what GIFT cannot.
"""

import re

from django.utils.translation import gettext as _

from ..models.bank import Dimension, QuestionKind, Scoring, TextFormat
from .base import ParsedOption, ParsedQuestion, ParseResult, unsupported_label

ESCAPES = {
    "\\~": "\ue000",
    "\\=": "\ue001",
    "\\#": "\ue002",
    "\\{": "\ue003",
    "\\}": "\ue004",
    "\\:": "\ue005",
    "\\%": "\ue007",
}
RESTORE = {placeholder: escaped[1] for escaped, placeholder in ESCAPES.items()}
FORMATS = {"html": TextFormat.HTML, "markdown": TextFormat.MARKDOWN, "plain": TextFormat.PLAIN, "moodle": "plain"}
META_PREFIX = "qingdun:"
TF_VALUES = {"t": True, "true": True, "f": False, "false": False}
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
BLANK = "____"


def _protect(text: str) -> str:
    text = text.replace("\\\\", "\ue006")
    for escaped, placeholder in ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    text = text.replace("\\n", "\n")
    for placeholder, char in RESTORE.items():
        text = text.replace(placeholder, char)
    return text.replace("\ue006", "\\").strip()


def _category_name(path: str) -> str:
    parts = [part.strip() for part in _restore(path).split("/") if part.strip()]
    parts = [part for part in parts if part not in ("$course$", "$system$", "$module$", "top")]
    return parts[-1] if parts else ""


def _meta(comment: str) -> dict:
    found = {}
    for part in comment[len(META_PREFIX) :].split(";"):
        name, _sep, value = part.partition("=")
        if name.strip():
            found[name.strip()] = value.strip()
    return found


def _blocks(text: str):
    """Yield (first line number, lines, metadata) for each blank-line separated block, comments removed."""
    lines, start, meta = [], 0, {}
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            comment = stripped[2:].strip()
            if comment.startswith(META_PREFIX):
                meta = _meta(comment)
            continue
        if not stripped:
            if lines:
                yield start, lines, meta
                lines, meta = [], {}
            continue
        if not lines:
            start = number
        lines.append(raw)
    if lines:
        yield start, lines, meta


def _line_of(block: str, position: int, start: int) -> int:
    return start + block.count("\n", 0, position)


def parse(text: str) -> ParseResult:
    result = ParseResult()
    category = ""
    for start, lines, meta in _blocks(_protect(text.lstrip("\ufeff"))):
        if lines[0].strip().startswith("$CATEGORY:"):
            category = _category_name(lines[0].strip()[len("$CATEGORY:") :])
            lines, start = lines[1:], start + 1
            if not lines:
                continue
        _parse_question("\n".join(lines), start, category, meta, result)
    return result


def _parse_question(block: str, start: int, category: str, meta: dict, result: ParseResult) -> None:
    body = block.strip()
    title = ""
    if body.startswith("::"):
        end = body.find("::", 2)
        if end == -1:
            result.error(start, _("The title is not closed with “::”."))
            return
        title, body = _restore(body[2:end]), body[end + 2 :].lstrip()
    text_format = TextFormat.PLAIN
    marker = re.match(r"^\[(\w+)\]", body)
    if marker:
        if marker.group(1).lower() not in FORMATS:
            result.error(start, _("Unknown text format “[%(name)s]”.") % {"name": marker.group(1)})
            return
        text_format, body = FORMATS[marker.group(1).lower()], body[marker.end() :]
    opening = body.find("{")
    closing_stray = body.find("}")
    if opening == -1:
        if closing_stray != -1:
            result.error(_line_of(block, block.find("}"), start), _("“}” without a matching “{”."))
        else:
            result.unsupported.append((start, unsupported_label("description")))
        return
    closing = body.find("}", opening)
    if closing == -1:
        result.error(_line_of(block, block.find("{"), start), _("The answer block “{” is not closed with “}”."))
        return
    if "{" in body[opening + 1 : closing]:
        result.error(_line_of(block, block.find("{"), start), _("The answer block “{” is not closed with “}”."))
        return
    after = body[closing + 1 :].strip()
    if "{" in after or "}" in after:
        result.error(_line_of(block, block.rfind("{"), start), _("A question may have only one answer block."))
        return
    before = body[:opening].strip()
    question_text = _restore(f"{before} {BLANK} {after}" if after else before)
    answer_line = _line_of(block, block.find("{"), start)
    answer = body[opening + 1 : closing].strip()
    if not question_text:
        result.error(start, _("The question has no text."))
        return
    parsed = _parse_answers(answer, answer_line, result)
    if parsed is None:
        return
    kind, options, explanation, scoring = parsed
    question = ParsedQuestion(
        line=start,
        text=question_text,
        kind=kind,
        options=options,
        title=title,
        text_format=text_format,
        explanation=explanation,
        category=category,
        scoring=scoring,
    )
    _apply_meta(question, meta, start, result)
    result.questions.append(question)


def _parse_answers(answer: str, line: int, result: ParseResult):
    if not answer:
        result.unsupported.append((line, unsupported_label("essay")))
        return None
    if answer.startswith("#"):
        result.unsupported.append((line, unsupported_label("numerical")))
        return None
    answer, _sep, general = answer.partition("####")
    explanation = _restore(general)
    answer = answer.strip()
    first, *feedback = answer.split("#")
    if first.strip().lower() in TF_VALUES and "=" not in answer and "~" not in answer:
        if len(feedback) > 2:
            result.error(line, _("A true/false answer takes at most two feedbacks: “#wrong#right”."))
            return None
        truth = TF_VALUES[first.strip().lower()]
        wrong_feedback = _restore(feedback[0]) if feedback else ""
        right_feedback = _restore(feedback[1]) if len(feedback) > 1 else ""
        options = [
            ParsedOption(_("True"), 100 if truth else 0, right_feedback if truth else wrong_feedback),
            ParsedOption(_("False"), 0 if truth else 100, wrong_feedback if truth else right_feedback),
        ]
        return QuestionKind.TRUE_FALSE, options, explanation, Scoring.ALL_OR_NOTHING
    if "->" in answer:
        result.unsupported.append((line, unsupported_label("matching")))
        return None
    tokens = re.split(r"(?=[=~])", answer)
    if tokens and tokens[0].strip():
        result.error(line, _("Answers must start with “=” (right) or “~” (wrong)."))
        return None
    options, markers = [], set()
    for token in tokens:
        token = token.strip()
        if not token:
            continue
        marker, rest = token[0], token[1:].strip()
        markers.add(marker)
        weight = 100 if marker == "=" else 0
        found = WEIGHT.match(rest)
        if rest.startswith("%"):
            if not found:
                result.error(
                    line,
                    _("A weight must be a number between percent signs, such as %(example)s.") % {"example": "%50%"},
                )
                return None
            value = float(found.group(1))
            if not -100 <= value <= 100:
                result.error(line, _("A weight must lie between -100 and 100."))
                return None
            weight, rest = round(value), rest[found.end() :].strip()
        text, _sep, option_feedback = rest.partition("#")
        text = _restore(text)
        if not text:
            result.error(line, _("An answer has no text."))
            return None
        options.append(ParsedOption(text, weight, _restore(option_feedback)))
    if markers == {"="}:
        result.unsupported.append((line, unsupported_label("short_answer")))
        return None
    right = [option for option in options if option.weight > 0]
    if not right:
        result.error(line, _("No answer is marked right (“=” or a positive weight)."))
        return None
    if len(options) < 2:
        result.error(line, _("A choice question needs at least two answers."))
        return None
    # As in Moodle: an "=" answer makes a single-choice question, however many partial weights it has.
    if "=" not in markers:
        return QuestionKind.MULTIPLE, options, explanation, Scoring.PARTIAL
    return QuestionKind.SINGLE, options, explanation, Scoring.ALL_OR_NOTHING


def _apply_meta(question: ParsedQuestion, meta: dict, line: int, result: ParseResult) -> None:
    if "difficulty" in meta:
        try:
            question.difficulty = int(meta["difficulty"])
        except ValueError:
            question.difficulty = 0
        if not 1 <= question.difficulty <= 5:
            result.error(line, _("Difficulty must be a whole number from 1 to 5."))
    if meta.get("tags"):
        question.tags = [tag.strip() for tag in meta["tags"].split(",") if tag.strip()]
    if meta.get("bands"):
        question.grade_bands = [band.strip() for band in meta["bands"].split(",") if band.strip()]
    if meta.get("scoring") in (Scoring.ALL_OR_NOTHING, Scoring.PARTIAL) and question.kind == QuestionKind.MULTIPLE:
        question.scoring = meta["scoring"]
    if meta.get("dimension") in Dimension.values:
        question.dimension = meta["dimension"]


# --- writing ---------------------------------------------------------------------------------------------


def escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:%":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _format_weight(weight: int, marker: str) -> str:
    return marker if weight in (0, 100) and (marker == "=") == (weight == 100) else f"{marker}%{weight}%"


def dumps(questions) -> str:
    """GIFT text for `quizzes.formats.export.rows`-style dicts (see `export.question_data`)."""
    out, category = [], None
    for question in questions:
        if question["category"] != category:
            category = question["category"]
            out.append(f"$CATEGORY: {escape(category)}\n")
        meta = [f"difficulty={question['difficulty']}"]
        if question["tags"]:
            meta.append("tags=" + ",".join(question["tags"]))
        if question["grade_bands"]:
            meta.append("bands=" + ",".join(question["grade_bands"]))
        if question["kind"] == QuestionKind.MULTIPLE:
            meta.append(f"scoring={question['scoring']}")
        if question["dimension"] != Dimension.KNOWLEDGE:
            meta.append(f"dimension={question['dimension']}")
        head = f"::{escape(question['title'])}::" if question["title"] else ""
        if question["text_format"] != TextFormat.PLAIN:
            head += f"[{question['text_format']}]"
        lines = [f"// {META_PREFIX} " + "; ".join(meta), head + escape(question["text"]) + " {"]
        options = question["options"]
        if question["kind"] == QuestionKind.TRUE_FALSE:
            truth = options[0]["weight"] > 0
            right = options[0] if truth else options[1]
            wrong = options[1] if truth else options[0]
            answer = "TRUE" if truth else "FALSE"
            if right["feedback"] or wrong["feedback"]:
                answer += f"#{escape(wrong['feedback'])}#{escape(right['feedback'])}"
            lines.append(answer)
        else:
            best = max(options, key=lambda o: o["weight"]) if question["kind"] == QuestionKind.SINGLE else None
            for option in options:
                line = _format_weight(option["weight"], "=" if option is best else "~") + escape(option["text"])
                if option["feedback"]:
                    line += "#" + escape(option["feedback"])
                lines.append(line)
        if question["explanation"]:
            lines.append("####" + escape(question["explanation"]))
        lines.append("}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)
