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

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import ProtectedError, RestrictedError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import renderers, serializers, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler

from accounts.api.permissions import PolicyPermission

from . import dates
from .dates import SerializerDateField
from .errors import StateConflict
from .middleware import megabytes

# Query parameters that are not filters: paging, ordering, search, output format.
RESERVED_PARAMS = {"page", "page_size", "cursor", "ordering", "search", "format"}
CSV_MAX_ROWS = 10_000


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100  # a larger page_size is capped, never refused

    def check_params(self, request) -> None:
        """`page` and `page_size` that are not positive whole numbers are a 400, also where no
        page is cut (a CSV export): DRF would quietly use 25, or answer "Invalid page" (404)."""
        problems = {}
        page = request.query_params.get(self.page_query_param)
        if page is not None and not (page.isdigit() and int(page) > 0):
            problems[self.page_query_param] = _("A whole number from 1.")
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not (size.isdigit() and int(size) > 0):
            problems[self.page_size_query_param] = _(
                "A whole number from 1 (at most 100 are used)."
            )
        if problems:
            raise ValidationError(problems)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_params(request)
        return super().paginate_queryset(queryset, request, view)

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

    def check_params(self, request) -> None:
        """`page_size` as the other lists check it (a CSV export too)."""
        StandardPagination().check_params(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.check_params(request)
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
            raise ValidationError({"ordering": _("This list is ordered by one field at a time.")})
        return ordering[0]

    def decode_cursor(self, request, model):
        raw = request.query_params.get(self.cursor_query_param)
        if raw is None:
            return None
        refused = ValidationError({"cursor": _("Not a cursor of this list: follow the next link.")})
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

_relation_run_validation = serializers.RelatedField.run_validation


def _relation_refuses_empty_text(self, data=serializers.empty):
    # DRF reads "" for a relation (a unit's slug, a solution's uuid) as null: right for a form's
    # empty choice, but in a JSON body "" names nothing (the schema wants a slug or null), so
    # there it is a 400; null says "none".
    if data == "" and not isinstance(getattr(self.root, "initial_data", None), QueryDict):
        raise serializers.ValidationError(_("Give a value, or null for none."), code="blank")
    return _relation_run_validation(self, data)


serializers.RelatedField.run_validation = _relation_refuses_empty_text


class StrictBooleanField(forms.NullBooleanField):
    """A yes/no filter value: "true" or "false" (also 1/0, yes/no). Django's NullBooleanField
    reads anything else as "no filter", so `?is_staff_hour=xyz` listed every row; here it is a
    400 that names the parameter. Left out, the filter does nothing."""

    TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
    widget = forms.TextInput  # the raw value: NullBooleanSelect maps junk to None first

    def to_python(self, value):
        if value is None:
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(
            _("Use true or false, not %(value)s."), code="invalid", params={"value": repr(value)}
        )


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class FilterSet(dates.FilterSet):
    """The base of every API filter set: dates that say "no such date" (config.dates) and
    yes/no filters that refuse anything but true or false."""

    FILTER_DEFAULTS = {
        **dates.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, but a parameter that names no filter is a 400 with the reason, and so is
    a filter given without a value (django-filter would ignore `?key_result__uuid=`)."""

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
        empty = sorted(
            name
            for name, values in request.query_params.lists()
            if name in known - {"search"} and any(value.strip() == "" for value in values)
        )
        if empty:
            raise ValidationError(
                dict.fromkeys(empty, _("Give a value, or leave the parameter out."))
            )
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """DRF's ordering, but an unknown field is a 400 rather than silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is not None and not params.strip():
            raise ValidationError({"ordering": _("Give a value, or leave the parameter out.")})
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


class OneObjectListSchema(AutoSchema):
    """For a viewset whose `list` answers one object (figures, a page built by hand), not a
    list of rows: drf-spectacular would document a JSON array. Give the list an operation_id."""

    def _is_list_view(self, serializer=None) -> bool:
        if getattr(self.view, "action", None) == "list":
            return False
        return super()._is_list_view(serializer)


class Conflict(APIException):
    """409: the step conflicts with the object's current state (approving an approved story,
    answering a submitted assessment). The body says why: {"detail": "..."}."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("This conflicts with the object's current state.")
    default_code = "conflict"


# For extend_schema(responses={..., 409: CONFLICT}) on every operation that can answer 409;
# config.api_schema gives it the JSON error body.
CONFLICT = OpenApiResponse(
    description="The object's current state does not allow this step; the body says why."
)


def refused(error: Exception, field: str = "detail") -> APIException:
    """The API error for a service's refusal: 409 when the object's state does not allow the
    step (the error is a config.errors.StateConflict), else a 400 naming `field`."""
    if isinstance(error, StateConflict):
        return Conflict(str(error))
    return ValidationError({field: str(error)})


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def api_exception_handler(exc, context):
    """DRF's exception handler, plus: a body Django refused as too large (a multipart upload
    whose fields pass DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields) is a 413, and errors are
    always JSON, whatever `?format=` asked for (a CSV of an error message helps nobody).
    Deleting an object that others still point to (a unit with solutions) is a 409 naming
    them, not a 500."""
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        size = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        exc = RequestTooLarge(_("The request is larger than %s, the most this API accepts.") % size)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(_still_used(exc))
    response = exception_handler(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        _answer_in_json(request)
    return response


def _still_used(exc: ProtectedError | RestrictedError) -> str:
    used_by = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in used_by})
    return _("Still used by %(kinds)s: remove or move those first.") % {"kinds": ", ".join(kinds)}


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
            if self.paginator is not None:
                self.paginator.check_params(self.request)
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
