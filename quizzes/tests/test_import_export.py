import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes import exporting
from quizzes.formats import ParsedQuestion, parse_file
from quizzes.importer import ImportRefused, import_questions
from quizzes.models import Category, Question

from .test_gift import FULL


def _bank_from_gift():
    result = parse_file("bank.gift", FULL.encode())
    import_questions(result, publish=True)
    return Question.objects.all()


def _comparable(questions: list[ParsedQuestion]):
    return sorted(q.comparable() for q in questions)


@pytest.mark.django_db
def test_gift_round_trip_keeps_every_question():
    questions = _bank_from_gift()
    first = _comparable(parse_file("bank.gift", FULL.encode()).questions)
    exported = exporting.to_gift(questions)
    again = parse_file("export.gift", exported.encode())
    assert again.errors == [] and again.unsupported == []
    assert _comparable(again.questions) == first


@pytest.mark.django_db
def test_xlsx_round_trip_keeps_every_question_but_option_feedback():
    questions = _bank_from_gift()
    data = exporting.to_xlsx(questions)
    again = parse_file("export.xlsx", data)
    assert again.errors == []

    def without_feedback(items):
        out = []
        for q in items:
            q.options = [type(o)(o.text, o.weight, "") for o in q.options]
            out.append(q)
        return _comparable(out)

    gift_again = parse_file("export.gift", exporting.to_gift(questions).encode()).questions
    # XLSX keeps the true/false option labels; GIFT writes TRUE/FALSE and reads them back as 正确/错误 labels.
    xlsx_items = without_feedback(again.questions)
    gift_items = without_feedback(gift_again)
    assert [item[:-1] for item in xlsx_items] == [item[:-1] for item in gift_items]
    assert [[(t, w) for t, w, _ in item[-1]] for item in xlsx_items] == [
        [(t, w) for t, w, _ in item[-1]] for item in gift_items
    ]


@pytest.mark.django_db
def test_a_file_with_errors_imports_nothing():
    result = parse_file("bad.gift", "好题 {=对 ~错}\n\n坏题 {=对 ~错\n".encode())
    assert len(result.questions) == 1 and result.errors
    with pytest.raises(ImportRefused):
        import_questions(result, publish=True)
    assert Question.objects.count() == 0


@pytest.mark.django_db
def test_unsupported_types_block_the_import_unless_accepted():
    result = parse_file("mixed.gift", "好题 {=对 ~错}\n\n作文 {}\n".encode())
    with pytest.raises(ImportRefused):
        import_questions(result)
    report = import_questions(result, skip_unsupported=True)
    assert report.created == 1


@pytest.mark.django_db
def test_imports_are_drafts_and_enter_the_review_workflow(world):
    result = parse_file("bank.gift", FULL.encode())
    import_questions(result, user=world.teacher)
    assert Question.objects.count() == 7
    assert not Question.objects.filter(live=True).exists()
    question = Question.objects.first()
    assert question.workflow_in_progress
    assert question.latest_revision is not None


def test_command_dry_run_category_and_errors(db, tmp_path, capsys):
    path = tmp_path / "bank.gift"
    path.write_text(FULL, encoding="utf-8")
    call_command("import_questions", str(path), "--dry-run")
    assert Question.objects.count() == 0
    assert "would import 7" in capsys.readouterr().out
    call_command("import_questions", str(path), "--category", "竞赛题库", "--publish")
    assert Question.objects.filter(live=True, category__name="竞赛题库").count() == 7
    assert Category.objects.filter(name="识毒").exists() is False

    bad = tmp_path / "bad.gift"
    bad.write_text("好题 {=对 ~错}\n\n坏题 {~甲 ~乙}\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_questions", str(bad))
    assert "bad.gift:3: error" in capsys.readouterr().err
    assert Question.objects.count() == 7


def test_import_page_preview_then_confirm(client, world):
    client.force_login(world.teacher)
    upload = SimpleUploadedFile("bank.gift", FULL.encode())
    response = client.post(reverse("quizzes:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "冰毒的化学名称是？" in html
    assert Question.objects.count() == 0  # the preview saves nothing
    token = response.context["confirm"].initial["token"]
    response = client.post(reverse("quizzes:import"), {"token": token})
    assert response.status_code == 302
    assert Question.objects.filter(live=False).count() == 7
    # The token is single-use.
    client.post(reverse("quizzes:import"), {"token": token})
    assert Question.objects.count() == 7


def test_import_page_lists_errors_and_refuses(client, world):
    client.force_login(world.editor)
    upload = SimpleUploadedFile("bad.gift", "坏题 {=对 ~错\n".encode())
    response = client.post(reverse("quizzes:import"), {"file": upload})
    html = response.content.decode()
    assert "Line 1" in html or "第 1 行" in html
    assert 'name="token"' not in html


def test_import_and_export_pages_refuse_students_and_bureau(client, world):
    client.force_login(world.student.user)
    assert client.get(reverse("quizzes:import")).status_code == 403
    assert client.get(reverse("quizzes:export")).status_code == 403
    client.force_login(world.teacher)
    assert client.get(reverse("quizzes:export")).status_code == 403
    client.logout()
    assert client.get(reverse("quizzes:import")).status_code == 302


def test_export_downloads(client, world):
    _bank_from_gift()
    client.force_login(world.editor)
    gift_text = client.get(reverse("quizzes:export") + "?format=gift").content.decode()
    assert "$CATEGORY: 识毒" in gift_text
    xlsx = client.get(reverse("quizzes:export") + "?format=xlsx").content
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))][:4] == ["分类", "题型", "标题", "题干"]
