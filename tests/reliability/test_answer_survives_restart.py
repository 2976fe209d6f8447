"""A quiz answer saved before the app server dies is still there when a new server starts."""

import signal

from .helpers import Browser, django_json

SETUP = """
import json
from people.testing import World
from quizzes import services
from quizzes.tests import factories
world = World()
questions = [factories.question(text=f"重启测试{i}") for i in range(3)]
quiz = factories.quiz(questions, title="重启测试", live=True, attempts_allowed=0, shuffle_questions=False)
attempt = services.start_or_resume_attempt(world.student, quiz, check_access=False)
item = attempt.paper[1]
print(json.dumps({"attempt": attempt.pk, "question": item["q"], "options": item["o"][:1],
                  "tokens": factories.tokens(attempt, item["q"])[:1], "username": world.student.user.username}))
"""

CHECK = """
import json
from quizzes.models import Answer
print(json.dumps(list(Answer.objects.filter(attempt_id={attempt}).values_list("question_id", "chosen"))))
"""


def test_a_saved_answer_survives_a_killed_server(throwaway_db, server_factory):
    _name, env = throwaway_db
    facts = django_json(SETUP, env)
    server = server_factory(env).start()
    browser = Browser(server.url)
    browser.sign_in(facts["username"], "correct-horse-battery")
    status, body, _headers = browser.post_json(
        f"/quizzes/attempt/{facts['attempt']}/answer/", {"question": facts["question"], "options": facts["tokens"]}
    )
    assert status == 200, body

    # No graceful shutdown: the process is killed as a crash or an OOM kill would.
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=20)
    server.process = None

    assert django_json(CHECK.format(attempt=facts["attempt"]), env) == [[facts["question"], facts["options"]]]
    again = server_factory(env).start()
    browser.base_url = again.url
    status, body, _headers = browser.get(f"/quizzes/attempt/{facts['attempt']}/")
    assert status == 200, "the student's session and attempt should survive the restart"
