"""Aiken: a question, lettered options, then `ANSWER: B`. We also accept `ANSWER: A,C` for multiple choice."""

import re

from django.utils.translation import gettext as _

from ..models.bank import QuestionKind, Scoring
from .base import ParsedOption, ParsedQuestion, ParseResult

OPTION = re.compile(r"^([A-Z])\s*[.)．、]\s*(.+)$")
ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def looks_like_aiken(text: str) -> bool:
    return any(ANSWER.match(line.strip()) for line in text.splitlines())


def parse(text: str) -> ParseResult:
    result = ParseResult()
    stem: list[str] = []
    letters: list[str] = []
    options: list[ParsedOption] = []
    start = 0

    def reset():
        stem.clear()
        letters.clear()
        options.clear()

    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = ANSWER.match(line)
        option = OPTION.match(line)
        if answer:
            picked = [char for char in answer.group(1).upper() if char.isalpha()]
            if not stem:
                result.error(number, _("“ANSWER:” without a question before it."))
            elif len(options) < 2:
                result.error(number, _("A choice question needs at least two answers."))
            elif not picked or any(letter not in letters for letter in picked):
                result.error(
                    number, _("The answer “%(answer)s” is not one of the options.") % {"answer": answer.group(1)}
                )
            else:
                for letter, parsed in zip(letters, options, strict=True):
                    parsed.weight = 100 if letter in picked else 0
                result.questions.append(
                    ParsedQuestion(
                        line=start,
                        text="\n".join(stem),
                        kind=QuestionKind.MULTIPLE if len(set(picked)) > 1 else QuestionKind.SINGLE,
                        options=list(options),
                        scoring=Scoring.ALL_OR_NOTHING,
                    )
                )
            reset()
        elif option and stem:
            if option.group(1) in letters:
                result.error(number, _("The option letter %(letter)s appears twice.") % {"letter": option.group(1)})
            letters.append(option.group(1))
            options.append(ParsedOption(option.group(2).strip(), 0))
        else:
            if options:
                result.error(start, _("The question has no “ANSWER:” line."))
                reset()
            if not stem:
                start = number
            stem.append(line)
    if stem:
        result.error(start, _("The question has no “ANSWER:” line."))
    return result
