"""Turn parsed questions into bank questions, all or nothing."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Locale

from .formats import ParseResult
from .models import Category, Option, Question

DEFAULT_CATEGORY = "未分类"


class ImportRefused(ValueError):
    pass


@dataclass
class ImportReport:
    created: int
    categories: list[str]
    published: bool
    dry_run: bool


def import_questions(
    result: ParseResult,
    *,
    user=None,
    category: str | None = None,
    publish: bool = False,
    skip_unsupported: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Create the parsed questions in one transaction.

    `category` replaces the file's categories. Unpublished imports are saved as drafts and, when a user is given,
    submitted to the review workflow so the reviewers find them waiting. A result with errors imports nothing;
    unsupported items are refused unless `skip_unsupported` says the caller has shown them and accepts the rest.
    """
    if result.errors:
        raise ImportRefused(_("The file has errors; nothing was imported."))
    if result.unsupported and not skip_unsupported:
        raise ImportRefused(_("The file has questions of types we do not support; nothing was imported."))
    locale = Locale.get_default()
    names = sorted({category or q.category or DEFAULT_CATEGORY for q in result.questions})
    with transaction.atomic():
        categories = {name: Category.objects.get_or_create(name=name[:100])[0] for name in names}
        workflow = Question.get_default_workflow() if not publish and user is not None else None
        for parsed in result.questions:
            question = Question(
                category=categories[category or parsed.category or DEFAULT_CATEGORY],
                kind=parsed.kind,
                scoring=parsed.scoring,
                dimension=parsed.dimension,
                title=parsed.title[:200],
                text=parsed.text,
                text_format=parsed.text_format,
                explanation=parsed.explanation,
                difficulty=parsed.difficulty,
                grade_bands=parsed.grade_bands,
                locale=locale,
                live=publish,
            )
            question.options = [
                Option(text=o.text[:500], weight=o.weight, feedback=o.feedback[:500], sort_order=index)
                for index, o in enumerate(parsed.options)
            ]
            if parsed.tags:
                question.tags.add(*parsed.tags)
            question.save()
            revision = question.save_revision(user=user)
            if publish:
                revision.publish(user=user)
            elif workflow is not None:
                workflow.start(question, user)
        if dry_run:
            transaction.set_rollback(True)
    return ImportReport(len(result.questions), names, publish, dry_run)
