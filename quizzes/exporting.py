"""Export questions to GIFT and XLSX; what comes out imports back as the same questions."""

import io

from core.tabular import write_xlsx

from .formats import gift, table
from .models import Question


def question_data(questions) -> list[dict]:
    """Plain dicts of questions with their options, tags and category, in two or three queries."""
    queryset = questions.select_related("category").prefetch_related("options", "tags").order_by("category__name", "pk")
    return [
        {
            "category": question.category.name,
            "title": question.title,
            "text": question.text,
            "text_format": question.text_format,
            "kind": question.kind,
            "scoring": question.scoring,
            "explanation": question.explanation,
            "difficulty": question.difficulty,
            "tags": sorted(tag.name for tag in question.tags.all()),
            "grade_bands": list(question.grade_bands),
            "dimension": question.dimension,
            "options": [
                {"text": o.text, "weight": o.weight, "feedback": o.feedback}
                for o in sorted(question.options.all(), key=lambda o: (o.sort_order or 0, o.pk))
            ],
        }
        for question in queryset
    ]


def to_gift(questions=None) -> str:
    return gift.dumps(question_data(questions if questions is not None else Question.objects.all()))


def to_xlsx(questions=None) -> bytes:
    buffer = io.BytesIO()
    data = question_data(questions if questions is not None else Question.objects.all())
    write_xlsx(buffer, table.HEADERS, table.rows(data), title="题库")
    return buffer.getvalue()
