"""One page of a long list for the screens that show one (the audit log, the dashboard, the 通报 table);
`site/templates/includes/pager.html` draws its links."""

from django.core.paginator import Page, Paginator


def paginate(request, items, per_page: int) -> tuple[Page, str]:
    """One page of `items` (a queryset or an already sorted list), and the query string (filters and sort kept)
    its links extend."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
