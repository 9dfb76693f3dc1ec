"""The welcome e-mail in every language (django-modeltranslation): subject_en_gb, subject_de, ...;
each new maker gets theirs in their language, English where no translation is stored."""

from modeltranslation.translator import TranslationOptions, register

from .models import WelcomeMessage


@register(WelcomeMessage)
class WelcomeMessageTranslation(TranslationOptions):
    fields = ("subject", "body")
