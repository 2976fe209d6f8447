from people.grades import GRADE_BAND_CHOICES
from people.models import SchoolKind, SchoolYear

from ..dashboard import Filters
from ..models import Period
from ..planning import plan_for


def filters_for(request, district_id: int):
    """The filters of the request, defaulting to the current school year, and the plan covering it."""
    current = SchoolYear.current().start_year
    default_plan = plan_for(district_id, current)
    years = default_plan.start_years if default_plan else [current]
    filters = Filters.from_query(request.GET, current, sorted(set(years) | {current}))
    plan = (
        default_plan
        if default_plan and filters.start_year in default_plan.start_years
        else plan_for(district_id, filters.start_year)
    )
    return filters, plan, sorted(set(years) | {current})


def filter_context(filters, years) -> dict:
    return {
        "filters": filters,
        "year_choices": [(y, f"{y}–{y + 1}") for y in years],
        "period_choices": Period.choices,
        "band_choices": GRADE_BAND_CHOICES,
        "kind_choices": SchoolKind.choices,
    }
