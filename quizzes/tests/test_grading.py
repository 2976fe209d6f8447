from quizzes.grading import credit_for

W_SINGLE = {1: 100, 2: 0, 3: 50}
W_MULTI = {1: 50, 2: 50, 3: -100, 4: 0}


def test_single_choice_takes_the_chosen_weight():
    assert credit_for("single", "all", W_SINGLE, [1]) == 1.0
    assert credit_for("single", "all", W_SINGLE, [2]) == 0.0
    assert credit_for("single", "all", W_SINGLE, [3]) == 0.5
    assert credit_for("single", "all", W_SINGLE, []) == 0.0
    # Two answers to a single-choice question earn nothing, whatever they are.
    assert credit_for("single", "all", W_SINGLE, [1, 3]) == 0.0


def test_options_not_on_the_paper_are_ignored():
    assert credit_for("single", "all", W_SINGLE, [99]) == 0.0
    assert credit_for("multiple", "all", W_MULTI, [1, 2, 99]) == 1.0


def test_multiple_all_or_nothing():
    assert credit_for("multiple", "all", W_MULTI, [1, 2]) == 1.0
    assert credit_for("multiple", "all", W_MULTI, [2, 1]) == 1.0
    assert credit_for("multiple", "all", W_MULTI, [1]) == 0.0
    assert credit_for("multiple", "all", W_MULTI, [1, 2, 4]) == 0.0


def test_multiple_partial_credit_with_negative_weights_clamped():
    assert credit_for("multiple", "partial", W_MULTI, [1]) == 0.5
    assert credit_for("multiple", "partial", W_MULTI, [1, 2]) == 1.0
    assert credit_for("multiple", "partial", W_MULTI, [1, 3]) == 0.0
    assert credit_for("multiple", "partial", W_MULTI, [1, 4]) == 0.5
    # Every option correct at 100 each is scaled by the sum of positive weights.
    assert credit_for("multiple", "partial", {1: 100, 2: 100, 3: 0}, [1]) == 0.5


def test_true_false():
    assert credit_for("true_false", "all", {7: 100, 8: 0}, [7]) == 1.0
    assert credit_for("true_false", "all", {7: 100, 8: 0}, [8]) == 0.0
