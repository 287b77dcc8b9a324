"""Counts the SQL queries of each request and reports them in the ``X-Bench-Queries`` header, and
marks admission control's refusals with ``X-Bench-Shed: 1`` (a 503 of the bare view is a page, not
the API's JSON with its ``code``): the bench tells a shed request from the database's 503."""

from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse


class QueryCountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        if getattr(request, "yiwang_shed", False):
            response["X-Bench-Shed"] = "1"
        return response
