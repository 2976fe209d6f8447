import importlib
from collections import Counter

import pytest

from quizzes import services
from quizzes.models import Attempt
from quizzes.paper import TOKEN_LENGTH, build_paper, option_ids, reading_characters

from . import factories as f


@pytest.fixture
def pools(db):
    identify = f.category("识毒")
    refuse = f.category("拒毒")
    easy = f.bank(8, cat=identify, difficulty=1) + f.bank(4, cat=identify, difficulty=2)
    hard = f.bank(5, cat=identify, difficulty=4)
    refusal = f.bank(6, cat=refuse, difficulty=3)
    return {"identify": identify, "refuse": refuse, "easy": easy, "hard": hard, "refusal": refusal}


def test_draw_rules_pick_the_right_number_from_the_right_pools(pools):
    quiz = f.quiz(
        rules=[
            {"count": 6, "category": pools["identify"], "max_difficulty": 2},
            {"count": 4, "category": pools["refuse"]},
        ]
    )
    easy_ids = {q.pk for q in pools["easy"]}
    refusal_ids = {q.pk for q in pools["refusal"]}
    for seed in range(1, 30):
        paper, key = build_paper(quiz, seed)
        ids = [item["q"] for item in paper]
        assert len(ids) == len(set(ids)) == 10
        counts = Counter("easy" if q in easy_ids else "refusal" if q in refusal_ids else "other" for q in ids)
        assert counts == {"easy": 6, "refusal": 4}
        assert set(key) == {str(q) for q in ids}


def test_fixed_questions_come_first_and_are_not_drawn_again(pools):
    fixed = pools["easy"][:2]
    quiz = f.quiz(
        fixed, rules=[{"count": 12, "category": pools["identify"], "max_difficulty": 2}], shuffle_questions=False
    )
    paper, _ = build_paper(quiz, 5)
    ids = [item["q"] for item in paper]
    assert ids[:2] == [q.pk for q in fixed]
    assert len(ids) == len(set(ids)) == 12  # the pool holds 12; the rule cannot draw a fixed one twice


def test_tag_and_kind_filters(db):
    tagged = f.question(text="带标签的题", tags=["新型毒品"])
    f.question(text="没有标签的题")
    tf = f.question(text="判断题", kind="true_false", options=(("正确", 100), ("错误", 0)))
    quiz = f.quiz(rules=[{"count": 5, "tag": "新型毒品"}], title="tag")
    assert [item["q"] for item in build_paper(quiz, 1)[0]] == [tagged.pk]
    quiz = f.quiz(rules=[{"count": 5, "kind": "true_false"}], title="kind")
    paper, _ = build_paper(quiz, 1)
    assert [item["q"] for item in paper] == [tf.pk]
    assert paper[0]["o"] == list(tf.options.order_by("sort_order").values_list("pk", flat=True))  # 正确 first


def test_same_seed_same_paper_different_seeds_differ(pools):
    quiz = f.quiz(rules=[{"count": 10, "category": pools["identify"]}], shuffle_options=True)
    assert build_paper(quiz, 42) == build_paper(quiz, 42)
    papers = {tuple((item["q"], tuple(item["o"])) for item in build_paper(quiz, seed)[0]) for seed in range(20)}
    assert len(papers) > 15
    # Options really are shuffled: some paper shows a question's options out of their stored order.
    stored = {q.pk: list(q.options.order_by("sort_order").values_list("pk", flat=True)) for q in pools["easy"]}
    paper, _ = build_paper(quiz, 7)
    assert any(item["o"] != stored.get(item["q"], item["o"]) for item in paper)


def test_the_paper_is_stored_so_bank_changes_do_not_reshuffle_an_open_attempt(pools, world):
    quiz = f.quiz(rules=[{"count": 5, "category": pools["identify"]}])
    attempt = services.start_or_resume_attempt(world.student, quiz)
    before = list(attempt.paper)
    f.bank(5, cat=pools["identify"], difficulty=1)  # new questions published meanwhile
    again = services.start_or_resume_attempt(world.student, quiz)
    assert again.pk == attempt.pk and again.paper == before


def test_shuffles_differ_between_students(pools, world):
    quiz = f.quiz(f.bank(10))
    one = services.start_or_resume_attempt(world.student, quiz)
    two = services.start_or_resume_attempt(world.student_2, quiz)
    assert one.seed != two.seed
    assert sorted(one.question_ids) == sorted(two.question_ids)
    assert one.paper != two.paper


def test_options_are_named_by_tokens_of_one_length_that_differ_between_papers(pools):
    quiz = f.quiz(rules=[{"count": 10, "category": pools["identify"]}])
    paper, key = build_paper(quiz, 11)
    _, other_key = build_paper(quiz, 12)
    for item in paper:
        names = key[str(item["q"])]["t"]
        assert sorted(names.values()) == sorted(item["o"])  # one token per option of the question
        assert {len(token) for token in names} == {TOKEN_LENGTH}
        assert all(token.isascii() and token.replace("-", "").replace("_", "").isalnum() for token in names)
        assert not {str(option) for option in item["o"]} & set(names)
        if str(item["q"]) in other_key:  # the same option is named differently on another paper
            assert not set(names) & set(other_key[str(item["q"])]["t"])
        assert option_ids(key, item["q"], list(names)[:1]) == [names[list(names)[0]]]
    first = paper[0]
    assert option_ids(key, first["q"], [str(first["o"][0])]) is None  # an id is not a token
    assert option_ids(key, first["q"], [first["o"][0]]) is None
    assert option_ids(key, 999999, []) is None
    assert option_ids(key, first["q"], "abc") is None


def test_graded_options_are_shuffled_even_when_the_author_turned_it_off(db):
    questions = f.bank(4)
    quiz = f.quiz(questions, shuffle_options=False)
    stored = {q.pk: list(q.options.order_by("sort_order").values_list("pk", flat=True)) for q in questions}
    positions = Counter()
    for seed in range(1, 101):
        for item in build_paper(quiz, seed)[0]:
            assert "f" not in item
            positions[item["o"].index(stored[item["q"]][0])] += 1
    # The right option (written first) lands in every place; 400 draws, 100 expected in each.
    assert set(positions) == {0, 1, 2, 3} and min(positions.values()) > 60


def test_orders_that_mean_something_are_kept(db):
    tf = f.question(text="判断题", kind="true_false", options=(("正确", 0), ("错误", 100)))
    above = f.question(text="哪些是毒品？", options=(("冰毒", 0), ("海洛因", 0), ("大麻", 0), ("以上都是", 100)))
    scale = f.question(text="我会拒绝毒品", options=(("非常同意", 100), ("同意", 50), ("不同意", 0)))
    graded = f.quiz([tf, above], title="graded")
    survey = f.quiz([scale], kind="survey", survey_phase="pre", shuffle_options=False, title="survey")
    shuffled_survey = f.quiz([scale], kind="survey", survey_phase="pre", shuffle_options=True, title="shuffled")

    def stored(question):
        return list(question.options.order_by("sort_order").values_list("pk", flat=True))

    seen = set()
    for seed in range(1, 30):
        items = {item["q"]: item for item in build_paper(graded, seed)[0]}
        assert items[tf.pk]["o"] == stored(tf) and items[tf.pk]["f"] == 1  # 正确 before 错误
        assert items[above.pk]["o"][-1] == stored(above)[-1]  # "以上都是" stays last
        seen.add(tuple(items[above.pk]["o"][:3]))
        assert build_paper(survey, seed)[0][0]["o"] == stored(scale)
    assert len(seen) > 1  # the others are shuffled
    assert len({tuple(build_paper(shuffled_survey, seed)[0][0]["o"]) for seed in range(1, 30)}) > 1


def test_the_paper_counts_what_there_is_to_read(db):
    plain = f.question(text="冰毒 是什么？", options=(("甲基苯丙胺", 100), ("氯胺酮", 0)))
    paper, _ = build_paper(f.quiz([plain]), 1)
    assert paper[0]["c"] == len("冰毒是什么？") + len("甲基苯丙胺") + len("氯胺酮")
    assert reading_characters("<p>冰毒<b>是</b></p>", "html") == 3


def test_an_attempt_open_before_tokens_gets_them_and_a_submitted_one_keeps_its_key(world):
    from django.apps import apps

    migration = importlib.import_module("quizzes.migrations.0005_option_tokens")
    quiz = f.quiz(f.bank(3), attempts_allowed=0)
    done = services.submit_attempt(services.start_or_resume_attempt(world.student, quiz).pk)
    open_ = services.start_or_resume_attempt(world.student, quiz)
    for attempt in (done, open_):  # as papers were drawn before tokens
        for entry in attempt.answer_key.values():
            del entry["t"]
        Attempt.objects.filter(pk=attempt.pk).update(answer_key=attempt.answer_key)
    migration.add_tokens(apps, None)
    open_.refresh_from_db()
    done.refresh_from_db()
    assert all("t" not in entry for entry in done.answer_key.values())
    for item in open_.paper:
        names = open_.answer_key[str(item["q"])]["t"]
        assert sorted(names.values()) == sorted(item["o"]) and {len(token) for token in names} == {TOKEN_LENGTH}
    item = open_.paper[0]
    token = next(iter(open_.answer_key[str(item["q"])]["t"]))
    assert services.chosen_options(open_, item["q"], [token]) == [open_.answer_key[str(item["q"])]["t"][token]]
