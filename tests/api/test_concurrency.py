"""ETags and optimistic concurrency: conditional reads (304), conditional writes (412), and
two edits that never silently overwrite each other. All data is invented."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from access.roles import EDITORS
from claims.models import Claim
from claims.serializers import ClaimSerializer
from tests.api.conftest import database_snapshot, token_client
from tests.api.resources import RESOURCES
from tests.factories import AttributionFactory, ClaimFactory, SourceFactory, UserFactory


def offering(*methods: str) -> list[str]:
    return [prefix for prefix, r in sorted(RESOURCES.items()) if set(methods) <= r.methods]


READABLE = offering("retrieve")
CHANGEABLE = offering("retrieve", "update", "partial_update")
CREATABLE = offering("retrieve", "create")
DELETABLE = offering("retrieve", "partial_update", "destroy")


def detail_url(prefix: str, row) -> str:
    return f"/api/{prefix}/{row.pk}/"


@pytest.mark.parametrize("prefix", READABLE)
def test_detail_response_carries_a_strong_etag(editor_api, world, prefix):
    row = RESOURCES[prefix].make(world)

    response = editor_api.get(detail_url(prefix, row))

    etag = response.headers["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert len(etag) > 10


@pytest.mark.parametrize("prefix", READABLE)
def test_if_none_match_with_the_current_etag_gives_304(editor_api, world, prefix):
    url = detail_url(prefix, RESOURCES[prefix].make(world))
    etag = editor_api.get(url).headers["ETag"]

    response = editor_api.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["ETag"] == etag


def test_if_none_match_accepts_weak_and_listed_etags(editor_api, world):
    url = f"/api/claims/{world.claim.pk}/"
    etag = editor_api.get(url).headers["ETag"]

    weak = editor_api.get(url, HTTP_IF_NONE_MATCH=f"W/{etag}")
    listed = editor_api.get(url, HTTP_IF_NONE_MATCH=f'"0123", {etag}')

    assert weak.status_code == 304
    assert listed.status_code == 304


def test_if_none_match_with_an_old_etag_gives_the_new_representation(editor_api, world):
    url = f"/api/claims/{world.claim.pk}/"
    old = editor_api.get(url).headers["ETag"]
    editor_api.patch(url, {"notes": "changed"}, format="json")

    response = editor_api.get(url, HTTP_IF_NONE_MATCH=old)

    assert response.status_code == 200
    assert response.json()["notes"] == "changed"
    assert response.headers["ETag"] != old


def test_etag_changes_when_what_the_resource_shows_changes(editor_api, world):
    url = f"/api/attributions/{world.attribution.pk}/"
    before = editor_api.get(url).headers["ETag"]

    editor_api.patch(
        f"/api/sources/{world.person.pk}/", {"name": "Ilse Varnok-Brand"}, format="json"
    )

    assert editor_api.get(url).headers["ETag"] != before


@pytest.mark.parametrize("method", ["update", "partial_update"])
@pytest.mark.parametrize("prefix", CHANGEABLE)
def test_write_with_a_stale_if_match_is_412_and_changes_nothing(editor_api, world, prefix, method):
    resource = RESOURCES[prefix]
    url = detail_url(prefix, resource.make(world))
    stale = editor_api.get(url).headers["ETag"]
    assert editor_api.patch(url, resource.partial_update(world), format="json").status_code == 200
    before = database_snapshot()
    payload = getattr(resource, method)(world)

    response = getattr(editor_api, "put" if method == "update" else "patch")(
        url, payload, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert database_snapshot() == before


@pytest.mark.parametrize("prefix", DELETABLE)
def test_delete_with_a_stale_if_match_is_412_and_deletes_nothing(editor_api, world, prefix):
    resource = RESOURCES[prefix]
    row = resource.make(world)
    url = detail_url(prefix, row)
    stale = editor_api.get(url).headers["ETag"]
    editor_api.patch(url, resource.partial_update(world), format="json")

    response = editor_api.delete(url, HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert resource.model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("prefix", CHANGEABLE)
def test_write_with_the_current_etag_succeeds_and_returns_the_next_etag(editor_api, world, prefix):
    """The ETag an update answers with is the one a GET gives afterwards, so a client can
    chain edits without reading again."""
    resource = RESOURCES[prefix]
    url = detail_url(prefix, resource.make(world))
    etag = editor_api.get(url).headers["ETag"]

    first = editor_api.put(url, resource.update(world), format="json", HTTP_IF_MATCH=etag)
    after = editor_api.get(url)
    second = editor_api.patch(
        url, resource.partial_update(world), format="json", HTTP_IF_MATCH=first.headers["ETag"]
    )

    assert first.status_code == 200, first.content
    assert first.headers["ETag"] == after.headers["ETag"]
    assert first.json() == after.json()
    assert second.status_code == 200, second.content


@pytest.mark.parametrize("prefix", CREATABLE)
def test_created_resource_comes_with_the_etag_a_get_gives(editor_api, world, prefix):
    created = editor_api.post(f"/api/{prefix}/", RESOURCES[prefix].create(world), format="json")

    fetched = editor_api.get(f"/api/{prefix}/{created.json()['id']}/")

    assert created.status_code == 201
    assert created.headers["ETag"] == fetched.headers["ETag"]
    assert created.json() == fetched.json()


def test_if_match_star_allows_the_write(editor_api, world):
    url = f"/api/claims/{world.claim.pk}/"

    response = editor_api.patch(url, {"notes": "any version"}, format="json", HTTP_IF_MATCH="*")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("prefix", "field", "first", "second"),
    [
        ("claims", "text", "The invented bridge reopens in May.", "It reopens in July."),
        ("sources", "aliases", ["Varnok"], ["Mayor Varnok"]),
        ("outlets", "name", "Invented Courier A", "Invented Courier B"),
        ("attributions", "cue", "stated", "claimed"),
    ],
)
def test_two_edits_from_the_same_read_never_overwrite_each_other(
    editor_api, world, prefix, field, first, second
):
    row = {
        "claims": world.claim,
        "sources": world.person,
        "outlets": world.outlet,
        "attributions": world.attribution,
    }[prefix]
    url = detail_url(prefix, row)
    etag = editor_api.get(url).headers["ETag"]

    edit_a = editor_api.patch(url, {field: first}, format="json", HTTP_IF_MATCH=etag)
    edit_b = editor_api.patch(url, {field: second}, format="json", HTTP_IF_MATCH=etag)

    assert edit_a.status_code == 200
    assert edit_b.status_code == 412
    assert editor_api.get(url).json()[field] == first


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent transactions; SQLite's in-memory test database has one writer",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_edits_with_the_same_etag_let_exactly_one_through(monkeypatch):
    """Two requests race with the same ETag. Without the row lock both would pass the
    If-Match check before either writes, and the second would silently win."""
    editor = UserFactory(username="editor", roles=[EDITORS])
    claim = ClaimFactory(text="The invented bridge reopens in June.")
    url = f"/api/claims/{claim.pk}/"
    etag = token_client(editor).get(url).headers["ETag"]
    original = ClaimSerializer.update_service

    def slow_update(instance, user, **data):
        time.sleep(0.5)  # hold the row long enough for the other request to arrive
        return original(instance, user=user, **data)

    monkeypatch.setattr(ClaimSerializer, "update_service", staticmethod(slow_update))
    start = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def edit(text: str) -> None:
        try:
            api = token_client(editor)
            start.wait()
            response = api.patch(url, {"text": text}, format="json", HTTP_IF_MATCH=etag)
            statuses[text] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(text,)) for text in ("May", "July")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses.values()) == [200, 412]
    winner = next(text for text, status in statuses.items() if status == 200)
    assert Claim.objects.get(pk=claim.pk).text == winner


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prefix", ["claims", "sources", "attributions"])
def test_options_and_browsable_detail_work_outside_a_transaction(prefix):
    """Both look the object up "as PUT" without a transaction; the row lock a PUT takes
    must not leak into them (PostgreSQL refuses FOR UPDATE in autocommit)."""
    editor = UserFactory(username="editor", roles=[EDITORS])
    api = token_client(editor)
    row = {
        "claims": ClaimFactory,
        "sources": SourceFactory,
        "attributions": AttributionFactory,
    }[prefix]()
    url = f"/api/{prefix}/{row.pk}/"

    options = api.options(url)
    html = api.get(url, HTTP_ACCEPT="text/html")

    assert options.status_code == 200
    assert "PUT" in options.json()["actions"]
    assert html.status_code == 200


def test_a_change_without_if_match_is_428_and_changes_nothing(editor, world):
    api = APIClient()
    api.force_authenticate(editor)
    url = f"/api/claims/{world.claim.pk}/"
    before = api.get(url).json()
    for method in ("patch", "put", "delete"):
        response = getattr(api, method)(url, {"text": "Invented: changed."}, format="json")
        assert response.status_code == 428, (method, response.content)
        assert "If-Match" in response.json()["detail"]
    assert api.get(url).json() == before


def test_if_match_is_checked_first_then_the_body_then_the_version(editor, world):
    api = APIClient()
    api.force_authenticate(editor)
    url = f"/api/claims/{world.claim.pk}/"
    assert api.patch(url, {"text": ""}, format="json").status_code == 428
    malformed = api.patch(url, {"text": "A claim"}, format="json", HTTP_IF_MATCH="stale")
    assert malformed.status_code == 400
    assert "If-Match" in malformed.json()
    stale = api.patch(url, {"text": ""}, format="json", HTTP_IF_MATCH='"stale"')
    assert stale.status_code == 400
    assert "text" in stale.json()
    assert (
        api.patch(url, {"text": "A claim"}, format="json", HTTP_IF_MATCH='"stale"').status_code
        == 412
    )
