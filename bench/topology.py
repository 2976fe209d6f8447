"""`python -m bench.topology`: throughput of the tested topology with one app node and with two, and the ratio.

It starts deploy/start-topology (edge, app nodes pinned one per core, PgBouncer, primary + replica, Redis), signs
students in through the edge with their passwords (what users do: the Argon2 hash is part of the cost), starts
their contest attempts, then drives wrk through the edge with what a class does during an exam: half the
requests an answer save, half a lesson page. Each node count is measured `--rounds` times, alternating, so load
from elsewhere on the machine hits both alike; the report gives every round and the median.

On a machine with fewer cores than app nodes plus database, pooler, proxy and load client, the second node
shares its core with them: the ratio then measures contention as much as scaling, and the report says so.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from .environment import ROOT
from .http_client import Client
from .loadtools import run_wrk, wrk_script

SCRIPT = ROOT / "deploy" / "start-topology"
PASSWORD = "qingdun-demo-2026"  # noqa: S105 (the demo data's published password, people/seed.py)
LESSON_SQL = (
    "SELECT p.url_path FROM wagtailcore_page p JOIN django_content_type t ON t.id = p.content_type_id "
    "JOIN wagtailcore_locale l ON l.id = p.locale_id "
    "WHERE t.model = 'lessonpage' AND p.live AND l.language_code = 'zh-hans' ORDER BY p.path LIMIT 1"
)
RESULTS = ROOT / "bench" / "results"


def _topology(directory: Path, base: int, *args: str) -> None:
    env = {**os.environ, "TOPOLOGY_DIR": str(directory), "TOPOLOGY_BASE_PORT": str(base)}
    subprocess.run([str(SCRIPT), *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


def _psql(base: int, sql: str) -> str:
    args = ["psql", "-h", "127.0.0.1", "-p", str(base + 1), "-U", "postgres", "-d", "qingdun", "-tAc", sql]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603


def _requests(edge: str, base: int, students: int) -> tuple[list[dict], float]:
    """Sign students in and start their attempts through the edge; wrk's request list and sign-ins per second."""
    quiz_id = int(_psql(base, "SELECT id FROM quizzes_quiz WHERE kind = 'contest' ORDER BY id LIMIT 1"))
    usernames = _psql(
        base,
        "SELECT u.username FROM people_user u JOIN people_student s ON s.user_id = u.id ORDER BY u.username",
    ).split()[:students]
    # The site's root page is /curriculum/, which Wagtail serves under /lessons/.
    lesson = "/lessons/" + _psql(base, LESSON_SQL).removeprefix("/curriculum/")
    requests: list[dict] = []
    started = time.perf_counter()
    clients = []
    for username in usernames:
        client = Client(edge)
        client.sign_in(username, PASSWORD)
        clients.append(client)
    sign_in_rate = len(clients) / (time.perf_counter() - started)
    for client in clients:
        client.cookies.pop("qd_primary_until", None)
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        answer = client.request("POST", f"/quizzes/{quiz_id}/start/", headers=headers, body="{}")
        if answer.status != 200:
            continue  # the demo gave this student her one contest attempt already: she only reads
        attempt = json.loads(answer.body)["url"]
        paper = client.get(attempt).body
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        common = {"Cookie": cookie, "X-CSRFToken": client.cookies.get("csrftoken", ""), **headers}
        for question, token in re.findall(r'name="q(\d+)" value="([^"]+)"', paper)[::4]:
            body = json.dumps({"question": int(question), "options": [token]})
            requests.append({"method": "POST", "path": attempt + "answer/", "headers": common, "body": body})
            requests.append({"method": "GET", "path": lesson, "headers": {"Cookie": cookie}})
    return requests, sign_in_rate


def measure(options) -> dict:
    directory = Path(options.dir)
    base = options.base_port
    edge = f"http://127.0.0.1:{base}"
    workdir = directory / "bench"
    cores = os.cpu_count() or 1
    env_note = f"{cores} cores; app node i pinned to core i-1; PostgreSQL, PgBouncer, Redis, HAProxy and wrk unpinned"
    _topology(directory, base, "start", "--nodes", "2", "--pin", "--seed")
    workdir.mkdir(exist_ok=True)
    requests, sign_in_rate = _requests(edge, base, options.students)
    script = wrk_script(requests, workdir / "mixed.lua")
    rounds: dict[int, list[float]] = {1: [], 2: []}
    bad: dict[int, int] = {1: 0, 2: 0}
    for _round in range(options.rounds):
        for nodes in (1, 2):
            _topology(directory, base, "start", "--nodes", str(nodes), "--pin")
            if nodes == 1:
                _stop_node(directory, 2)
            time.sleep(2)  # the edge's health checks settle on the new set of servers
            result = run_wrk(
                shutil.which("wrk") or "wrk", edge, script, options.seconds, options.connections, list(range(cores))
            )
            rounds[nodes].append(result["rps"] or 0.0)
            bad[nodes] += result["bad"] + result["socket_errors"]
    medians = {nodes: statistics.median(values) for nodes, values in rounds.items()}
    load = os.getloadavg()
    return {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": env_note,
        "load_average": [round(x, 2) for x in load],
        "mix": "half answer saves, half signed-in lesson pages, through HAProxy and PgBouncer",
        "students": options.students,
        "sign_ins_per_second_through_the_edge": round(sign_in_rate, 1),
        "seconds_per_round": options.seconds,
        "connections": options.connections,
        "requests_per_second": {str(n): [round(v, 1) for v in values] for n, values in rounds.items()},
        "median_requests_per_second": {str(n): round(v, 1) for n, v in medians.items()},
        "ratio_two_to_one": round(medians[2] / medians[1], 2) if medians[1] else None,
        "non_2xx_or_socket_errors": {str(n): v for n, v in bad.items()},
    }


def _stop_node(directory: Path, index: int) -> None:
    """One node only: stop node 2 and take it out of the edge (start-topology keeps what runs)."""
    import signal

    state_file = directory / "topology.json"
    state = json.loads(state_file.read_text())
    pid = state.pop(f"node{index}", None)
    if pid:
        try:
            os.killpg(pid, signal.SIGTERM)
        except OSError:
            pass
        for _ in range(150):
            try:
                os.kill(pid, 0)
            except OSError:
                break
            time.sleep(0.1)
    state_file.write_text(json.dumps(state, indent=2))


def report(result: dict) -> str:
    rows = "\n".join(
        f"| {nodes} | {', '.join(map(str, values))} | {result['median_requests_per_second'][nodes]} |"
        for nodes, values in result["requests_per_second"].items()
    )
    return f"""# Topology bench, {result["when"]}

{result["mix"]}; {result["students"]} students signed in by password through the edge first
({result["sign_ins_per_second_through_the_edge"]} sign-ins/s, one at a time). {result["machine"]}.
Load average at the end: {result["load_average"]}. wrk: {result["connections"]} connections,
{result["seconds_per_round"]} s per round, rounds alternating one node and two.

| App nodes | requests/s per round | median |
| --- | --- | --- |
{rows}

Two nodes ÷ one: **{result["ratio_two_to_one"]}×**.
Non-2xx answers or socket errors: {result["non_2xx_or_socket_errors"]}.
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.topology", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default="/tmp/qingdun-topology-bench")  # noqa: S108 (PostgreSQL runs as postgres)
    parser.add_argument("--base-port", type=int, default=7600)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the topology running")
    options = parser.parse_args(argv)
    try:
        result = measure(options)
    finally:
        if not options.keep:
            _topology(Path(options.dir), options.base_port, "stop")
    stamp = datetime.now().strftime("%Y-%m-%d")
    (RESULTS / f"topology-{stamp}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (RESULTS / f"topology-{stamp}.md").write_text(report(result))
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
