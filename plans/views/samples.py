from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import audit
from people.models import School, SchoolYear

from ..access import bureau_only
from ..forms import SampleForm
from ..models import Sample
from ..sampling import draw_sample, sample_size, school_archive


@bureau_only
def samples_view(request):
    district = request.district
    year = SchoolYear.current()
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sample = draw_sample(
            district,
            year,
            form.cleaned_data["percent"],
            form.cleaned_data["minimum"],
            request.user,
            form.cleaned_data["seed"],
        )
        audit.record(
            "plans.sample",
            request=request,
            target=str(sample),
            district_id=district.id,
            seed=sample.seed,
            schools=sample.school_ids,
        )
        messages.success(request, _("%(count)s schools drawn.") % {"count": len(sample.school_ids)})
        return redirect("plans:sample", pk=sample.pk)
    context = {
        "form": form,
        "district": district,
        "samples": Sample.objects.filter(district=district).select_related("school_year", "drawn_by")[:20],
        "school_count": School.objects.filter(district=district).count(),
    }
    return render(request, "plans/samples.html", context)


@bureau_only
def sample_view(request, pk: int):
    sample = get_object_or_404(
        Sample.objects.select_related("school_year", "drawn_by"), pk=pk, district=request.district
    )
    schools = School.objects.filter(id__in=sample.school_ids).order_by("code")
    context = {
        "sample": sample,
        "schools": schools,
        "size": sample_size(len(sample.population), sample.percent, sample.minimum),
    }
    return render(request, "plans/sample.html", context)


@bureau_only
def sample_archive(request, pk: int, school_id: int):
    sample = get_object_or_404(Sample.objects.select_related("school_year"), pk=pk, district=request.district)
    if school_id not in sample.school_ids:
        raise Http404
    school = get_object_or_404(School, pk=school_id, district=request.district)
    audit.record(
        "plans.sample_archive", request=request, target=school.name, district_id=school.district_id, sample=sample.pk
    )
    response = StreamingHttpResponse(school_archive(school, sample.school_year), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="evidence-{school.code}-{sample.school_year.start_year}.zip"'
    )
    return response
