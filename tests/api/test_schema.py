"""The OpenAPI schema, its committed copy, and the offline documentation pages."""

import json
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from openapi_spec_validator import validate

COMMITTED = Path(settings.BASE_DIR) / "openapi.yaml"
REGENERATE = (
    "DEBUG=1 .venv/bin/python manage.py spectacular --file openapi.yaml --validate --fail-on-warn"
)
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_schema_endpoint_serves_a_valid_openapi_3_document(reader_client):
    response = reader_client.get("/api/schema/", {"format": "json"})

    document = json.loads(response.content)
    assert response.status_code == 200
    assert document["openapi"].startswith("3.")
    validate(document)


def test_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"

    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")

    assert COMMITTED.exists(), f"openapi.yaml is missing; write it with: {REGENERATE}"
    assert generated.read_text() == COMMITTED.read_text(), (
        f"openapi.yaml is out of date with the API code; regenerate it with: {REGENERATE}"
    )


def test_committed_schema_is_valid_openapi():
    validate(yaml.safe_load(COMMITTED.read_text()))


def test_schema_covers_every_api_route(schema):
    paths = set(schema["paths"])

    assert {
        "/api/outlets/",
        "/api/outlets/{id}/",
        "/api/articles/",
        "/api/articles/{id}/",
        "/api/articles/{id}/attributions/",
        "/api/sources/",
        "/api/sources/{id}/",
        "/api/sources/{id}/statements/",
        "/api/metadata-spans/",
        "/api/metadata-spans/{id}/",
        "/api/claims/",
        "/api/claims/{id}/",
        "/api/claims/{id}/attributions/",
        "/api/attributions/",
        "/api/attributions/{id}/",
        "/api/claim-relations/",
        "/api/claim-relations/{id}/",
        "/api/reviews/",
        "/api/reviews/{id}/",
    } <= paths


def test_every_operation_documents_authentication_errors(schema):
    for path, method, operation in operations(schema):
        assert {"401", "403"} <= set(operation["responses"]), (method, path)


def test_writes_document_validation_and_precondition_errors(schema):
    for path, method, operation in operations(schema):
        responses = set(operation["responses"])
        if method in ("post", "put", "patch"):
            assert "400" in responses, (method, path)
        if method in ("put", "patch", "delete"):
            assert {"404", "412"} <= responses, (method, path)
            names = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            assert "If-Match" in names, (method, path)
        if method == "delete":
            assert "409" in responses, (method, path)


def test_detail_reads_document_etag_and_304(schema):
    for path, item in schema["paths"].items():
        if re.fullmatch(r"/api/[a-z-]+/\{id\}/", path):
            responses = item["get"]["responses"]
            assert "304" in responses, path
            assert "ETag" in responses["200"]["headers"], path


def test_error_bodies_have_a_schema(schema):
    components = schema["components"]["schemas"]

    assert components["ErrorDetail"]["required"] == ["detail"]
    assert "additionalProperties" in components["ValidationErrors"]


def test_list_operations_document_page_size_up_to_200(schema):
    for path, _method, operation in operations(schema):
        parameters = {p["name"]: p for p in operation.get("parameters", ())}
        if "cursor" in parameters:
            assert parameters["page_size"]["schema"]["maximum"] == 200, path
            assert parameters["page_size"]["schema"]["minimum"] == 1, path


def test_ordering_lists_its_fields(schema):
    ordering = next(
        p for p in schema["paths"]["/api/outlets/"]["get"]["parameters"] if p["name"] == "ordering"
    )

    assert set(ordering["schema"]["items"]["enum"]) == {"name", "-name", "id", "-id"}


def test_requests_are_json_only(schema):
    for path, _method, operation in operations(schema):
        if "requestBody" in operation:
            assert set(operation["requestBody"]["content"]) == {"application/json"}, path


# --- documentation pages ----------------------------------------------------------------

URL_ATTRIBUTE = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']""")
ABSOLUTE = re.compile(r"""\b(?:https?:)?//[^\s"'<>)]+""")


def local_static_paths(html: str) -> list[str]:
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    urls = URL_ATTRIBUTE.findall(html)
    return [url.removeprefix(prefix) for url in urls if url.startswith(prefix)]


@pytest.mark.parametrize(
    "path",
    [
        "/api/docs/",
        "/api/redoc/",
    ],
)
def test_docs_page_refers_to_no_other_host(reader_client, path):
    response = reader_client.get(path)

    html = response.content.decode()
    assert response.status_code == 200
    assert ABSOLUTE.findall(html) == []


@pytest.mark.parametrize(
    ("path", "bundle"),
    [
        ("/api/docs/", "swagger-ui-bundle.js"),
        ("/api/redoc/", "redoc.standalone.js"),
    ],
)
def test_docs_page_assets_are_local_static_files(reader_client, path, bundle):
    html = reader_client.get(path).content.decode()

    assets = local_static_paths(html)

    assert any(asset.endswith(bundle) for asset in assets)
    for asset in assets:
        assert finders.find(asset) is not None, asset


def test_swagger_ui_does_not_call_the_online_validator(reader_client):
    # The page loads its start-up script from a URL (no inline script: see the CSP).
    html = reader_client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)
    script = reader_client.get(script_url.replace("&amp;", "&")).content.decode()

    settings_json = re.search(r"const swaggerSettings = (\{.*?\});", script, re.S).group(1)
    assert "validatorUrl" in json.loads(settings_json)
    assert json.loads(settings_json)["validatorUrl"] is None


def test_docs_point_at_the_schema(reader_client):
    html = reader_client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)
    assert "/api/schema/" in reader_client.get(script_url.replace("&amp;", "&")).content.decode()
    assert "/api/schema/" in reader_client.get("/api/redoc/").content.decode()


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/redoc/"])
def test_schema_and_docs_need_a_login_unless_public_reading(client, settings, path):
    assert client.get(path).status_code in (401, 403)
    settings.TRACKER_PUBLIC_READING = True
    assert client.get(path).status_code == 200


def test_every_id_in_a_path_or_a_request_body_is_a_whole_number_from_1(schema):
    for path, method, operation in operations(schema):
        for parameter in operation.get("parameters", ()):
            if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                assert parameter["schema"]["minimum"] == 1, (path, method, parameter["name"])
    attribution = schema["components"]["schemas"]["AttributionRequest"]["properties"]
    for field in ("article", "source", "claim"):
        assert attribution[field]["minimum"] == 1


def test_request_text_holds_no_nul_and_required_text_is_not_blank(schema):
    claim = schema["components"]["schemas"]["ClaimRequest"]["properties"]["text"]
    pattern = re.compile(claim["pattern"])
    assert pattern.match("An invented claim.")
    for refused in ("", "   ", "\u3000\t", "An invented\x00claim"):
        assert not pattern.match(refused), repr(refused)


def test_if_match_states_its_syntax(schema):
    parameter = next(
        p
        for p in schema["paths"]["/api/claims/{id}/"]["patch"]["parameters"]
        if p["name"] == "If-Match"
    )
    pattern = re.compile(parameter["schema"]["pattern"])
    for accepted in ('"abc"', 'W/"abc"', '"a", W/"b"', "*"):
        assert pattern.match(accepted), accepted
    for refused in ("", "abc", '"a"b"', "{}"):
        assert not pattern.match(refused), refused


def test_a_created_resource_links_to_what_can_be_done_with_it(schema):
    links = schema["paths"]["/api/claims/"]["post"]["responses"]["201"]["links"]
    assert links["claims_retrieve"]["parameters"] == {"id": "$response.body#/id"}
    assert links["claims_partial_update"]["parameters"] == {
        "id": "$response.body#/id",
        "header.If-Match": "$response.header.ETag",
    }
    assert set(links) >= {"claims_update", "claims_destroy", "claims_check_retrieve"}


def test_schemathesis_settings_run_every_phase():
    import tomllib

    settings_file = tomllib.loads((COMMITTED.parent / "schemathesis.toml").read_text())
    assert all(
        settings_file["phases"][phase]["enabled"]
        for phase in ("examples", "coverage", "fuzzing", "stateful")
    )
