"""Form widgets shared by the apps."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _


class SearchSelect(forms.Select):
    """A choice among possibly thousands of rows without a <select> that lists them all.

    The <select> holds only the chosen row and the first `initial_options` of the field's
    queryset (enough without JavaScript for a small organisation); a search box above it asks
    `search_url` (a paginated API list with `?search=`, which applies the policy itself) and puts
    the matches into the <select>. The form field still validates against its whole queryset,
    so whatever the search offers, only rows the form allows are accepted.

    `search_url` returns `{"results": [{"uuid": ..., "name": ...}, ...], "count": n}`; the value
    of an option is the row's uuid, so the field needs `to_field_name="uuid"`.
    """

    initial_options = 20

    def __init__(self, *args, search_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.search_url = search_url

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        self.choices = self._few_choices(everything, value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    def _few_choices(self, choices, value) -> list:
        field = getattr(choices, "field", None)
        if field is None:  # plain choices, not a model field: nothing to trim
            return list(choices)
        queryset, key = choices.queryset, field.to_field_name or "pk"
        chosen = []
        wanted = [v for v in value if v]
        if wanted:
            try:
                chosen = list(queryset.filter(**{f"{key}__in": wanted}))
            except (ValueError, ValidationError):  # a tampered value: show nothing chosen
                chosen = []
        first = [row for row in queryset[: self.initial_options] if row not in chosen]
        rows = [*chosen, *first]
        few = [("", field.empty_label)] if field.empty_label is not None else []
        return few + [(getattr(row, key), field.label_from_instance(row)) for row in rows]

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html(
            '<input type="search" class="form-control mb-1" id="{}_search" autocomplete="off"'
            ' aria-label="{}" placeholder="{}" aria-controls="{}" data-search-select="{}"'
            ' data-search-url="{}" data-none="{}" data-more="{}" data-failed="{}">'
            '{}<div class="form-text" id="{}_status" aria-live="polite"></div>',
            select_id,
            _("Search by name"),
            _("Type to search…"),
            select_id,
            select_id,
            self.search_url,
            _("Nothing matches; try fewer letters."),
            # {shown} and {count} are filled in by the script.
            _("Showing {shown} of {count}: type more to narrow the list."),
            _("The search did not answer; choose from the list."),
            select,
            select_id,
        )
