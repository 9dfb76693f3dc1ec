"""Dates typed by people: a well-formed date that names no day ("2026-02-30", "2026-13") is
"no such date", not "wrong format", in forms, filters and the API alike.

Forms use `DateField` (ModelForms through Meta.field_classes), filters `DateFilter` (through
`FilterSet` below, the base of every API filter set) and serializers `SerializerDateField`
(ModelSerializers pick it up for every model DateField, see config/api.py)."""

import re
from datetime import date

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# The shapes we accept: a day (YYYY-MM-DD) or, for month fields, a month (YYYY-MM).
DATE_SHAPE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")
NO_SUCH_DATE = _("There is no such date: %(value)s. Check the day and the month.")


def names_no_day(value) -> bool:
    """Whether `value` is shaped like a date (YYYY-MM-DD or YYYY-MM) but no calendar has it."""
    match = DATE_SHAPE.match(str(value)) if isinstance(value, str) else None
    if match is None:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return True
    return False


class DateField(forms.DateField):
    """Django's DateField, with "no such date" for 30 February."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            if names_no_day(value):
                raise forms.ValidationError(
                    NO_SUCH_DATE, code="no_such_date", params={"value": value.strip()}
                ) from None
            raise


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet, with date filters that say "no such date"."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.DateField: {"filter_class": DateFilter},
    }


class SerializerDateField(serializers.DateField):
    """DRF's DateField, with "no such date" for 30 February (DRF says "wrong format")."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except serializers.ValidationError:
            if names_no_day(value):
                raise serializers.ValidationError(
                    NO_SUCH_DATE % {"value": value.strip()}, code="no_such_date"
                ) from None
            raise
