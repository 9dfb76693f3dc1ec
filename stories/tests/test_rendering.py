import re
from html.parser import HTMLParser

import pytest

from stories.rendering import ALLOWED_TAGS, render_markdown

# Each payload tries a different way to run script or load something foreign.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[click](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '[x](https://example.org "a" onmouseover=alert(1))',
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<object data=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
]


class _Elements(HTMLParser):
    """Collects the real elements and attributes of rendered HTML (escaped text is not one)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_renders_payloads_inert(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter")
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, html
        assert not any(name.startswith("on") for name in attrs), html
        assert "style" not in attrs and "src" not in attrs, html
        if "href" in attrs:
            assert re.match(r"^(https?:|mailto:)", attrs["href"]), html


def test_ordinary_markdown_survives():
    html = render_markdown(
        "## Steps\n\n- **bold** and *italic*\n- [site](https://example.org)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h4>Steps</h4>" in html  # demoted below the page's own headings
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">site</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_mailto_links_are_kept_and_script_text_is_shown_as_text():
    html = render_markdown("[mail](mailto:coe@example.org) <script>x</script>")
    assert 'href="mailto:coe@example.org"' in html
    assert "&lt;script&gt;" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""
