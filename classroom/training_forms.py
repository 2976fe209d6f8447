"""The form of a teacher's training test: one field per question, its options' texts only (never a weight,
feedback or explanation, so the page gives no hint of the key)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from quizzes.models import QuestionKind


class TrainingTestForm(forms.Form):
    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            choices = [(str(option.pk), option.text) for option in question.options.all()]
            label = f"{number}. {question.text}"
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(label=label, choices=choices, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect)
            field.error_messages["required"] = _("Answer this question.")
            self.fields[f"q{question.pk}"] = field

    def answers(self) -> dict[int, list[int]]:
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}") or []
            answers[question.pk] = [int(v) for v in ([value] if isinstance(value, str) else value)]
        return answers
