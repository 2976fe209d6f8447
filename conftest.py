import pytest


@pytest.fixture
def world(db):
    from people.testing import World

    return World()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request to /en/ that ends in an exception leaves English
    active in the thread, and the next test on the same worker would read English messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached figures live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_held_school_years():
    """A transactional test commits its school years and flushes them at the end: the next test must not be
    handed a year this process still holds (people.models.organisations, "held")."""
    from people.models.organisations import forget_held_years

    forget_held_years()
    yield
    forget_held_years()


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db") if item is not None else None
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back what the migrations created after a transactional test has flushed the database.

    A transactional test ends with a flush that leaves the tables empty, and with xdist's per-file distribution
    the next test in the same worker may be an ordinary one expecting the locales, sites and content types the
    migrations made. Django's own runner avoids this by running transactional tests last; here we restore the
    serialized contents instead, and drop the content-type cache that still holds the flushed ids. A following
    transactional test sets its own database up, and after the last test the databases are already gone.
    """
    yield
    if nextitem is None or not _is_transactional(item):
        return
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        # Rate-limit counters sit in a database cache table, which flush leaves alone (it is no model's table).
        caches["ratelimit"].clear()
    if _is_transactional(nextitem):
        return
    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                # The flush may have re-created content types through post_migrate; start from empty tables.
                call_command(
                    "flush", database=connection.alias, interactive=False, inhibit_post_migrate=True, verbosity=0
                )
                connection.creation.deserialize_db_from_string(contents)
                # The rows came back with their ids; move the sequences past them, as loaddata does.
                statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
        ContentType.objects.clear_cache()
