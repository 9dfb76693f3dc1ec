"""The built-in maturity model in every language (django-modeltranslation): each text field has
one column per language (name_en_gb, name_de); reading `name` gives the active language's text,
English where the translation is missing. The loader fills them from model.json and
model.<language>.json."""

from modeltranslation.translator import TranslationOptions, register

from .models import Area, AreaLevel, Level, ModelVersion, Opportunity


@register(ModelVersion)
class ModelVersionTranslation(TranslationOptions):
    fields = ("title",)


@register(Level)
class LevelTranslation(TranslationOptions):
    fields = ("name", "summary", "description", "characteristics")


@register(Area)
class AreaTranslation(TranslationOptions):
    fields = ("name", "description")


@register(AreaLevel)
class AreaLevelTranslation(TranslationOptions):
    fields = ("characteristics",)


@register(Opportunity)
class OpportunityTranslation(TranslationOptions):
    fields = ("text",)
