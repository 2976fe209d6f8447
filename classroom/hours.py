"""Class hours delivered: the one sum of class-hour logs (课时).

plans.metrics computes the bureau's hour figures with `delivered_sum` (per class and term, on both sides of the
integrity rule), and the teacher's class-hour log totals its rows with `delivered`, so the screen and the figure
add the same thing. It lives in classroom because classroom may not import plans: plans reads it from here.
"""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from .integrity.flags import uncounted_ids
from .models import ClassHourLog


def flagged_logs() -> Q:
    """Logs carrying an open or confirmed integrity flag (not delivered unless a plan counts them)."""
    return Q(pk__in=uncounted_ids(ClassHourLog))


def delivered_sum(count_flagged: bool) -> Sum:
    """The aggregate of class hours delivered: every log's hours, flagged logs left out unless counted."""
    return Sum("class_hours") if count_flagged else Sum("class_hours", filter=~flagged_logs())


def delivered(logs: QuerySet, count_flagged: bool = True) -> Decimal:
    """Class hours delivered by `logs` (0 when there are none)."""
    return logs.aggregate(hours=delivered_sum(count_flagged))["hours"] or Decimal(0)
