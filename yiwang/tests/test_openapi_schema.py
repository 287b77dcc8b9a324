"""The contract's schema names: every schema class reachable from the API's routers has its own
name in ``/api/v1/openapi.json``.

Django Ninja names a component after the pydantic class's ``__name__``; two classes with the same
name (``StepOut`` in the catalogue and in cases, once) silently share one component, the last one
generated wins, and a client generated from the document reads one app's data with the other
app's model. This test walks the routers themselves, not the document, so a rename that brings
a clash back fails here, whichever app it is in.
"""

from __future__ import annotations

import typing
from collections import defaultdict

from pydantic import BaseModel

from yiwang.api import api


def _models_in(annotation: object) -> typing.Iterator[type[BaseModel]]:
    """Every pydantic model an annotation names: ``list[X]``, ``X | None``, ``Annotated[X, ...]``..."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def reachable_schema_classes() -> set[type[BaseModel]]:
    """Every model reachable from an operation's parameters or responses, Yiwang's own classes
    only (Ninja wraps each response and parameter group in a model of its own, never a component)."""
    seen: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = []
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                if not operation.include_in_schema:
                    continue
                todo.extend(operation.models)
                todo.extend(m for m in operation.response_models.values() if isinstance(m, type))
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            todo.extend(_models_in(field.annotation))
    # Ours: defined in Yiwang, or made by Ninja from one of ours (a page of rows, ``Paged<Row>``).
    return {m for m in seen if any(c.__module__.startswith("yiwang.") for c in m.__mro__ if c is not BaseModel)}


def test_every_schema_class_has_a_name_of_its_own():
    # given every schema class the routers reach
    by_name: dict[str, set[str]] = defaultdict(set)
    for model in reachable_schema_classes():
        by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    # then no two share a name
    clashes = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert not clashes, f"schema names used by more than one class: {clashes}"


def test_the_documents_components_are_exactly_those_classes(client):
    # given the served contract
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    classes = {m.__name__: m for m in reachable_schema_classes()}
    # then its components map one-to-one onto the classes ...
    assert set(components) == set(classes)
    # ... and each component describes its own class, not a namesake's
    for name, model in classes.items():
        assert set(components[name].get("properties", {})) == set(model.model_json_schema()["properties"]), name


def test_the_walk_sees_nested_and_wrapped_classes():
    # The walk is what guards the names: it must reach classes nested in lists, optionals and
    # parameter groups, or a clash among them would pass unseen.
    names = {m.__name__ for m in reachable_schema_classes()}
    assert {"ItemFilters", "ApplicantIn", "TimelineOut", "PushErrorOut", "EntryOut", "PagedCaseSummary"} <= names


def test_every_operation_declares_its_errors_in_the_one_error_shape(client):
    # A generated client reads only what is declared: an undeclared 4xx reaches its caller as an
    # "unexpected status" with no body. Every operation may answer 400 (a body that cannot be
    # parsed) and 422 (a broken rule); one that needs a token also 401 and 403.
    document = client.get("/api/v1/openapi.json").json()
    missing = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            needed = {"400", "422"} | ({"401", "403"} if operation.get("security") else set())
            responses = operation["responses"]
            for status in needed - set(responses):
                missing.append(f"{method.upper()} {path}: {status} not declared")
            for status, response in responses.items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"].get("$ref")
                    if ref != "#/components/schemas/ErrorOut":
                        missing.append(f"{method.upper()} {path}: {status} is not ErrorOut")
    assert not missing, "\n".join(missing)
