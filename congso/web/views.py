from django.http import HttpRequest, HttpResponse


def public_home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("congso")
