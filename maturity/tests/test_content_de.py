"""The German built-in model mirrors the English one: same structure, same keys, its own text."""

import json
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "content"
KEYS = {"key", "section", "number", "level", "area"}


def _shape(node, path=""):
    """(path, value) for every leaf: identifiers keep their value, texts become 'text'."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name in KEYS:
                yield f"{path}.{name}", value
            else:
                yield from _shape(value, f"{path}.{name}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _shape(value, f"{path}[{index}]")
    else:
        yield path, "text"


def _texts(node):
    if isinstance(node, dict):
        for name, value in node.items():
            if name not in KEYS:
                yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)
    else:
        yield node


def _load(name):
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


def test_german_model_has_the_english_structure_and_keys():
    english, german = _load("model.json"), _load("model.de.json")
    assert list(_shape(german)) == list(_shape(english))


def test_german_model_translates_the_text():
    english, german = _load("model.json"), _load("model.de.json")
    pairs = list(zip(_texts(english), _texts(german), strict=True))
    assert all(isinstance(de, str) and de.strip() for _, de in pairs)
    # Words that stay the same in German (area names such as "Governance") are few.
    unchanged = [en for en, de in pairs if en == de]
    assert unchanged == ["Governance", "Support", "Community"]
    assert german["levels"][0]["name"] == "Anfänglich"
    assert german["areas"][6]["name"] == "Verantwortungsvolle KI"
