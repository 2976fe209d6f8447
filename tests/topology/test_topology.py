"""Past one machine: two app nodes agree, the replica serves what it should and nothing else, and the parts
fail the way docs/scaling.md says (issue #20).

Which server answered is read from the servers' own statement logs (log_statement = all), never from the app.
"""

import subprocess
import time

import pytest

from .conftest import PASSWORD, ROOT

DASHBOARD = "/audit/"
# A live Chinese lesson of the demo curriculum, found in the database (the site's root page is /curriculum/,
# which Wagtail serves under /lessons/).
LESSON_SQL = (
    "SELECT p.id, p.url_path FROM wagtailcore_page p JOIN django_content_type t ON t.id = p.content_type_id "
    "JOIN wagtailcore_locale l ON l.id = p.locale_id "
    "WHERE t.model = 'lessonpage' AND p.live AND l.language_code = 'zh-hans' ORDER BY p.path LIMIT 1"
)


def _lesson(topology) -> tuple[str, str]:
    page_id, url_path = topology.psql("primary", LESSON_SQL).split("|")
    return page_id, "/lessons/" + url_path.removeprefix("/curriculum/")


FIGURES = 'FROM "plans_'  # every dashboard query of the plan's figures reads a plans_ table


def _dashboard_from(topology, client) -> tuple[str, str]:
    primary, replica = topology.statements("primary"), topology.statements("replica")
    answer = client.get(DASHBOARD)
    assert answer.status == 200, (answer.status, answer.body[:300])
    assert "周局长" in answer.body, "the dashboard is the signed-in bureau admin's"
    return primary.since(), replica.since()


def _superuser(topology, username: str) -> str:
    """A CMS superuser made with manage.py against the primary (the demo has none)."""
    password = "topology-" + username + "-2026!"
    code = (
        "from people.models import User\n"
        f"u, _ = User.objects.get_or_create(username={username!r}, defaults={{'full_name': '运维'}})\n"
        f"u.is_superuser = u.is_staff = True; u.set_password({password!r}); u.save()\n"
    )
    env = dict(topology.env)
    env.update(
        line.removeprefix("export ").split("=", 1)
        for line in topology.run("env").stdout.splitlines()
        if line.startswith("export ")
    )
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{topology.base + 1}/qingdun"
    env.pop("DATABASE_REPLICA_URL", None)
    result = subprocess.run(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return password


def test_a_session_made_on_one_node_works_on_the_other(topology):
    first = topology.client(topology.nodes[0])
    first.sign_in("bureau-admin", PASSWORD)
    second = first.at(topology.nodes[1])
    answer = second.get(DASHBOARD)
    assert answer.status == 200 and "周局长" in answer.body
    # And the sign-out on the second node ends the session on the first.
    token = second.csrf_from(DASHBOARD)
    assert second.post("/signout/", {"csrfmiddlewaretoken": token}).status in (200, 302)
    assert first.get(DASHBOARD).status == 302


def test_a_publish_on_one_node_shows_on_the_other_nodes_next_request(topology):
    password = _superuser(topology, "topology-publisher")
    editor = topology.client(topology.nodes[0])
    editor.sign_in("topology-publisher", password)
    reader = topology.client(topology.nodes[1])
    page_id, lesson = _lesson(topology)
    assert reader.get(lesson).status == 200  # rendered, and cached, on the second node
    token = editor.csrf_from(f"/admin/pages/{page_id}/unpublish/")
    assert editor.post(f"/admin/pages/{page_id}/unpublish/", {"csrfmiddlewaretoken": token}).status == 302
    assert reader.get(lesson).status == 404, "the unpublish reached the other node at once"
    path = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}"
    token = editor.csrf_from(path)
    assert editor.post(path, {"csrfmiddlewaretoken": token}).status == 302
    assert reader.get(lesson).status == 200, "and so did the publish"


def test_the_dashboard_is_read_from_the_replica(topology, bureau):
    primary, replica = _dashboard_from(topology, bureau)
    assert replica.count(FIGURES) > 0, "the replica answered the figures"
    assert primary.count(FIGURES) == 0, "the primary was not asked for them"


def test_a_user_who_has_just_written_reads_from_the_primary(topology):
    client = topology.client()
    client.sign_in("bureau-admin", PASSWORD)  # a POST: marks her as having just written
    assert "qd_primary_until" in client.cookies
    primary, replica = _dashboard_from(topology, client)
    assert primary.count(FIGURES) > 0 and replica.count(FIGURES) == 0


def test_a_lagging_replica_is_passed_over_until_it_catches_up(topology, bureau):
    topology.psql("replica", "SELECT pg_wal_replay_pause()")
    try:
        # A write on the primary the replica does not replay; past REPLICA_MAX_LAG_SECONDS (2 s in this suite)
        # and the health check's interval, the dashboard comes from the primary.
        topology.psql("primary", "CREATE TABLE IF NOT EXISTS topology_lag_probe (at timestamptz)")
        topology.psql("primary", "INSERT INTO topology_lag_probe VALUES (now())")
        time.sleep(3)
        topology.psql("primary", "INSERT INTO topology_lag_probe VALUES (now())")
        primary, replica = _dashboard_from(topology, bureau)
        assert primary.count(FIGURES) > 0 and replica.count(FIGURES) == 0
    finally:
        topology.psql("replica", "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        primary, replica = _dashboard_from(topology, bureau)
        if replica.count(FIGURES):
            break
        time.sleep(0.5)
    assert replica.count(FIGURES) > 0 and primary.count(FIGURES) == 0, "back on the replica once caught up"


def test_with_the_replica_down_dashboards_come_from_the_primary(topology, bureau):
    topology.pg_ctl("replica", "stop")
    try:
        for _ in range(3):  # every request, not only the first after the health check noticed
            primary, _replica = _dashboard_from(topology, bureau)
            assert primary.count(FIGURES) > 0
    finally:
        topology.pg_ctl("replica", "start")


def test_rate_limits_hold_across_nodes(topology):
    """60 sign-in posts a minute from one address (people/views/accounts.py), counted once for all nodes: with a
    count per process the four gunicorn workers of two nodes would let 240 through."""
    clients = [topology.client(node, client_ip="10.77.0.9") for node in topology.nodes]
    tokens = [client.csrf_from("/signin/") for client in clients]
    statuses = []
    for attempt in range(70):
        index = attempt % 2
        form = {"csrfmiddlewaretoken": tokens[index], "username": f"nobody-{attempt}", "password": "wrong"}
        statuses.append(clients[index].post("/signin/", form).status)
    refused = [i for i, status in enumerate(statuses) if status == 429]
    assert refused and refused[0] <= 60, statuses
    assert {i % 2 for i in refused} == {0, 1}, "both nodes refuse"


def test_a_pgbouncer_restart_is_survived(topology, bureau):
    pid_file = topology.dir / "run" / "pgbouncer.pid"
    pid = int(pid_file.read_text())
    subprocess.run(["kill", "-TERM", str(pid)], check=True)  # noqa: S603, S607
    for _ in range(100):
        if subprocess.run(["kill", "-0", str(pid)], capture_output=True, check=False).returncode:  # noqa: S603, S607
            break
        time.sleep(0.1)
    topology.start()  # restarts what is down: PgBouncer
    statuses = [bureau.get(DASHBOARD).status for _ in range(6)]
    statuses += [topology.client(node).get("/healthz").status for node in topology.nodes]
    assert statuses == [200] * 8, statuses


@pytest.mark.parametrize("node", [0, 1])
def test_each_node_answers_health_checks_through_pgbouncer(topology, node):
    assert topology.client(topology.nodes[node]).get("/healthz").status == 200
