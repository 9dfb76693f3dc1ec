"""The German question bank has the same questions, areas and options as the English one."""

import json
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "content"


def _load(name):
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


def test_german_question_bank_has_the_same_keys_and_shape():
    english, german = _load("questions.json"), _load("questions.de.json")
    assert german["bank"] == english["bank"]
    assert [(q["key"], q["area"], len(q["options"])) for q in german["questions"]] == [
        (q["key"], q["area"], len(q["options"])) for q in english["questions"]
    ]
    assert all(sorted(q) == ["area", "key", "options", "text"] for q in german["questions"])


def test_every_german_text_is_filled_in_and_translated():
    english = {q["key"]: q for q in _load("questions.json")["questions"]}
    for question in _load("questions.de.json")["questions"]:
        original = english[question["key"]]
        assert question["text"].strip() and question["text"] != original["text"]
        assert all(text.strip() for text in question["options"]), question["key"]
        # Short answers such as "None" may coincide; whole sets of options may not.
        assert question["options"] != original["options"], question["key"]
