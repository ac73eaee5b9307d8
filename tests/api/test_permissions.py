"""The permission matrix: every API endpoint x role x method.

The endpoints come from the router's registry and the API URLconf, so registering a new
endpoint without describing it here fails ``test_the_matrix_covers_every_api_route``. Writes
use valid payloads: a permitted write must really succeed (2xx, and the change is stored),
a forbidden one is a 401/403 and changes nothing in the database. All data is invented.
"""

import pytest
from django.urls import URLPattern

from articles.models import Outlet
from tests.api.conftest import database_snapshot, token_client
from tests.api.resources import (
    METHODS,
    QUERY_ROUTES,
    READ_ONLY_ROUTES,
    RESOURCES,
    WRITE_ROUTES,
    Resource,
)
from tracker import api_router

ROLES = ("anonymous", "anonymous_public_reading", "reader", "factchecker", "editor")
HTTP = {
    "list": "get",
    "retrieve": "get",
    "create": "post",
    "update": "put",
    "partial_update": "patch",
    "destroy": "delete",
}


# Routes that are not resources: the API root and the JSON 404 for unknown paths.
NOT_RESOURCES = {"api-root", "not-found"}


def registered_prefixes() -> list[str]:
    return [prefix for prefix, _viewset, _basename in api_router.router.registry]


def api_route_names() -> set[str]:
    return {p.name for p in api_router.urlpatterns if isinstance(p, URLPattern)}


def matrix_route_names() -> set[str]:
    names = set(READ_ONLY_ROUTES) | set(QUERY_ROUTES) | set(WRITE_ROUTES)
    for prefix, viewset, basename in api_router.router.registry:
        # The cross-check viewsets add actions only: no list or detail routes of their own.
        if hasattr(viewset, "list"):
            names |= {f"{basename}-list"}
        if hasattr(viewset, "retrieve"):
            names |= {f"{basename}-detail"}
        names |= {f"{basename}-{action.url_name}" for action in viewset.get_extra_actions()}
        assert prefix in RESOURCES, f"describe the new endpoint /api/{prefix}/ in RESOURCES"
    return names


def test_the_matrix_covers_every_api_route():
    assert set(RESOURCES) == set(registered_prefixes())
    assert matrix_route_names() == api_route_names() - NOT_RESOURCES


def test_the_matrix_covers_every_extra_action():
    extra = {
        f"{basename}-{action.url_name}"
        for _prefix, viewset, basename in api_router.router.registry
        for action in viewset.get_extra_actions()
    }
    assert extra <= set(READ_ONLY_ROUTES)


def client_for(role: str, request, settings):
    if role == "anonymous_public_reading":
        settings.TRACKER_PUBLIC_READING = True
    else:
        settings.TRACKER_PUBLIC_READING = False
    if role.startswith("anonymous"):
        return token_client(None)
    return token_client(request.getfixturevalue(role))


def expected_status(role: str, method: str, resource: Resource) -> int:
    if method in ("list", "retrieve"):
        allowed = role != "anonymous"
    elif role.startswith("anonymous"):
        allowed = False
    else:
        allowed = role == "editor" or (
            role == "factchecker" and method in resource.factchecker_writes
        )
    if not allowed:
        return 401 if role.startswith("anonymous") else 403
    if method not in resource.methods:
        return 405
    return {"create": 201, "destroy": 204}.get(method, 200)


def assert_stored(fetched: dict, payload: dict) -> None:
    for key, value in payload.items():
        if key in ("start", "end") and value is None:
            continue  # located from the text
        assert fetched[key] == value, key


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix", registered_prefixes())
def test_role_may_or_may_not_use_endpoint(prefix, role, method, world, request, settings):
    resource = RESOURCES[prefix]
    row = resource.make(world)
    api = client_for(role, request, settings)
    editor_api = token_client(request.getfixturevalue("editor"))
    list_url = f"/api/{prefix}/"
    detail_url = f"{list_url}{row.pk}/"
    make_payload = getattr(resource, method, None)
    payload = make_payload(world) if callable(make_payload) else None
    url = list_url if method in ("list", "create") else detail_url
    expected = expected_status(role, method, resource)
    before = database_snapshot()

    response = getattr(api, HTTP[method])(url, payload, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert database_snapshot() == before
        return
    model = resource.model
    if method == "list":
        assert row.pk in [item["id"] for item in response.json()["results"]]
    elif method == "retrieve":
        assert response.json()["id"] == row.pk
    elif method == "create":
        assert model.objects.count() == len(before[model._meta.label]) + 1
        assert_stored(editor_api.get(f"{list_url}{response.json()['id']}/").json(), payload)
    elif method in ("update", "partial_update"):
        assert_stored(editor_api.get(detail_url).json(), payload)
    elif method == "destroy":
        assert not model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(READ_ONLY_ROUTES))
def test_role_may_or_may_not_use_read_only_route(name, role, method, world, request, settings):
    api = client_for(role, request, settings)
    url = READ_ONLY_ROUTES[name](world)
    before = database_snapshot()

    response = getattr(api, method)(url, {}, format="json")

    if method == "get":
        assert response.status_code == (401 if role == "anonymous" else 200)
        return
    if role.startswith("anonymous"):
        assert response.status_code == 401
    elif role == "editor":
        assert response.status_code == 405
    else:
        assert response.status_code == 403
    assert database_snapshot() == before


def test_unauthenticated_request_gets_a_token_challenge(anon_api):
    response = anon_api.get("/api/articles/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_invalid_token_is_refused_with_401(db):
    api = token_client(None)
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get("/api/articles/").status_code == 401


def test_session_login_reads_and_writes_by_role(editor_client, world):
    listed = editor_client.get("/api/outlets/")
    created = editor_client.post(
        "/api/outlets/", {"name": "Invented Session Gazette"}, content_type="application/json"
    )

    assert listed.status_code == 200
    assert created.status_code == 201
    assert Outlet.objects.filter(name="Invented Session Gazette").exists()


def test_session_reader_is_refused_writes(reader_client, world):
    response = reader_client.post(
        "/api/outlets/", {"name": "Invented Session Gazette"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert not Outlet.objects.filter(name="Invented Session Gazette").exists()


def test_session_writes_need_the_csrf_token(editor, world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = client.post(
        "/api/outlets/", {"name": "Invented Forged Gazette"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert not Outlet.objects.filter(name="Invented Forged Gazette").exists()


def test_public_reading_lets_anonymous_read_but_never_write(anon_api, world, settings):
    settings.TRACKER_PUBLIC_READING = True

    read = anon_api.get(f"/api/sources/{world.person.pk}/")
    write = anon_api.patch(f"/api/sources/{world.person.pk}/", {"role": "x"}, format="json")

    assert read.status_code == 200
    assert write.status_code == 401
    world.person.refresh_from_db()
    assert world.person.role == "mayor"


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(QUERY_ROUTES))
def test_role_may_or_may_not_use_query_route(name, role, method, world, request, settings):
    api = client_for(role, request, settings)
    url, payload = QUERY_ROUTES[name](world)
    before = database_snapshot()

    response = getattr(api, method)(url, payload, format="json")

    if role == "anonymous_public_reading" and method == "get":
        assert response.status_code == 405  # may read, but the question is asked by POST
    elif role.startswith("anonymous"):
        assert response.status_code == 401
    elif method == "post":
        assert response.status_code == 200, response.content
    else:
        assert response.status_code == 405
    assert database_snapshot() == before


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(WRITE_ROUTES))
def test_role_may_or_may_not_use_write_route(name, role, method, world, request, settings):
    api = client_for(role, request, settings)
    url, payload, success = WRITE_ROUTES[name](world)
    before = database_snapshot()

    response = getattr(api, method)(url, payload, format="json")

    if role == "anonymous_public_reading" and method == "get":
        expected = 405  # may read, but these routes only take POST
    elif role.startswith("anonymous"):
        expected = 401
    elif role != "editor":
        expected = 403
    else:
        expected = success if method == "post" else 405
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert database_snapshot() == before
    else:
        assert database_snapshot() != before
