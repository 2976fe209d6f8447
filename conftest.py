import pytest


@pytest.fixture
def world(db):
    from people.testing import World

    return World()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached figures live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
