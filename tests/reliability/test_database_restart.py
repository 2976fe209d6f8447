from .conftest import restart_postgres


def test_next_request_works_after_postgresql_restarts(throwaway_db, server_factory):
    _name, env = throwaway_db
    # A persistent connection (CONN_MAX_AGE) is what a restart breaks; keep one open across requests.
    server = server_factory({**env, "DB_CONN_MAX_AGE": "600"}).start()
    assert server.get("/healthz") == 200
    assert server.get("/healthz") == 200

    restart_postgres()

    # conn_health_checks replaces the dead connection before the request uses it: no error reaches the user.
    assert server.get("/healthz") == 200
    assert server.get("/") == 200
