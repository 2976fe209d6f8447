"""A region's (a city's, a province's) figures and the ranking of the units one level below it.

A city ranks its counties; a province ranks its cities and the counties it governs directly (省直管). Every line
is an exact sum of district counts (`metrics.district_figures`, `metrics.add_up_districts`) and the ranking is
the 通报's own (`report.rank_lines`). Which districts and regions the reader sees comes from people.scope only.
Queries are fixed, whatever the number of districts below the region.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from people.models import Region, RegionLevel
from people.scope import districts_of_region, regions_for

from . import metrics
from .dashboard import Filters, Row, weights_of
from .models import ClassFigures
from .planning import plans_for
from .report import rank_lines


@dataclass
class RegionTable:
    region: Region
    lines: list[Row]  # in rank order, each with extra["rank"] and extra["level"] ("city" or "county")
    total: Row
    weights: dict[str, float]
    weights_shared: bool
    formula: str  # metrics.region_formula: the composite, and how its districts' plans treat flagged records


def region_rows(district_ids, filters: Filters):
    """The roll-up rows of several districts for the filters' year and period (the 通报 takes every band)."""
    return ClassFigures.objects.filter(
        district_id__in=list(district_ids), school_year__start_year=filters.start_year, period=filters.period
    )


def region_table(user, region: Region, filters: Filters) -> RegionTable:
    districts = list(districts_of_region(user, region).order_by("code"))
    plans = plans_for([district.id for district in districts], filters.start_year)
    figures = metrics.district_figures(
        region_rows([district.id for district in districts], filters),
        {district_id: metrics.counts_flagged(plan) for district_id, plan in plans.items()},
    )
    suffix = urlencode({"year": filters.start_year, "period": filters.period})

    def county_line(district) -> Row:
        own = figures.get(district.id, metrics.Figures())
        return Row(
            key={"district_id": district.id},
            name=district.name,
            figures=own,
            composite=own.composite(weights_of(plans.get(district.id))),
            link=reverse("plans:dashboard") + f"?district={district.id}&{suffix}",
            extra={"level": "county"},
        )

    def summed_line(key, name, members, link="", level="") -> tuple[Row, dict, bool]:
        weights, shared = metrics.region_weights(plans.get(d.id) for d in members)
        summed = metrics.add_up_districts(figures.get(d.id, metrics.Figures()) for d in members)
        row = Row(key=key, name=name, figures=summed, composite=summed.composite(weights), link=link)
        row.extra["level"] = level
        return row, weights, shared

    lines = []
    if region.level == RegionLevel.PROVINCE:
        below: dict[int, list] = {}
        for district in districts:
            below.setdefault(district.region_id, []).append(district)
        for city in regions_for(user).filter(parent=region).order_by("code"):
            link = reverse("plans:region", args=[city.pk]) + "?" + suffix
            lines.append(summed_line({"region_id": city.pk}, city.name, below.get(city.pk, []), link, "city")[0])
        lines += [county_line(district) for district in below.get(region.pk, [])]
    else:
        lines = [county_line(district) for district in districts]
    total, weights, shared = summed_line({}, region.name, districts)
    formula = metrics.region_formula(weights, shared, [plans.get(district.id) for district in districts])
    return RegionTable(
        region=region, lines=rank_lines(lines), total=total, weights=weights, weights_shared=shared, formula=formula
    )
