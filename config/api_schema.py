"""The OpenAPI document tells the truth about errors: every operation lists the error statuses it
can answer with (all JSON, see config.api.api_exception_handler), so that clients and
schemathesis's status-code check know them. A drf-spectacular postprocessing hook."""

ERROR_SCHEMA = {
    "description": 'Why the request was refused: {"detail": "..."}, or for invalid input the '
    "messages of each field (a list for the whole request).",
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
    ],
}

# Status -> (when, which methods can answer it). 409 (the object's state does not allow the
# step) is not here: the operations that can answer it declare it with
# extend_schema(responses={..., 409: config.api.CONFLICT}).
ERRORS = {
    "400": ("Invalid input: an invalid field, an unknown filter, ordering or ?format=.", None),
    "401": ("No or invalid credentials.", None),
    "403": ("The user's role may not do this.", None),
    "404": ("No such object for this user.", None),
    "413": ("The request body is larger than the API accepts.", {"post", "put", "patch"}),
}  # fmt: skip


def document_errors(result, generator, request, public):
    """Add the shared Error component and the error responses to every operation; an error
    response an operation declares without a body (409: CONFLICT) gets the JSON error body."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                if str(status).startswith("4") and "content" not in response:
                    response["content"] = {"application/json": {"schema": ref}}
            for status, (description, methods) in ERRORS.items():
                if methods is not None and method not in methods:
                    continue
                operation["responses"].setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result


def decimals_as_text_or_number(result, generator, request, public):
    """A decimal field is written as text ("12.50", exact), and read from text or a JSON number
    (DRF's DecimalField takes both, and clients send money as numbers): the request bodies say
    so, so that a number is not documented as invalid input the server then accepts."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        properties = component.get("properties", {})
        for field, schema in list(properties.items()):
            if schema.get("type") == "string" and schema.get("format") == "decimal":
                text = {key: schema[key] for key in ("type", "format", "pattern") if key in schema}
                rest = {key: value for key, value in schema.items() if key not in text}
                properties[field] = {"oneOf": [text, {"type": "number"}], **rest}
    return result
