"""One query to find the module or lesson a request routes to, with what serving it needs read along.

Wagtail's own walk costs two queries per level below the curriculum index (the child by slug, then its specific
row) and its view-restriction check two more. Here the page is read by its `url_path`, which is what the walk
by slugs amounts to, as its specific type, together with:

- `_restriction_possible`: whether any page view restriction can apply. Wagtail applies the restrictions of the
  page and its ancestors, an alias's being those of the page it is an alias of. The flag is true when one sits
  on the page or an ancestor, or when one of those is an alias and any restriction exists at all; only then does
  `BasePage.get_view_restrictions` run Wagtail's exact check, so it can only err towards checking;
- for a lesson, its module's title and id and its quiz's title (they are shown in the article, so they are part
  of the render cache's key).

The SQL is built once per process from the models' columns and run with `raw()`: the ORM would spend more time
compiling this query than the database spends running it, and this is the hot path of every lesson request.
"""

# ruff: noqa: S608 (the SQL below is built from the models' table and column names only; values are parameters)

from functools import lru_cache

from django.db import connection
from wagtail.models import Page, PageViewRestriction


def url_path_chain(url_path: str) -> list[str]:
    """The url_paths of a page and all its ancestors, Wagtail's root ("/") included: "/a/b/" → /, /a/, /a/b/."""
    parts = [part for part in url_path.split("/") if part]
    return ["/", *("/" + "".join(f"{part}/" for part in parts[:end]) for end in range(1, len(parts) + 1))]


@lru_cache(maxsize=8)
def _sql(model, chain_length: int, with_lesson_extras: bool) -> str:
    qn = connection.ops.quote_name
    page_table = Page._meta.db_table
    own_table = model._meta.db_table
    restriction_table = PageViewRestriction._meta.db_table
    aliases = {page_table: "p", own_table: "s"}
    columns = [
        f"{aliases[field.model._meta.db_table]}.{qn(field.column)}"
        for field in model._meta.concrete_fields
        if field.name != "search_text"  # jieba words for the search index; never shown
    ]
    # Only identifiers from the models' metadata are written into the SQL; every value is a parameter. bandit
    # (B608) sees an f-string holding SQL, not where its pieces come from, hence the exemptions below.
    chain = ", ".join(["%s"] * chain_length)
    on_chain = (
        f"SELECT 1 FROM {qn(restriction_table)} r INNER JOIN {qn(page_table)} rp ON rp.{qn('id')} = r.{qn('page_id')} "
        f"WHERE rp.{qn('url_path')} IN ({chain})"  # nosec B608  # model identifiers only
    )
    alias_on_chain = (
        f"SELECT 1 FROM {qn(page_table)} c WHERE c.{qn('url_path')} IN ({chain}) "
        f"AND c.{qn('alias_of_id')} IS NOT NULL"  # nosec B608  # model identifiers only
    )
    any_restriction = f"SELECT 1 FROM {qn(restriction_table)}"  # nosec B608  # model identifiers only
    extras = [
        f"(EXISTS ({on_chain}) OR (EXISTS ({alias_on_chain}) AND EXISTS ({any_restriction}))) "
        f"AS {qn('_restriction_possible')}"
    ]
    joins = ""
    if with_lesson_extras:
        quiz_table = model._meta.get_field("quiz").related_model._meta.db_table
        module = f"FROM {qn(page_table)} m WHERE m.{qn('url_path')} = %s"
        extras += [
            f"(SELECT m.{qn('title')} {module}) AS {qn('_module_title')}",
            f"(SELECT m.{qn('id')} {module}) AS {qn('_module_pk')}",
            f"q.{qn('title')} AS {qn('_quiz_title')}",
        ]
        joins = f" LEFT OUTER JOIN {qn(quiz_table)} q ON q.{qn('id')} = s.{qn('quiz_id')}"
    parent_link = model._meta.pk.column
    return (
        f"SELECT {', '.join(columns + extras)} FROM {qn(page_table)} p INNER JOIN {qn(own_table)} s "
        f"ON s.{qn(parent_link)} = p.{qn('id')}{joins} "
        f"WHERE p.{qn('url_path')} = %s AND p.{qn('depth')} = %s AND p.{qn('path')} LIKE %s "
        f"ORDER BY p.{qn('path')}"  # nosec B608  # model identifiers only
    )


def find_descendant(index, path_components: list[str]):
    """The module (one component) or lesson (two) under `index`, live or not (`Page.route` answers 404), or None."""
    from .lesson import LessonPage
    from .module import ModulePage

    if not 1 <= len(path_components) <= 2:
        return None
    url_path = index.url_path + "".join(f"{component}/" for component in path_components)
    chain = url_path_chain(url_path)
    is_lesson = len(path_components) == 2
    model = LessonPage if is_lesson else ModulePage
    params = [*chain, *chain]
    if is_lesson:
        module_url_path = index.url_path + f"{path_components[0]}/"
        params += [module_url_path, module_url_path]
    # Treebeard paths are alphanumeric, so the prefix needs no LIKE escaping.
    params += [url_path, index.depth + len(path_components), f"{index.path}%"]
    found = list(model.objects.raw(_sql(model, len(chain), is_lesson), params))
    return found[0] if found else None
