"""Built-in content in both languages: the loaders read the German files beside the English ones
(same keys, only text) into per-language columns; readers get their language, English where a
translation is missing (also for what an organisation adds itself)."""

import json
import shutil

import pytest
from django.utils import translation

from accounts.tests.factories import BusinessUnitFactory
from adoption.loader import CONTENT_FILE as QUESTIONS_FILE
from adoption.loader import load_question_bank
from adoption.models import Question, QuestionOption
from adoption.services import assessment_start, subject_for
from config.content_languages import overlay
from maturity.loader import CONTENT_FILE as MODEL_FILE
from maturity.loader import load_maturity_model
from maturity.models import Area, AreaLevel, Level, ModelVersion, Opportunity
from strategy import services as strategy_services
from strategy.models import PlanTemplate

# A small German sample: a few texts translated, the rest left to fall back to English.
MODEL_DE = {
    "version": {"title": "Reifegradmodell, Ausgabe mit neun Bereichen (2025)"},
    "levels": [
        {"number": 100, "name": "Anfänglich", "characteristics": ["Erste Apps", "Kein Plan"]}
    ],
    "areas": [
        {
            "key": "strategy_vision",
            "name": "Strategie und Vision",
            "levels": {"100": ["Teams probieren auf eigene Faust"]},
        }
    ],
    "opportunities": [{"key": "l100-vision-goals", "text": "Vision und Ziele aufschreiben."}],
}
QUESTIONS_DE = {
    "bank": "2025-nine-areas",
    "questions": [
        {
            "key": "SV-1",
            "text": "Hat die Organisation eine Vision für die Plattform aufgeschrieben?",
            "options": [
                "Nein",
                "Ja, IT und Fachbereiche",
                "Ja, mit Sponsor",
                "Roadmap",
                "Strategie",
            ],
        }
    ],
}


@pytest.fixture
def content_dir(tmp_path):
    """Copies of the English content files, with German samples beside them."""
    model = tmp_path / "model.json"
    questions = tmp_path / "questions.json"
    shutil.copy(MODEL_FILE, model)
    shutil.copy(QUESTIONS_FILE, questions)
    (tmp_path / "model.de.json").write_text(json.dumps(MODEL_DE), encoding="utf-8")
    (tmp_path / "questions.de.json").write_text(json.dumps(QUESTIONS_DE), encoding="utf-8")
    return tmp_path


def test_maturity_model_reads_in_the_readers_language_with_english_fallback(db, content_dir):
    load_maturity_model(content_dir / "model.json")
    level, other = Level.objects.get(number=100), Level.objects.get(number=200)
    area = Area.objects.get(key="strategy_vision")
    cell = AreaLevel.objects.get(area=area, level=level)
    with translation.override("de"):
        assert (level.name, other.name, area.name) == (
            "Anfänglich",
            "Repeatable",
            "Strategie und Vision",
        )
        assert level.characteristics == "Erste Apps\nKein Plan"
        assert level.summary == Level.objects.get(number=100).summary_en_gb  # not translated
        assert cell.characteristics == "Teams probieren auf eigene Faust"
        assert (
            Opportunity.objects.get(key="l100-vision-goals").text
            == "Vision und Ziele aufschreiben."
        )
        assert ModelVersion.objects.get().title.startswith("Reifegradmodell")
        # Lists sort and filter by the reader's language too.
        assert Level.objects.filter(name="Anfänglich").count() == 1
    with translation.override("en-gb"):
        assert (level.name, other.name, area.name) == (
            "Initial",
            "Repeatable",
            "Strategy and vision",
        )
        assert cell.characteristics.startswith("Business teams innovate on their own")


def test_the_same_question_reads_in_german_for_a_german_user_and_english_for_an_english_one(
    db, content_dir, coe_lead
):
    load_maturity_model(content_dir / "model.json")
    load_question_bank(content_dir / "questions.json")
    question = Question.objects.get(key="SV-1")
    with translation.override("de"):
        assert question.text == "Hat die Organisation eine Vision für die Plattform aufgeschrieben?"
        assert QuestionOption.objects.get(question=question, level=100).text == "Nein"
        # SV-2 has no German text yet: English.
        assert Question.objects.get(key="SV-2").text.startswith("How do new ideas")
    with translation.override("en-gb"):
        assert question.text == "Has the organisation written down a vision for the platform?"
        assert QuestionOption.objects.get(question=question, level=100).text.startswith("No, every")
    # An assessment started in German holds the German texts; one started in English the English.
    with translation.override("de"):
        german = assessment_start(subject=subject_for(BusinessUnitFactory()), user=coe_lead)
    with translation.override("en-gb"):
        english = assessment_start(subject=subject_for(BusinessUnitFactory()), user=coe_lead)
    assert german.answers.get(question_key="SV-1").question_text.startswith("Hat die Organisation")
    assert german.answers.get(question_key="SV-1").option_texts["100"] == "Nein"
    assert english.answers.get(question_key="SV-1").question_text.startswith("Has the organisation")


def test_a_missing_german_file_means_english_everywhere(db, tmp_path):
    shutil.copy(MODEL_FILE, tmp_path / "model.json")
    load_maturity_model(tmp_path / "model.json")
    level = Level.objects.get(number=100)
    assert level.name_de is None
    with translation.override("de"):
        assert level.name == "Initial"


def test_a_changed_german_file_is_loaded_again(db, content_dir):
    load_maturity_model(content_dir / "model.json")
    assert load_maturity_model(content_dir / "model.json").endswith("unchanged")
    changed = {**MODEL_DE, "levels": [{"number": 100, "name": "Anfang"}]}
    (content_dir / "model.de.json").write_text(json.dumps(changed), encoding="utf-8")
    assert not load_maturity_model(content_dir / "model.json").endswith("unchanged")
    with translation.override("de"):
        assert Level.objects.get(number=100).name == "Anfang"


def test_what_an_organisation_adds_itself_reads_in_english_for_everyone(db, content_dir):
    load_maturity_model(content_dir / "model.json")
    with translation.override("en-gb"):
        Question.objects.create(key="OWN-1", area=Area.objects.first(), text="Do we have a wiki?")
    with translation.override("de"):
        assert Question.objects.get(key="OWN-1").text == "Do we have a wiki?"


def test_plan_templates_read_in_german_and_keep_every_key_result(db, tmp_path, monkeypatch):
    source = sorted(strategy_services.TEMPLATE_DIR.glob("*.json"))[0]
    english = json.loads(source.read_text(encoding="utf-8"))
    objective = english["objectives"][0]
    german = {
        "key": english["key"],
        "title": "Deutscher Titel",
        "objectives": [{"key": objective["key"], "title": "Deutsches Ziel"}],
    }
    shutil.copy(source, tmp_path / source.name)
    (tmp_path / "de").mkdir()
    (tmp_path / "de" / source.name).write_text(json.dumps(german), encoding="utf-8")
    monkeypatch.setattr(strategy_services, "TEMPLATE_DIR", tmp_path)
    strategy_services.load_plan_templates()
    template = PlanTemplate.objects.get(key=english["key"])
    with translation.override("de"):
        assert template.title == "Deutscher Titel"
        assert template.summary == english["summary"]  # not translated: English
        assert template.objectives[0]["title"] == "Deutsches Ziel"
        # The German body keeps every objective and key result of the English, figures included.
        assert len(template.objectives) == len(english["objectives"])
        assert template.objectives[0]["key_results"] == objective["key_results"]
    with translation.override("en-gb"):
        assert template.title == english["title"]
        assert template.objectives[0]["title"] == objective["title"]
    assert strategy_services.load_plan_templates().endswith("1 unchanged")


def test_overlay_lays_texts_over_the_english_structure():
    english = {"a": "one", "n": 5, "items": [{"key": "x", "t": "ex"}, {"key": "y", "t": "why"}]}
    german = {"a": "eins", "n": 7, "items": [{"key": "y", "t": "warum"}], "extra": "ignored"}
    assert overlay(english, german) == {
        "a": "eins",
        "n": 5,
        "items": [{"key": "x", "t": "ex"}, {"key": "y", "t": "warum"}],
    }


def test_the_built_in_welcome_e_mail_exists_in_every_language(db):
    from inventory.models import WelcomeMessage

    message = WelcomeMessage.current()
    assert message.subject_en_gb == "Welcome to the Power Platform community"
    with translation.override("de"):
        assert WelcomeMessage.current().subject == message.subject_de


def test_the_shipped_german_plan_templates_load_completely(db):
    """Every German template file has the English one's keys: loading them leaves no
    objective, key result or initiative in English only (English texts stay on figures)."""
    strategy_services.load_plan_templates()
    templates = list(PlanTemplate.objects.all())
    assert templates
    german_files = {p.stem for p in (strategy_services.TEMPLATE_DIR / "de").glob("*.json")}
    checked = [t for t in templates if t.key in german_files]
    assert len(checked) == len(templates)  # every built-in template has its German file
    for template in checked:
        assert template.title_de and template.title_de != template.title_en_gb
        english_body, german_body = template.body_en_gb, template.body_de
        assert [o["key"] for o in german_body["objectives"]] == [
            o["key"] for o in english_body["objectives"]
        ]
        for en, de in zip(english_body["objectives"], german_body["objectives"], strict=True):
            assert de["title"] != en["title"], (template.key, en["key"])
            for en_kr, de_kr in zip(en["key_results"], de["key_results"], strict=True):
                # Same figures, kinds and units; only the words differ.
                assert {k: v for k, v in de_kr.items() if k != "title"} == {
                    k: v for k, v in en_kr.items() if k != "title"
                }
