"""The URLconf of the rsvp_burst benchmark's server: the site plus a hello-world view.

Named test_rsvp_* to sit with its benchmark; it holds no tests.
"""

from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench-hello/", hello), path("", include("alumni_network.urls"))]
