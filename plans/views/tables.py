"""Turning rows into table cells and sort links (shared by the dashboard and the school page)."""

from urllib.parse import urlencode

from django.utils.translation import gettext as _

from ..dashboard import SCHOOL_COLUMNS, Row


def display(value, percent: bool) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not percent:
        return str(value)
    return f"{value:.1f}%" if percent else f"{value:.1f}"


def cells(row: Row, columns=SCHOOL_COLUMNS) -> list[dict]:
    out = []
    for column in columns:
        value = row.value(column.key)
        out.append(
            {
                "key": column.key,
                "text": display(value, column.percent),
                "numeric": column.numeric,
                "bar": max(0.0, min(100.0, value)) if column.percent and isinstance(value, float) else None,
            }
        )
    return out


def sort_headers(query: dict, sort: str, descending: bool, columns=SCHOOL_COLUMNS) -> list[dict]:
    headers = []
    for column in columns:
        active = column.key == sort
        # Numbers sort from the highest first on the first click; names from A.
        next_desc = (not descending) if active else column.numeric
        params = {**{k: v for k, v in query.items() if v not in ("", None)}, "sort": column.key}
        params["dir"] = "desc" if next_desc else "asc"
        headers.append(
            {
                "key": column.key,
                "label": column.label,
                "numeric": column.numeric,
                "href": "?" + urlencode(params),
                "aria_sort": ("descending" if descending else "ascending") if active else "none",
                "hint": _("sort from highest") if next_desc else _("sort from lowest"),
            }
        )
    return headers


def ranking_headers(query: dict, sort: str, descending: bool, columns) -> list[dict]:
    """The headers of a 通报 ranking (a district's schools, a region's units): as sort_headers, except that rank 1
    is the best, so the first click on 排名 lists from the top of the ranking."""
    headers = sort_headers(query, sort, descending, columns)
    for header in headers:
        if header["key"] == "rank" and sort != "rank":
            header["href"] = header["href"].replace("dir=desc", "dir=asc")
            header["hint"] = _("sort from rank 1")
    return headers
