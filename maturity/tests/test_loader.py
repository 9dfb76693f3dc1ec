import json

import pytest

from maturity.loader import CONTENT_FILE, ContentError, load_maturity_model
from maturity.models import Area, AreaLevel, Level, ModelVersion, Opportunity

AREA_KEYS = {
    "strategy_vision",
    "business_value",
    "security",
    "governance",
    "support",
    "community",
    "responsible_ai",
    "automation",
    "fusion_teams",
}


def counts():
    return (
        ModelVersion.objects.count(),
        Level.objects.count(),
        Area.objects.count(),
        AreaLevel.objects.count(),
        Opportunity.objects.count(),
    )


def test_loader_creates_the_whole_model(db):
    load_maturity_model()
    # 1 version, 5 levels, 9 areas, 9 x 5 cells, 53 opportunities in the file
    assert counts() == (1, 5, 9, 45, 53)
    assert set(Area.objects.values_list("key", flat=True)) == AREA_KEYS
    assert list(Level.objects.values_list("number", "name")) == [
        (100, "Initial"),
        (200, "Repeatable"),
        (300, "Defined"),
        (400, "Capable"),
        (500, "Efficient"),
    ]
    assert ModelVersion.objects.get().is_current


def test_every_area_has_an_opportunity_at_every_level(model):
    pairs = set(Opportunity.objects.values_list("area__key", "level__number"))
    assert pairs == {(key, n) for key in AREA_KEYS for n in (100, 200, 300, 400, 500)}


def test_every_level_has_summary_description_and_characteristics(model):
    for level in Level.objects.all():
        assert level.summary and level.description
        assert len(level.characteristic_list) >= 4


def test_loading_twice_changes_nothing_and_keeps_admin_edits(db):
    load_maturity_model()
    before = counts()
    Level.objects.filter(number=300).update(summary="Edited by an admin")
    assert load_maturity_model().endswith("unchanged")
    assert counts() == before
    assert Level.objects.get(number=300).summary == "Edited by an admin"


def test_a_changed_file_updates_rows_by_key_without_duplicates(db, tmp_path):
    load_maturity_model()
    before = counts()
    data = json.loads(CONTENT_FILE.read_text())
    data["levels"][2]["summary"] = "A new summary"
    data["areas"][0]["name"] = "Strategy & vision"
    data["opportunities"][0]["text"] = "A reworded opportunity."
    changed = tmp_path / "model.json"
    changed.write_text(json.dumps(data))
    load_maturity_model(changed)
    assert counts() == before
    assert Level.objects.get(number=300).summary == "A new summary"
    assert Area.objects.get(key="strategy_vision").name == "Strategy & vision"
    assert Opportunity.objects.get(key=data["opportunities"][0]["key"]).text == (
        "A reworded opportunity."
    )


def test_a_new_edition_becomes_the_only_current_version(db, tmp_path):
    load_maturity_model()
    data = json.loads(CONTENT_FILE.read_text())
    data["version"] = {"key": "next-edition", "title": "Next edition"}
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    load_maturity_model(path)
    assert list(ModelVersion.objects.filter(is_current=True).values_list("key", flat=True)) == [
        "next-edition"
    ]
    assert ModelVersion.objects.count() == 2


def test_an_inconsistent_file_is_refused_and_writes_nothing(db, tmp_path):
    data = json.loads(CONTENT_FILE.read_text())
    data["opportunities"][0]["area"] = "no_such_area"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ContentError):
        load_maturity_model(path)
    assert counts() == (0, 0, 0, 0, 0)


def test_the_command_loads_model_and_question_bank(db):
    from django.core.management import call_command

    from adoption.models import Question, QuestionOption

    call_command("load_maturity_model")
    call_command("load_maturity_model")
    assert Area.objects.count() == 9
    assert Question.objects.count() == 41
    assert QuestionOption.objects.count() == 41 * 5
