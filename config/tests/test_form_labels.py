"""No form shows a label Django made up from a field name with an abbreviation in it ("Kpi")."""

import importlib
import inspect
import re

from django import forms
from django.forms.utils import pretty_name

MODULES = [
    "adoption.forms",
    "strategy.forms",
    "value.forms",
    "stories.forms",
    "reports.forms",
    "reports.dashboard_views",
]
# Abbreviations as Django's pretty_name() would write them.
AUTO_LABEL = re.compile(r"\b(Kpi|Kpis|Roi|Url|Okr|Okrs|Api|Csv|Pdf|Html|Id|Coe|Fte)\b|\bid\b")


def _form_classes():
    for name in MODULES:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_no_form_field_has_an_auto_label_with_a_mangled_abbreviation():
    labels = {
        f"{cls.__name__}.{name}": str(field.label if field.label is not None else pretty_name(name))
        for cls in _form_classes()
        for name, field in cls.base_fields.items()
    }
    assert len(labels) > 100
    assert {key: label for key, label in labels.items() if AUTO_LABEL.search(label)} == {}
    assert labels["KeyResultForm.kpi"] == "KPI"
