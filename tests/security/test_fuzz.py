"""Fuzzed input on the import parsers and the answer-save endpoint: never a 500 or an unexpected exception,
never a partial write (a refused file or answer leaves the tables as they were)."""

import json

import pytest
from django.core.cache import cache, caches
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from people.models import Enrollment, SchoolClass, Student, User
from people.roster import import_roster
from quizzes.formats import parse_file
from quizzes.importer import ImportRefused, import_questions
from quizzes.models import Answer, Option, Question

from .conftest import client_for

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

GRADES = ["初一", "初二", "八年级", "高一", "9", "８", "十三年级", "", "x"]
cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(GRADES),
    st.sampled_from(["=1+1", "1班", "（2）班", "２０２６０００１", "男", "女", "\ufeff", '"', ",", "\r\n"]),
    st.integers(-5, 10**9).map(str),
)
HEADERS = ["姓名", "学号", "性别", "年级", "班级"]
csv_row = st.lists(cell, min_size=0, max_size=6).map(lambda cells: ",".join(cells))
roster_text = st.lists(csv_row, max_size=12).map(lambda rows: "\n".join([",".join(HEADERS), *rows]))
roster_bytes = st.one_of(
    st.binary(max_size=400),
    roster_text.map(lambda text: text.encode("utf-8")),
    roster_text.map(lambda text: text.encode("gb18030", "replace")),
    roster_text.map(lambda text: ("\ufeff" + text).encode("utf-8")),
    st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail),
)


def _people_counts():
    return (User.objects.count(), Student.objects.count(), Enrollment.objects.count(), SchoolClass.objects.count())


@FUZZ
@given(data=roster_bytes)
def test_roster_import_never_crashes_or_half_writes(fresh, data):
    before = _people_counts()
    result = import_roster(fresh.own.school, data, actor=fresh.own.admin)
    if not result.committed:
        assert _people_counts() == before, "a refused roster wrote rows"
    assert result.committed or result.problems or result.rows == 0


@FUZZ
@given(data=roster_bytes)
def test_roster_upload_view_never_answers_500(fresh, data):
    cache.clear()
    caches["ratelimit"].clear()  # every example posts again: none may meet the last one's limit
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(fresh, "school_admin")
    response = client.post(
        reverse("people:roster_upload", args=[fresh.own.school.code]), {"file": SimpleUploadedFile("名单.csv", data)}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200


# Found by the fuzzer: a lone carriage return once crashed the CSV reader with a 500.
def test_a_lone_carriage_return_is_refused_cleanly(fresh):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(fresh, "school_admin").post(
        reverse("people:roster_upload", args=[fresh.own.school.code]), {"file": SimpleUploadedFile("名单.csv", b"\r ")}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert client_for(fresh, "school_admin").get(response["Location"]).status_code == 200


GIFT_BITS = ["::题目::", "{", "}", "=", "~", "#", "%50%", "//", "$CATEGORY: 识毒", "\n\n", "TRUE", "->", "\\", ":"]
AIKEN_BITS = ["A. ", "B) ", "ANSWER: A", "ANSWER: Z", "\n", "题干？", "C. ", "ANSWER:"]
question_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(GIFT_BITS) | st.text(max_size=8), max_size=30).map("".join),
    st.lists(st.sampled_from(AIKEN_BITS) | st.text(max_size=8), max_size=30).map("".join),
)
question_file = st.one_of(
    st.tuples(st.sampled_from(["q.gift", "q.txt", "q.aiken"]), question_text.map(lambda t: t.encode("utf-8"))),
    st.tuples(st.just("q.csv"), roster_text.map(lambda t: t.encode("utf-8"))),
    st.tuples(st.sampled_from(["q.xlsx", "q.txt"]), st.binary(max_size=300)),
)


@FUZZ
@given(upload=question_file, fmt=st.sampled_from([None, "gift", "aiken", "table"]))
def test_question_parsers_and_import_never_crash_or_half_write(fresh, upload, fmt):
    name, data = upload
    result = parse_file(name, data, fmt)
    before = (Question.objects.count(), Option.objects.count())
    try:
        import_questions(result, user=fresh.world.editor)
    except ImportRefused:
        assert (Question.objects.count(), Option.objects.count()) == before, "a refused import wrote questions"


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _bodies(attempt):
    questions = st.sampled_from(attempt.question_ids) | st.integers(-(2**63), 2**63) | st.text(max_size=6)
    # The paper's own tokens too, so that well-formed saves (and tokens of the wrong question) are tried.
    tokens = st.sampled_from([token for entry in attempt.answer_key.values() for token in entry["t"]])
    options = st.lists(tokens | st.integers(-5, 10**6) | st.text(max_size=4) | st.none(), max_size=5) | json_value
    well_formed = st.fixed_dictionaries({"question": questions, "options": options}).map(json.dumps)
    return st.one_of(well_formed, json_value.map(json.dumps), st.binary(max_size=60))


def _answers_are_sound(attempt):
    valid = {item["q"]: set(item["o"]) for item in attempt.paper}
    for question_id, chosen in Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen"):
        assert question_id in valid, f"an answer to question {question_id}, not on the paper, was saved"
        assert set(chosen or []) <= valid[question_id], f"options {chosen} not of question {question_id} were saved"


@pytest.mark.django_db
def test_answer_save_endpoint_never_answers_500_or_saves_junk(fresh):
    attempt = fresh.own.attempt
    client = client_for(fresh, "student")

    @FUZZ
    @given(body=_bodies(attempt), pk=st.sampled_from([attempt.pk, fresh.far.attempt.pk]) | st.integers(0, 2**31))
    def run(body, pk):
        cache.clear()
        caches["ratelimit"].clear()
        response = client.post(reverse("quizzes:save", args=[pk]), body, content_type="application/json")
        assert response.status_code in (200, 400, 404, 409), (body, response.status_code)
        if pk != attempt.pk:
            assert response.status_code == 404
        _answers_are_sound(attempt)
        assert not Answer.objects.filter(attempt=fresh.far.attempt).exists(), "saved into another student's attempt"

    run()
