from collections import Counter

import pytest

from quizzes import services
from quizzes.paper import build_paper

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
