import pytest


@pytest.fixture
def world(db):
    from people.testing import World

    return World()
