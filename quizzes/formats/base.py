from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models.bank import Dimension, QuestionKind, Scoring, TextFormat


@dataclass
class ParsedOption:
    text: str
    weight: int
    feedback: str = ""


@dataclass
class ParsedQuestion:
    line: int
    text: str
    kind: str
    options: list[ParsedOption]
    title: str = ""
    text_format: str = TextFormat.PLAIN
    explanation: str = ""
    category: str = ""
    scoring: str = Scoring.ALL_OR_NOTHING
    difficulty: int = 2
    tags: list[str] = field(default_factory=list)
    grade_bands: list[str] = field(default_factory=list)
    dimension: str = Dimension.KNOWLEDGE

    def comparable(self) -> tuple:
        """What an export → import round trip must keep."""
        return (
            self.category,
            self.title,
            self.text,
            self.text_format,
            self.kind,
            self.scoring if self.kind == QuestionKind.MULTIPLE else "",
            self.explanation,
            self.difficulty,
            tuple(sorted(self.tags)),
            tuple(sorted(self.grade_bands)),
            self.dimension,
            tuple((o.text, o.weight, o.feedback) for o in self.options),
        )


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    unsupported: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    @property
    def ok(self) -> bool:
        return not self.errors


def detect_format(name: str, data: bytes) -> str:
    """gift, aiken or table, from the content first and the file name second."""
    from core.tabular import XLSX_MAGIC

    lower = (name or "").lower()
    if data.startswith(XLSX_MAGIC) or lower.endswith((".xlsx", ".csv")):
        return "table"
    if lower.endswith(".gift"):
        return "gift"
    if lower.endswith(".aiken"):
        return "aiken"
    from .aiken import looks_like_aiken

    text = data.decode("utf-8-sig", errors="replace")
    if "{" in text or "$CATEGORY" in text:
        return "gift"
    if looks_like_aiken(text):
        return "aiken"
    return "table"


def decode(data: bytes) -> str:
    from core.tabular import decode_text

    return decode_text(data).replace("\r\n", "\n").replace("\r", "\n")


def parse_file(name: str, data: bytes, fmt: str | None = None) -> ParseResult:
    """Parse an uploaded or local question file. A file that cannot be read (damaged, refused by the upload
    inspector, in neither UTF-8 nor GBK) gives one error on line 1 that names the file, never an exception."""
    from core.tabular import TabularError
    from core.uploads import display_name

    from . import aiken, gift, table

    fmt = fmt or detect_format(name, data)
    try:
        if fmt == "gift":
            return gift.parse(decode(data))
        if fmt == "aiken":
            return aiken.parse(decode(data))
        return table.parse(data, name=name)
    except TabularError as error:
        result = ParseResult()
        message = str(error)
        if fmt != "table":  # the table reader names the file itself
            message = _("“%(name)s”: %(problem)s") % {"name": display_name(name), "problem": message}
        result.error(1, message)
        return result


def unsupported_label(kind: str) -> str:
    return {
        "essay": _("essay"),
        "numerical": _("numerical"),
        "matching": _("matching"),
        "short_answer": _("short answer"),
        "description": _("description (no answers)"),
    }.get(kind, kind)
