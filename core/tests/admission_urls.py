"""Views for the admission-control tests: each holds its slot until the test lets it go."""

import io
import threading

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import path

from core.admission import CRITICAL, EXEMPT, admission

entered = threading.Semaphore(0)  # released once per request that got into a view
release = threading.Event()  # set by the test to let every held view finish


def _hold():
    entered.release()
    release.wait(10)


def page(request):
    _hold()
    return HttpResponse("page")


@admission(CRITICAL)
def answer(request):
    _hold()
    return HttpResponse("saved")


@admission(EXEMPT)
def health(request):
    return HttpResponse("ok")


def quick(request):
    return HttpResponse("quick")


def stream(request):
    def body():
        yield b"a"
        _hold()
        yield b"b"

    return StreamingHttpResponse(body())


def download(request):
    return FileResponse(io.BytesIO(b"a file"), content_type="application/octet-stream")


urlpatterns = [
    path("download/", download),
    path("page/", page),
    path("answer/", answer),
    path("health/", health),
    path("quick/", quick),
    path("stream/", stream),
]
