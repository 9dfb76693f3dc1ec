"""The built-in question bank in every language (django-modeltranslation): text_en_gb, text_de;
reading `text` gives the active language's, English where the translation is missing. An
assessment copies the texts of the language it is started in (Answer keeps its own copy)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Question, QuestionOption


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text", "help_text")


@register(QuestionOption)
class QuestionOptionTranslation(TranslationOptions):
    fields = ("text",)
