from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from challenges.selectors import challenge_list_published


def challenge_list(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/list.html", {"challenges": challenge_list_published()})
