"""Find interface text in templates that is not marked for translation.

Text is marked when it sits inside {% translate %} / {% blocktranslate %}; everything else a person
reads (text between tags, and the title, placeholder, alt, aria-label and label attributes) must be.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

# Attributes whose value a person reads or hears.
READ_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label", "aria-description", "label"}
# Words that stay the same in every language: the product name, units, brands.
KEPT = re.compile(
    r"\b(CoE\sHub|CoE|KPIs?|ROI|OKRs?|API|CSV|PDF|HTML|JSON|Power\sPlatform|Power\sApps|"
    r"Power\sAutomate|Copilot\sStudio|Microsoft|Entra\sID|Teams|Markdown|Deutsch|English|UTC|URL)\b"
)
WORD = re.compile(r"[^\W\d_]{2,}")
BLOCK_OPENERS = {"blocktranslate", "blocktrans", "comment", "verbatim"}
BLOCK_CLOSERS = {"endblocktranslate", "endblocktrans", "endcomment", "endverbatim"}


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0  # inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self.found.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.found.append(data)


def _needs_translation(text: str) -> bool:
    return bool(WORD.search(KEPT.sub(" ", text)))


def unmarked_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) for each piece of readable text in the template that is not marked."""
    source = path.read_text(encoding="utf-8")
    # Rebuild the page with every template tag and variable replaced by a neutral mark, so
    # that the HTML parser sees whole tags; text inside translate blocks and comments is dropped.
    parts, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in BLOCK_OPENERS:
                depth += 1
            elif name in BLOCK_CLOSERS:
                depth -= 1
            parts.append(" \u2042 ")
        elif token.token_type == TokenType.VAR:
            parts.append(" \u2042 ")
        elif token.token_type == TokenType.TEXT and not depth:
            parts.append(token.contents)
    collector = _TextCollector()
    collector.feed("".join(parts))
    collector.close()
    found = []
    for text in collector.found:
        if _needs_translation(text.replace("\u2042", " ")):
            snippet = " ".join(text.replace("\u2042", " ").split())
            line = next(
                (n for n, row in enumerate(source.splitlines(), 1) if snippet[:20] in row), 0
            )
            found.append((line, snippet[:80]))
    return found
