"""Option tokens for the attempts that are open when this runs, so their papers name options by token too.

Papers drawn from now on get their tokens from quizzes.paper; an open attempt's answer key gains a token per
option here (random, the same length as the drawn ones). Submitted attempts are left as they are: nothing sends
their options to a browser for answering any more. Going back drops the tokens again.
"""

import secrets

from django.db import migrations, models

TOKEN_BYTES = 12  # 16 characters of URL-safe base64, as quizzes.paper.TOKEN_LENGTH


def add_tokens(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    for attempt in Attempt.objects.filter(submitted_at__isnull=True).only("id", "answer_key").iterator():
        key = attempt.answer_key
        for entry in key.values():
            if "t" not in entry:
                entry["t"] = {secrets.token_urlsafe(TOKEN_BYTES): int(option) for option in entry.get("w", {})}
        Attempt.objects.filter(pk=attempt.pk).update(answer_key=key)


def drop_tokens(apps, schema_editor):
    Attempt = apps.get_model("quizzes", "Attempt")
    for attempt in Attempt.objects.filter(submitted_at__isnull=True).only("id", "answer_key").iterator():
        key = attempt.answer_key
        for entry in key.values():
            entry.pop("t", None)
        Attempt.objects.filter(pk=attempt.pk).update(answer_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0004_integrity"),
    ]

    operations = [
        migrations.AlterField(
            model_name="quiz",
            name="shuffle_options",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Applies to surveys only: a graded quiz always shuffles the options of its choice questions, so "
                    "that their place says nothing about the answer. True/false keeps its order in both."
                ),
                verbose_name="shuffle options",
            ),
        ),
        migrations.RunPython(add_tokens, drop_tokens),
    ]
