"""Search-as-you-type pickers: choosing a person, unit, solution, story, key result or KPI in a form
without rendering every row of the organisation into a <select>.

A picker field renders only its current value(s) as options; the browser (static/js/picker.js
with the vendored Tom Select) fetches matches page by page from `/pickers/<name>/?q=…`, which
returns rows of the same queryset that the form accepts, so a person finds only what they may
link. The form still validates the submitted value against its own field queryset, so a crafted
value outside the policy is refused like any other invalid choice."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.policy import can

PAGE_SIZE = 20


@dataclass(frozen=True)
class Picker:
    """What one picker searches: the rows a user may choose, matched on `search` fields."""

    action: str  # the policy action a user needs to search at all
    queryset: Callable[..., QuerySet]  # (user) -> the rows that user may choose
    search: tuple[str, ...]
    label: Callable[[object], str] = str
    # The fields a form may submit as the value (its field's to_field_name; the first is the
    # default): never anything that is not an identifier.
    keys: tuple[str, ...] = ("pk",)


def _people(user):
    from accounts.models import User

    return User.objects.filter(is_active=True).select_related("business_unit")


def _person_label(person) -> str:
    unit = person.business_unit.name if person.business_unit_id else ""
    return f"{person} · {unit}" if unit else str(person)


def _units(user):
    from accounts.models import BusinessUnit

    return BusinessUnit.objects.select_related("parent").order_by("name")


def _unit_label(unit) -> str:
    return f"{unit.name} · {unit.parent.name}" if unit.parent_id else unit.name


def _solutions(user):
    from value.models import Solution

    return Solution.objects.visible_to(user).select_related("business_unit").order_by("name")


def _solution_label(solution) -> str:
    return (
        f"{solution.name} · {solution.business_unit}"
        if solution.business_unit_id
        else (solution.name)
    )


def _published_stories(user):
    from stories.models import Story

    return Story.objects.visible_to(user).published().order_by("title")


def _key_results(user):
    from strategy.models import KeyResult

    return KeyResult.objects.visible_to(user).select_related("objective__plan").order_by("title")


def _key_results_for_ideas(user):
    """Key results an idea may name (live ones of active plans), as the backlog lists them."""
    from ideas.services import key_results_open_for_ideas

    return (
        key_results_open_for_ideas()
        .select_related("objective__plan")
        .order_by("objective__plan__title", "objective__order", "order", "pk")
    )


def _key_result_label(key_result) -> str:
    return f"{key_result.title} · {key_result.objective.plan.title}"


def _kpis(user):
    from strategy.models import Kpi

    return Kpi.objects.visible_to(user).order_by("name")


def _unit_costs(user):
    from value.models import UnitCost

    return UnitCost.objects.select_related("business_unit").order_by("name")


PICKERS: dict[str, Picker] = {
    "people": Picker(
        "accounts.view_directory",
        _people,
        ("first_name", "last_name", "username", "email"),
        label=_person_label,
    ),
    "units": Picker(
        "accounts.view_directory", _units, ("name", "slug"), label=_unit_label, keys=("pk", "slug")
    ),
    "solutions": Picker(
        "value.list_solutions", _solutions, ("name",), label=_solution_label, keys=("pk", "uuid")
    ),
    "stories": Picker("stories.view_story", _published_stories, ("title",), keys=("uuid", "pk")),
    "key-results": Picker("strategy.view_plan", _key_results, ("title",)),
    "kpis": Picker("strategy.view_plan", _kpis, ("name",)),
    "idea-key-results": Picker(
        "strategy.view_plan",
        _key_results_for_ideas,
        ("title", "objective__title", "objective__plan__title"),
        label=_key_result_label,
        keys=("uuid", "pk"),
    ),
    "unit-costs": Picker("value.record_value", _unit_costs, ("name", "business_unit__name")),
}


def matching(picker: Picker, user, query: str) -> QuerySet:
    """The rows of `picker` that `user` may choose whose search fields contain every word."""
    rows = picker.queryset(user)
    for word in query.split()[:5]:
        condition = Q()
        for field in picker.search:
            condition |= Q(**{f"{field}__icontains": word})
        rows = rows.filter(condition)
    return rows


@require_GET
def search(request, name: str):
    """One page of matches as JSON: {"results": [{"value", "text"}], "more": bool}."""
    picker = PICKERS.get(name)
    if picker is None:
        return JsonResponse({"detail": _("No such picker.")}, status=404)
    if not can(request.user, picker.action):
        return JsonResponse({"detail": _("You may not choose from this list.")}, status=403)
    query = request.GET.get("q", "")[:100]
    key = request.GET.get("key") or picker.keys[0]
    if key not in picker.keys:
        return JsonResponse({"detail": _("This list cannot be keyed by %s.") % key}, status=400)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return JsonResponse({"detail": _("The page must be a whole number.")}, status=400)
    offset = (page - 1) * PAGE_SIZE
    rows = list(matching(picker, request.user, query)[offset : offset + PAGE_SIZE + 1])
    return JsonResponse(
        {
            "results": [
                {"value": str(getattr(row, key)), "text": picker.label(row)}
                for row in rows[:PAGE_SIZE]
            ],
            "more": len(rows) > PAGE_SIZE,
        }
    )


class PickerSelect(forms.Select):
    """A <select> holding only the chosen option(s); the rest is searched in the browser."""

    def __init__(self, picker: str, attrs=None):
        if picker not in PICKERS:
            raise KeyError(picker)
        super().__init__(attrs)
        self.picker = picker

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("picker_search", args=[self.picker])
        field = self.choices.field
        key = field.to_field_name
        if key == field.queryset.model._meta.pk.name:
            key = None  # a model form's foreign key names its primary key: the default
        context["widget"]["attrs"]["data-picker-url"] = f"{url}?key={key}" if key else url
        # The empty choice's label ("Whole organisation") says what no choice means.
        empty = (
            field.empty_label
            if field.empty_label and not field.empty_label.startswith("---")
            else ""
        )
        context["widget"]["attrs"]["data-picker-placeholder"] = empty or _("Type to search…")
        return context

    def optgroups(self, name, value, attrs=None):
        """The empty choice (single select) and the current value(s): one query, never the
        whole queryset."""
        field = self.choices.field
        key = field.to_field_name or "pk"
        chosen = [v for v in value if v not in ("", None)]
        groups = []
        if not self.allow_multiple_selected and field.empty_label is not None:
            option = self.create_option(name, "", field.empty_label, not chosen, 0)
            groups.append((None, [option], 0))
        if chosen:
            try:
                rows = list(field.queryset.filter(**{f"{key}__in": chosen}))
            except (ValueError, TypeError, forms.ValidationError):
                rows = []  # a malformed submitted value: the field reports it
            for index, row in enumerate(rows, start=len(groups)):
                label = PICKERS[self.picker].label(row)
                option = self.create_option(name, str(getattr(row, key)), label, True, index)
                groups.append((None, [option], index))
        return groups


class PickerSelectMultiple(PickerSelect, forms.SelectMultiple):
    allow_multiple_selected = True


def use_picker(field: forms.ModelChoiceField, picker: str) -> None:
    """Give a form's model choice `field` the picker widget named `picker` (call in the form's
    __init__, after its queryset is final)."""
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = (PickerSelectMultiple if multiple else PickerSelect)(picker, attrs=field.widget.attrs)
    widget.attrs.setdefault("class", "form-select")  # for templates that render {{ field }}
    widget.is_required = field.required
    widget.choices = field.choices
    field.widget = widget
