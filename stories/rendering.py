"""Markdown written by makers, turned into HTML that is safe to show to every reader.

Two layers: markdown-it-py with raw HTML switched off (so `<script>` stays text), then nh3 with
an allow-list of tags and attributes and only http, https and mailto links (so `javascript:` and
`data:` URLs, event handlers and anything markdown-it let through are dropped)."""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "a",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def _demote_headings(tokens) -> None:
    # A section's "# Heading" must not compete with the page's own h1/h2.
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + 2, 6)
            token.tag = f"h{level}"


def render_markdown(text: str) -> str:
    """Markdown source → sanitised HTML (an empty string for empty input)."""
    if not text or not text.strip():
        return ""
    tokens = _markdown.parse(text)
    _demote_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return sanitise_html(html)
