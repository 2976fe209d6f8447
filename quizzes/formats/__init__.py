"""Question file formats: Moodle GIFT, Aiken, and the Chinese XLSX/CSV template.

Every parser returns a `ParseResult`: the questions, line-numbered errors, and line-numbered questions of types we
do not support. `quizzes.importer` refuses a result with errors, so a file with errors imports nothing.
"""

from .base import ParsedOption, ParsedQuestion, ParseResult, detect_format, parse_file

__all__ = ["ParseResult", "ParsedOption", "ParsedQuestion", "detect_format", "parse_file"]
