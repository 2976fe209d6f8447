import pytest

from .factories import make_lesson, make_module


@pytest.fixture
def module(db):
    return make_module()


@pytest.fixture
def lesson(module):
    return make_lesson(module)
