"""Background work: refreshing the roll-up and writing XLSX exports of the 通报 table."""

from django_tasks import task

from people.models import District


@task()
def refresh_figures(district_id: int, start_year: int) -> int:
    from .rollup import refresh_district

    return refresh_district(District.objects.get(pk=district_id), start_year).rows


@task()
def write_table_export(export_id: int) -> str:
    from .exports import write_export

    return write_export(export_id)
