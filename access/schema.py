"""The OpenAPI schema: drf-spectacular's, plus what every endpoint shares and the
serializers cannot say: error responses and the ETag headers of conditional requests."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.relations import PrimaryKeyRelatedField

from access.api import IF_MATCH_PATTERN
from access.filters import ID_SCHEMA

WRITE_METHODS = ("POST", "PUT", "PATCH")
CHANGE_METHODS = ("PUT", "PATCH", "DELETE")

_DETAIL = ResolvedComponent(
    name="ErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ErrorDetail",
    schema={
        "type": "object",
        "description": "What went wrong, in a sentence.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
)
_VALIDATION = ResolvedComponent(
    name="ValidationErrors",
    type=ResolvedComponent.SCHEMA,
    object="ValidationErrors",
    schema={
        "type": "object",
        "description": (
            "Messages keyed by the field or query parameter at fault (`non_field_errors` for "
            "the object as a whole), or a `detail` for a body that could not be parsed."
        ),
        "additionalProperties": {},
    },
)
NO_NUL_PATTERN = r"^[^\u0000]+$"
# The characters str.strip() trims, spelled out: "\s" differs between regex engines.
_SPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK_PATTERN = rf"^[^\u0000]*[^{_SPACE}\u0000][^\u0000]*$"
IF_MATCH_SCHEMA = {"type": "string", "pattern": IF_MATCH_PATTERN}
_ETAG = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "The version of the resource; send it back in If-Match to change it.",
    }
}


def _error(description: str, component: ResolvedComponent = _DETAIL) -> dict:
    return {"content": {"application/json": {"schema": component.ref}}, "description": description}


class TrackerAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, with the 4xx responses of ``access.api`` documented on
    every operation, and ``If-Match``/``If-None-Match``/``ETag`` on the ``TrackerViewSet``
    detail operations."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        registry.register_on_missing(_DETAIL)
        registry.register_on_missing(_VALIDATION)
        action = getattr(self.view, "action", None)
        conditional = hasattr(self.view, "check_if_match")
        responses = operation["responses"]
        extra: dict[str, dict] = {}
        queried = any(p["in"] == "query" for p in operation.get("parameters", ()))
        if self.method in WRITE_METHODS or queried:
            extra["400"] = _error(
                "Invalid input: a field, a filter or a query parameter.", _VALIDATION
            )
        extra["401"] = _error("No credentials, or invalid ones.")
        extra["403"] = _error("Your role does not allow this.")
        if self._is_list_view() and self._get_paginator():
            extra["404"] = _error("No such resource, or an invalid page cursor.")
        elif "{" in path:
            extra["404"] = _error("No such resource.")
        if self.method == "DELETE":
            extra["409"] = _error("Other records still refer to this one.")
        elif self.method in WRITE_METHODS:
            extra["409"] = _error(
                "The input is well formed but does not fit what is stored: it refers to a row "
                "that does not exist (any more), or would duplicate one (a name that must be "
                "unique, a relation already recorded). The body names the fields at fault.",
                _VALIDATION,
            )
        if conditional and self.method in CHANGE_METHODS:
            extra["400"] = _error(
                "Invalid input: a field of the body, or an If-Match that is not `*` or a list "
                "of entity tags.",
                _VALIDATION,
            )
            extra["412"] = _error("The resource changed since you read it (If-Match).")
            extra["428"] = _error("If-Match is missing: send the ETag of your last read.")
            self._add_header_parameter(
                operation,
                "If-Match",
                "The ETag of your last read of the resource (required; `*` for any version). "
                "Any other value than the current ETag gets a 412.",
                required=True,
                schema=IF_MATCH_SCHEMA,
            )
        if self.method in WRITE_METHODS:
            extra["415"] = _error("Unsupported content type.")
        extra["429"] = {
            **_error("Too many requests: wait the seconds Retry-After gives."),
            "headers": {
                "Retry-After": {
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Seconds to wait before asking again.",
                }
            },
        }
        if conditional and action in ("retrieve", "update", "partial_update", "create"):
            for code in ("200", "201"):
                if code in responses:
                    responses[code]["headers"] = _ETAG
        if conditional and action == "retrieve":
            extra["304"] = {"description": "Not modified: the ETag matches If-None-Match."}
            self._add_header_parameter(
                operation, "If-None-Match", "ETags you hold; a match gives 304 and no body."
            )
        for parameter in operation.get("parameters", ()):
            if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                parameter["schema"].update(ID_SCHEMA)
            repeated = parameter.get("explode") is True
            if parameter["in"] == "query" and not parameter.get("required") and not repeated:
                # ?name= is the same as leaving the parameter out (as an HTML form sends an
                # unused field); a repeatable parameter, though, takes only its choices.
                parameter["allowEmptyValue"] = True
        for code, response in extra.items():
            responses.setdefault(code, response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, PrimaryKeyRelatedField) and schema.get("type") == "integer":
            # Ids are whole numbers from 1 (the primary keys are 64-bit auto fields).
            schema = {**schema, **ID_SCHEMA}
        plain = not ({"format", "enum", "pattern", "readOnly"} & schema.keys())
        if direction == "request" and schema.get("type") == "string" and plain:
            # Text is stored in PostgreSQL, which holds no NUL character. A field that may
            # not be blank needs a character besides the spaces trimmed off; drf-spectacular
            # offers the empty string of one that may as a schema of its own.
            must_show = not getattr(field, "allow_blank", True) and getattr(
                field, "trim_whitespace", False
            )
            schema = {**schema, "pattern": NOT_BLANK_PATTERN if must_show else NO_NUL_PATTERN}
        return schema

    @staticmethod
    def _add_header_parameter(
        operation: dict,
        name: str,
        description: str,
        *,
        required: bool = False,
        schema: dict | None = None,
    ) -> None:
        parameter: dict[str, object] = {
            "in": "header",
            "name": name,
            "schema": schema or {"type": "string"},
            "description": description,
        }
        if required:
            parameter["required"] = True
        operation.setdefault("parameters", []).append(parameter)


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The security scheme of ``access.authentication.ApiTokenAuthentication``."""

    target_class = "access.authentication.ApiTokenAuthentication"
    name = "tokenAuth"
    match_subclasses = True

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API token, sent as `Authorization: Token trk_<prefix>_<secret>`. An editor "
                "issues one for a user in the admin or with `manage.py api_token issue USER`; "
                "the key is shown once. A token acts with its user's role, expires (after "
                "`TRACKER_TOKEN_DAYS`, 90 by default, unless issued otherwise) and stops "
                "working when revoked, when the user's password changes and when the user is "
                "deactivated or loses their role; such a token gets a 401 that says so."
            ),
        }


def blank_strings_any_of(result, generator, request, public):
    """drf-spectacular gives a string field that may be blank and has a format or pattern
    as ``oneOf: [the string, an empty string]``. ``anyOf`` says the same (no URL is empty),
    and tells a client that builds invalid input by breaking one branch that the empty
    string is still valid."""

    def visit(node):
        if isinstance(node, dict):
            branches = node.get("oneOf")
            if (
                isinstance(branches, list)
                and len(branches) == 2
                and branches[1] == {"type": "string", "maxLength": 0}
            ):
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result


def links_from_created(result, generator, request, public):
    """OpenAPI links from each creating operation (``POST /api/things/``, 201) to the
    operations on what it created (``/api/things/{id}/...``), the id taken from the
    response body and, for a change, the ``If-Match`` from its ``ETag``: a client, or a
    test that chains requests, can follow them."""
    paths = result.get("paths", {})
    for collection, operations in paths.items():
        created = operations.get("post", {}).get("responses", {}).get("201")
        if created is None or "{" in collection:
            continue
        links = {}
        for path, detail_operations in paths.items():
            if not path.startswith(collection + "{id}/"):
                continue
            for method, operation in detail_operations.items():
                if not isinstance(operation, dict) or "operationId" not in operation:
                    continue
                parameters = {"id": "$response.body#/id"}
                if any(p.get("name") == "If-Match" for p in operation.get("parameters", ())):
                    # The creating response's ETag is the version a change is made on.
                    parameters["header.If-Match"] = "$response.header.ETag"
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": parameters,
                    "description": f"{method.upper()} {path} on the resource created.",
                }
        if links:
            created["links"] = dict(sorted(links.items()))
    return result
