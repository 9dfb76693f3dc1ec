"""Load the built-in question bank from adoption/content/questions.json, with its translations
from questions.<language>.json beside it (same keys, only the text translated; a missing file or
text reads as English, see config.content_languages).

Questions are matched by key (SV-1, ...) and options by (question, level), so re-running never
duplicates. An unchanged file writes nothing, so questions edited in the admin stay as edited;
a changed file updates by key. Assessments already started keep their own copies of the texts."""

from pathlib import Path

from django.db import transaction
from django.utils import translation

from config.content_languages import SOURCE_LANGUAGE, column_names, columns, read_content
from maturity.loader import ContentError
from maturity.models import Area
from maturity.upsert import upsert

from .models import Question, QuestionBank, QuestionOption

CONTENT_FILE = Path(__file__).resolve().parent / "content" / "questions.json"
LEVELS = (100, 200, 300, 400, 500)


@transaction.atomic
def load_question_bank(path: Path = CONTENT_FILE, *, force: bool = False) -> str:
    """Create or update the questions and their five options from `path`. Needs the maturity
    model's areas loaded first. Returns a one-line summary; raises ContentError for a question
    with an unknown area or not exactly five options (and writes nothing)."""
    with translation.override(SOURCE_LANGUAGE):  # the original columns hold the English text
        return _load(Path(path), force=force)


def _load(path: Path, *, force: bool) -> str:
    data, translations, digest = read_content(path)
    found = {
        language: {item["key"]: item for item in other.get("questions", [])}
        for language, other in translations.items()
    }

    def text(key: str, field: str) -> dict:
        return {lang: items.get(key, {}).get(field) for lang, items in found.items()}

    def option(key: str, index: int) -> dict:
        texts = {}
        for lang, items in found.items():
            options = items.get(key, {}).get("options") or []
            texts[lang] = options[index] if index < len(options) else None
        return texts

    bank = QuestionBank.objects.filter(key=data["bank"]).first()
    if bank and bank.content_hash == digest and not force:
        return f"question bank {bank.key} unchanged"
    areas = {area.key: area for area in Area.objects.all()}
    for item in data["questions"]:
        if item["area"] not in areas:
            raise ContentError(f"Question {item['key']} names the unknown area {item['area']}.")
        if len(item["options"]) != len(LEVELS):
            raise ContentError(f"Question {item['key']} needs exactly five options.")
    questions = upsert(
        Question,
        (
            {
                "key": item["key"],
                "area_id": areas[item["area"]].pk,
                **columns("text", item["text"], text(item["key"], "text")),
                **columns("help_text", item.get("help_text", ""), text(item["key"], "help_text")),
                "order": order,
            }
            for order, item in enumerate(data["questions"], start=1)
        ),
        key=lambda row: row["key"],
        fields=["area_id", *column_names("text", "help_text"), "order"],
    )
    upsert(
        QuestionOption,
        (
            {
                "question_id": questions[item["key"]].pk,
                "level": level,
                **columns("text", english, option(item["key"], index)),
            }
            for item in data["questions"]
            for index, (level, english) in enumerate(zip(LEVELS, item["options"], strict=True))
        ),
        key=lambda row: (row["question_id"], row["level"]),
        fields=column_names("text"),
    )
    QuestionBank.objects.update_or_create(key=data["bank"], defaults={"content_hash": digest})
    return f"question bank {data['bank']}: {len(data['questions'])} questions"
