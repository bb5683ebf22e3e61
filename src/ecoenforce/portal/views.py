from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The public portal: open to everyone, no login."""
    return render(request, "portal/home.html")
