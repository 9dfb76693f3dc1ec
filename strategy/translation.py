"""The built-in plan templates in every language (django-modeltranslation): title_en_gb,
title_de, ...; reading `title` (or `body`) gives the active language's, English where the
translation is missing. A plan made from a template copies the texts of its author's language."""

from modeltranslation.translator import TranslationOptions, register

from .models import PlanTemplate


@register(PlanTemplate)
class PlanTemplateTranslation(TranslationOptions):
    fields = ("title", "summary", "vision", "body")
