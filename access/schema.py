"""The OpenAPI schema: drf-spectacular's, plus what every endpoint shares and the
serializers cannot say: error responses and the ETag headers of conditional requests."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

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
        if conditional and self.method in CHANGE_METHODS:
            extra["412"] = _error("The resource changed since you read it (If-Match).")
            extra["428"] = _error("If-Match is missing: send the ETag of your last read.")
            self._add_header_parameter(
                operation,
                "If-Match",
                "The ETag of your last read of the resource (required; `*` for any version).",
                required=True,
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
            repeated = parameter.get("explode") is True
            if parameter["in"] == "query" and not parameter.get("required") and not repeated:
                # ?name= is the same as leaving the parameter out (as an HTML form sends an
                # unused field); a repeatable parameter, though, takes only its choices.
                parameter["allowEmptyValue"] = True
        for code, response in extra.items():
            responses.setdefault(code, response)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    @staticmethod
    def _add_header_parameter(
        operation: dict, name: str, description: str, *, required: bool = False
    ) -> None:
        parameter: dict[str, object] = {
            "in": "header",
            "name": name,
            "schema": {"type": "string"},
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
