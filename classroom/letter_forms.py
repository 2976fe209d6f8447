"""The two forms of 告家长书: a teacher sends a letter to a class; a parent acknowledges it."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.sanitize import NameField, PlainTextField
from lessons.models import ParentLetter

from . import letters
from .models import Relationship


class SendLetterForm(forms.Form):
    letter = forms.ModelChoiceField(label=_("Letter"), queryset=ParentLetter.objects.none(), empty_label=None)
    closes_on = forms.DateField(
        label=_("Parents acknowledge by"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["letter"].queryset = letters.sendable_letters()
        self.fields["closes_on"].initial = timezone.localdate() + datetime.timedelta(days=7)

    def clean_closes_on(self):
        value = self.cleaned_data["closes_on"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The acknowledge-by date has passed."))
        return value


class AcknowledgeForm(forms.Form):
    parent_name = NameField(label=_("Your name"), max_length=50)
    relationship = forms.ChoiceField(label=_("You are the student's"), choices=Relationship.choices)

    def __init__(self, *args, questions=(), signed=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if signed:  # the 签收 is given once; a later visit only adds the home activity's answers
            del self.fields["parent_name"], self.fields["relationship"]
        for number, question in enumerate(self.questions, start=1):
            self.fields[f"answer_{number}"] = PlainTextField(
                label=question,
                required=False,
                multiline=True,
                max_length=letters.ANSWER_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{n}", "") for n in range(1, len(self.questions) + 1)]
