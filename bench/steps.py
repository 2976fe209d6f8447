"""The exam start's cost per step, in app CPU: what the burst asks of one app core, measured without a load.

    python -m bench steps DATABASE [STUDENTS]     (the runner calls `step_costs` after the burst, on the app core)

Each student of a small sample walks the burst's path (bench.burst) one request at a time through Django's whole
stack (the test client's handler: every middleware, CSRF enforced, the production settings of bench.settings),
half by her slip's code and half by password, then starts the burst's quiz, loads the paper, saves answers one
at a time and five at a time, submits all 30 and reads the result. Sign-in lands where it lands in the burst:
on the quiz's page, the one sitting open (core.navigation's landing), so "home" has no samples then. Per
step: the CPU time of the thread that ran it (`time.thread_time`: Python, templates, psycopg's side of each
query; PostgreSQL's own work is on its own processes), the wall time and the queries. Medians, so one slow
request on a shared machine does not move them.

These costs do not depend on how loaded the machine is, unlike the burst's wall-clock figures: they are what
the per-core model of docs/scaling.md ("The exam start on one app core") is built from. gunicorn adds its own
work per request (parsing, accepting and closing the connection, thread hand-offs), measured in the burst as
the app's CPU over what these steps add up to.
"""

import json
import statistics
import sys
import time
from collections import defaultdict
from http.cookies import SimpleCookie

# The order of the path, as the report lists it.
STEPS = (
    "signin slip page",
    "signin slip",
    "signin form page",
    "signin password",
    "home",
    "quiz detail",
    "start",
    "paper",
    "answer (1)",
    "answer (5)",
    "submit",
    "result",
)


class _Counter:
    def __init__(self):
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


def step_costs(student_ids: list[int], quiz_id: int, per_path: int = 30) -> dict:
    """Walk `per_path` students down each sign-in path and the quiz; medians per step as `steps.<step>.*`.

    The students' attempts at the quiz are deleted first (the quiz allows one); slip codes are issued for
    the token half through people.slip_codes, as printing slips issues them. Tasks are queued as production
    queues them (a row in the request's transaction), not run inline as the bench's processes otherwise do:
    inline, a submission was charged with its integrity check and its class's refresh (68 statements and
    87 ms of CPU against 15 and 19 queued, on 2026-12-03's idle machine), work a worker does afterwards."""
    from django.test.utils import override_settings

    from .micro import PRODUCTION_TASKS

    with override_settings(TASKS=PRODUCTION_TASKS):
        return _walk(student_ids, quiz_id, per_path)


def _walk(student_ids: list[int], quiz_id: int, per_path: int) -> dict:
    import re

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import Client, RequestFactory

    from people import slip_codes
    from people.models import Student
    from quizzes.models import Attempt, Quiz

    from .generator.district import BENCH_PASSWORD
    from .prepare import _answers

    quiz = Quiz.objects.get(pk=quiz_id)
    right = _answers(quiz)
    # Two more students than asked: the first of each path only warms the process (templates compiled, caches
    # filled, as in a worker that has served a while) and is not counted.
    students = list(Student.objects.filter(pk__in=student_ids[: 2 * per_path + 2]).select_related("user"))
    Attempt.objects.filter(quiz=quiz, student__in=students).delete()
    by_code = students[::2]
    issuing = RequestFactory().post("/bench/slips/")
    issuing.user = AnonymousUser()
    codes, _ = slip_codes.issue(by_code, request=issuing, target="bench: step costs")
    from .burst import AnswerProtocol, answers_on, landing_step

    lease_pattern = AnswerProtocol._LEASE
    samples: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    statuses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counter = _Counter()

    warming = True

    def timed(name: str, call, *args, **kwargs):
        if warming:
            return call(*args, **kwargs)
        counter.queries = 0
        cpu, wall = time.thread_time(), time.perf_counter()
        with connection.execute_wrapper(counter):
            response = call(*args, **kwargs)
        samples[name].append(((time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000, counter.queries))
        statuses[name][str(response.status_code)] += 1
        return response

    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    for index, student in enumerate(students):
        warming = index < 2
        # One handler for all (a new test client loads the middleware again, WhiteNoise's scan of every static
        # file included, which a worker does once); each student with her own cookies, from her own address, so
        # the per-network sign-in limits never refuse the sample.
        client.cookies = SimpleCookie()
        client.defaults["REMOTE_ADDR"] = f"127.30.{index // 250}.{index % 250 + 1}"

        def csrf(client=client) -> str:
            return client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""

        if student.pk in codes:
            path = f"/signin/slip/{codes[student.pk]}/"
            timed("signin slip page", client.get, path)
            signed = timed("signin slip", client.post, path, {"csrfmiddlewaretoken": csrf()})
        else:
            timed("signin form page", client.get, "/signin/")
            signed = timed(
                "signin password",
                client.post,
                "/signin/",
                {"username": student.user.username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": csrf()},
            )
        if signed.status_code != 302:
            raise RuntimeError(f"step costs: sign-in answered {signed.status_code}")
        landed = landing_step(signed["Location"])
        timed(landed, client.get, signed["Location"])
        if landed != "quiz detail":
            timed("quiz detail", client.get, f"/quizzes/{quiz.pk}/")
        started = timed(
            "start",
            client.post,
            f"/quizzes/{quiz.pk}/start/",
            {"csrfmiddlewaretoken": csrf()},
            HTTP_ACCEPT="application/json",
        )
        url = started.json()["url"]
        paper = timed("paper", client.get, url)
        text = paper.content.decode()
        match = lease_pattern.search(text)
        held = next(g for g in match.groups() if g is not None) if match else None
        import html

        held = html.unescape(held) if held else None
        chosen = answers_on(text, {str(k): v for k, v in right.items()})
        items = [{"question": q, "options": t, "at": int(time.time() * 1000)} for q, t in chosen.items()]
        answer_url, headers = f"{url}answer/", {"HTTP_X_CSRFTOKEN": csrf(), "HTTP_ACCEPT": "application/json"}

        def post(name: str, batch: list, target: str = answer_url, headers=headers):
            nonlocal held
            response = timed(
                name, client.post, target, json.dumps({"lease": held, "answers": batch}), "application/json", **headers
            )
            if response.status_code == 200 and isinstance(response.json().get("lease"), str):
                held = response.json()["lease"]
            return response

        for item in items[:10]:
            post("answer (1)", [item])
        for first in range(10, len(items), 5):
            post("answer (5)", items[first : first + 5])
        post("submit", items, f"{url}submit/")
        timed("result", client.get, f"{url}result/")
        if re.search(r"/attempt/\d+/$", url) is None:
            raise RuntimeError(f"step costs: start led to {url}")

    results = {"steps.students": len(students) - 2}
    for name in STEPS:
        if not samples[name]:
            continue
        cpu, wall, queries = zip(*samples[name], strict=True)
        key = name.replace(" ", "_").replace("(", "").replace(")", "")
        results[f"steps.{key}.cpu_ms"] = statistics.median(cpu)
        results[f"steps.{key}.wall_ms"] = statistics.median(wall)
        results[f"steps.{key}.queries"] = statistics.median(queries)
        results[f"steps.{key}.count"] = len(cpu)
        results[f"steps.{key}.statuses"] = dict(statuses[name])
    return results


def step_key(name: str) -> str:
    return name.replace(" ", "_").replace("(", "").replace(")", "")


def main(argv: list[str]) -> int:
    """`python -m bench steps DATABASE [STUDENTS]`: the step costs on a kept bench database, printed as JSON."""
    import os

    from . import environment, guard

    database = argv[0]
    if not guard.is_bench_database(database):
        raise SystemExit(f"{database}: name a {guard.PREFIX}* database")
    per_path = int(argv[1]) if len(argv) > 1 else 30
    import tempfile
    from pathlib import Path

    workdir = Path(tempfile.mkdtemp(prefix="qingdun-steps-"))
    os.environ.update(environment.django_env(f"{environment.PG_URL}/{database}", workdir))
    import django

    django.setup()
    from .prepare import refresh_assets

    refresh_assets(lambda text: print(text, file=sys.stderr))
    from quizzes.models import Quiz

    from .generator.district import BURST_QUIZ_TITLE
    from .prepare import _active_students, open_sitting

    quiz = Quiz.objects.get(title=BURST_QUIZ_TITLE)
    open_sitting(quiz)
    # The district's last students: the burst and the other scenarios take the first ones.
    ids = list(_active_students(1).values_list("pk", flat=True).order_by("-school_id", "-id")[: 2 * per_path + 2])
    print(json.dumps(step_costs(ids, quiz.pk, per_path), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
