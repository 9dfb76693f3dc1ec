"""What every REST endpoint shares: the permission policy, capped pagination, strict filtering and
ordering (unknown parameters are a 400, not silently ignored), and CSV export (`?format=csv`).

An app's endpoints subclass `PolicyModelViewSet` (or `PolicyReadOnlyViewSet`), name their policy
actions, and list themselves in `<app>/api/urls.py` as `routes = [(prefix, viewset, basename)]`;
config/api_urls.py collects those lists under /api/v1/.
"""

import base64
import binascii
import csv
import io
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import renderers, serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler

from accounts.api.permissions import PolicyPermission

from .dates import FilterSet, SerializerDateField
from .middleware import megabytes

# Query parameters that are not filters: paging, ordering, search, output format.
RESERVED_PARAMS = {"page", "page_size", "cursor", "ordering", "search", "format"}
CSV_MAX_ROWS = 10_000


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100  # a larger page_size is capped, never refused

    def get_page_size(self, request):
        # A page_size that is not a positive whole number is a 400 (DRF would quietly use 25).
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isdigit() and int(raw) > 0):
            raise ValidationError({"page_size": _("A whole number from 1 (at most 100 are used).")})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in ("page", self.page_size_query_param):
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters


class KeysetPagination(BasePagination):
    """Pages of a very large list (hundreds of thousands of rows) without counting them: each
    page ends with a `next` link whose opaque `cursor` holds the last row's ordering value and
    id, and the next page starts after that row (WHERE (field, id) beyond it, read from an
    index), so page 10,000 costs what page 1 costs. `{"next": url or null, "results": [...]}`;
    no count and no page numbers. The list is ordered by its one `?ordering=` field (the view's
    `keyset_ordering` by default), then by id in the same direction."""

    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = StandardPagination().get_page_size(request)
        ordering = self.get_ordering(request, queryset, view)
        self.descending = ordering.startswith("-")
        self.field = ordering.lstrip("-")
        keys = (self.field, "pk")
        queryset = queryset.order_by(*(f"-{key}" if self.descending else key for key in keys))
        after = self.decode_cursor(request, queryset.model)
        if after is not None:
            value, pk = after
            beyond = "lt" if self.descending else "gt"
            queryset = queryset.filter(
                models.Q(**{f"{self.field}__{beyond}": value})
                | models.Q(**{self.field: value, f"pk__{beyond}": pk})
            )
        rows = list(queryset[: self.page_size + 1])
        self.last = rows[self.page_size - 1] if len(rows) > self.page_size else None
        return rows[: self.page_size]

    def get_ordering(self, request, queryset, view) -> str:
        ordering = None
        for backend in getattr(view, "filter_backends", []):
            if hasattr(backend, "get_ordering"):
                ordering = backend().get_ordering(request, queryset, view)
                break
        ordering = ordering or [view.keyset_ordering]
        if len(ordering) > 1:
            raise ValidationError({"ordering": "This list is ordered by one field at a time."})
        return ordering[0]

    def decode_cursor(self, request, model):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        refused = ValidationError({"cursor": "Not a cursor of this list: follow the next link."})
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
            field = model._meta.get_field(self.field)
            if data["f"] != self.field or not isinstance(data["pk"], int):
                raise refused
            return field.to_python(data["v"]), data["pk"]
        except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError) as exc:
            raise refused from exc
        except DjangoValidationError as exc:
            raise refused from exc

    def encode_cursor(self, row) -> str:
        value = getattr(row, self.field)
        value = value.isoformat() if hasattr(value, "isoformat") else str(value)
        data = json.dumps({"f": self.field, "v": value, "pk": row.pk}, separators=(",", ":"))
        return base64.urlsafe_b64encode(data.encode()).decode("ascii")

    def get_next_link(self) -> str | None:
        if self.last is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.encode_cursor(self.last))

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last one.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where a page starts: the value from the previous page's next link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Rows per page (25 by default, at most 100).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]

    def get_results(self, data):
        return data["results"]


# Every ModelSerializer reads a model's DateField with the field that says "no such date".
serializers.ModelSerializer.serializer_field_mapping[models.DateField] = SerializerDateField


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, but a parameter that names no filter is a 400 with the reason."""

    filterset_base = FilterSet

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        if getattr(view, "search_fields", None):
            known.add("search")
        unknown = sorted(set(request.query_params) - known - RESERVED_PARAMS)
        if unknown:
            raise ValidationError(
                {
                    name: _("Unknown filter. Allowed: %s") % ", ".join(sorted(known))
                    for name in unknown
                }
            )
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but an unknown field is a 400 rather than silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [field.strip() for field in params.split(",") if field.strip()]
            allowed = {
                name for name, _label in self.get_valid_fields(queryset, view, {"request": request})
            }
            bad = [field for field in fields if field.lstrip("-") not in allowed]
            if bad:
                reason = _("Cannot order by %(bad)s. Allowed: %(allowed)s") % {
                    "bad": ", ".join(bad),
                    "allowed": ", ".join(sorted(allowed)),
                }
                raise ValidationError({"ordering": reason})
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        # Enumerate the orderings (a field, or "-field" for descending; several joined by commas
        # work too), so that clients and schemathesis know them.
        fields = list(getattr(view, "ordering_fields", None) or [])
        if not fields:
            return []
        (parameter,) = super().get_schema_operation_parameters(view)
        parameter["schema"] = {
            "type": "string",
            "enum": [name for field in fields for name in (field, f"-{field}")],
        }
        return [parameter]


def csv_safe(value) -> str:
    """A cell as text; one that a spreadsheet would run as a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class CSVRenderer(renderers.BaseRenderer):
    """Renders a list response as CSV: one row per object, nested values flattened to text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        if isinstance(data, dict):
            data = [data]
        # An error body may be a bare list of messages: one "detail" row each.
        rows = [row if isinstance(row, dict) else {"detail": row} for row in (data or [])]
        columns: list[str] = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([csv_safe(row.get(column)) for column in columns])
        return out.getvalue().encode(self.charset)


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def api_exception_handler(exc, context):
    """DRF's exception handler, plus: a body Django refused as too large (a multipart upload
    whose fields pass DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields) is a 413, and errors are
    always JSON, whatever `?format=` asked for (a CSV of an error message helps nobody)."""
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        size = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        exc = RequestTooLarge(_("The request is larger than %s, the most this API accepts.") % size)
    response = exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        _answer_in_json(request)
    return response


def _answer_in_json(request) -> None:
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format == "csv":
        request.accepted_renderer = renderers.JSONRenderer()
        request.accepted_media_type = "application/json"


class PolicyViewSetMixin:
    """Policy, pagination, filtering, ordering and CSV for every viewset.

    Set `policy_actions = {"read": "...", "write": "..."}` (see PolicyPermission), and
    `get_queryset()` starting from `Model.objects.visible_to(self.request.user)`."""

    permission_classes = [PolicyPermission]
    pagination_class = StandardPagination
    filter_backends = [StrictFilterBackend, SearchFilter, StrictOrderingFilter]
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    ordering_fields: list[str] = []
    policy_actions: dict[str, str] = {}

    def finalize_response(self, request, response, *args, **kwargs):
        # An error a view returns itself (not raised) is JSON too, like those raised.
        if getattr(response, "status_code", 200) >= 400:
            _answer_in_json(request)
        return super().finalize_response(request, response, *args, **kwargs)

    def paginate_queryset(self, queryset):
        # A CSV export is the whole filtered list (up to a cap), not one page of it.
        if (
            getattr(self.request, "accepted_renderer", None)
            and self.request.accepted_renderer.format == "csv"
        ):
            return None
        return super().paginate_queryset(queryset)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if (
            getattr(self.request, "accepted_renderer", None)
            and self.request.accepted_renderer.format == "csv"
        ):
            return queryset[:CSV_MAX_ROWS]
        return queryset


class PolicyModelViewSet(PolicyViewSetMixin, viewsets.ModelViewSet):
    lookup_field = "uuid"


class PolicyReadOnlyViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "uuid"
