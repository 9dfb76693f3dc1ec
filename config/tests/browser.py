"""Helpers of the accessibility and layout browser tests: the pages to visit, a signed-in browser
context, axe-core's verdict on a page and the layout faults of a page at one width.

The pages are found as the crawl test and the page benchmark find them (reports.bench_pages):
every route without an argument, plus whatever the pages link to. One page per route of the URL
conf is kept (one story, one plan, one solution...), so the number of pages to check follows the
product's routes, not the amount of demo data."""

from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlparse

from django.conf import settings
from django.test import Client

from reports.bench_pages import (
    LINK,
    SKIP_PARTS,
    SKIP_PREFIXES,
    parameterless_urls,
    quiet,
    route_of,
)

AXE_SOURCE = Path(settings.BASE_DIR, "static", "vendor", "axe.min.js")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
# Pages a crawler must not open in a browser: they act on GET (sign-out is POST-only here, but a
# link to it would end the session) or they are files.
NOT_PAGES = (".pdf", ".csv", ".xlsx", ".json", ".ics")


def discover_pages(client: Client, start: str = "/") -> list[str]:
    """Every HTML page (status 200, a whole document) that `client` reaches from `start` and the
    argument-free routes by following same-site links, one page per route."""
    pages: list[str] = []
    routes_seen: set[str] = set()
    visited: set[str] = set()
    queue = deque([start, *parameterless_urls()])
    with quiet("django.request", "django.security"):
        while queue:
            url = queue.popleft()
            route = route_of(url)
            if url in visited or route in routes_seen or url.endswith(NOT_PAGES):
                continue
            visited.add(url)
            response = client.get(url)
            if response.status_code != 200 or response.streaming:
                continue
            if "text/html" not in response.get("Content-Type", ""):
                continue
            body = response.content.decode()
            if "<html" not in body[:500]:
                continue  # a fragment that htmx puts into a page, checked inside that page
            routes_seen.add(route)
            pages.append(url)
            for href in LINK.findall(body):
                href = urldefrag(href.replace("&amp;", "&"))[0]
                parsed = urlparse(href)
                if parsed.scheme or parsed.netloc or not href.startswith("/"):
                    continue
                if href.startswith(SKIP_PREFIXES) or any(part in href for part in SKIP_PARTS):
                    continue
                if href not in visited:
                    queue.append(href)
    return pages


def sign_in(context, live_server, user) -> None:
    """Give the browser context the session of `user` (signed in without the form)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (all rules of WCAG 2.1 A/AA and axe's best
    practices), each with its rule id, impact, help text and the first offending elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text())  # evaluate() is not subject to the page's CSP
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
                summary: v.nodes.length ? v.nodes[0].failureSummary : "",
            }));
        }"""
    )


LAYOUT_FAULTS_JS = """() => {
    const scroller = document.scrollingElement;
    const faults = [];
    if (scroller.scrollWidth > window.innerWidth) {
        const wide = [...document.querySelectorAll("body *")].filter((el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && box.right > window.innerWidth + 1;
        }).filter((el) => {
            // Only the outermost too-wide elements: their children are too wide because of them.
            let p = el.parentElement;
            while (p && p !== document.body) {
                if (p.getBoundingClientRect().right > window.innerWidth + 1) return false;
                p = p.parentElement;
            }
            return true;
        });
        faults.push({kind: "horizontal scroll",
                     detail: `${scroller.scrollWidth} > ${window.innerWidth}: ` +
                             wide.slice(0, 3).map(describe).join(", ")});
    }
    for (const el of document.querySelectorAll("body *")) {
        const style = getComputedStyle(el);
        if (style.display === "none" || style.visibility === "hidden") continue;
        if (el.closest(".visually-hidden, .visually-hidden-focusable, [hidden], canvas")) continue;
        const clips = (o) => o === "hidden" || o === "clip";
        if (!clips(style.overflowX) && !clips(style.overflow)) continue;
        if (style.textOverflow === "ellipsis" && el.title) continue;  // the whole text on hover
        // A 1 px box is the visually-hidden pattern (a stacked table's header): heard, not seen.
        if (el.clientWidth <= 1) continue;
        if (el.scrollWidth > el.clientWidth + 1 && el.innerText.trim()) {
            faults.push({kind: "clipped text",
                         detail: `${describe(el)} (${el.scrollWidth} > ${el.clientWidth}): ` +
                                 el.innerText.trim().slice(0, 60)});
        }
    }
    function describe(el) {
        let s = el.tagName.toLowerCase();
        if (el.id) s += "#" + el.id;
        if (el.classList.length) s += "." + [...el.classList].slice(0, 3).join(".");
        return s;
    }
    return faults;
}"""


def layout_faults(page) -> list[dict]:
    """Horizontal scroll of the whole page, and elements that hide part of their own text
    (overflow hidden or clip with content wider than the box)."""
    return page.evaluate(LAYOUT_FAULTS_JS)


CHARTS_WITHOUT_TABLE_JS = """() => [...document.querySelectorAll("canvas")].filter((canvas) => {
    const ids = (canvas.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    if (ids.some((id) => document.getElementById(id))) return false;
    let box = canvas.parentElement;
    for (let depth = 0; depth < 4 && box; depth += 1, box = box.parentElement) {
        if (box.querySelector("table")) return false;
        const links = [...box.querySelectorAll("a[href^='#']")].map(
            (a) => document.getElementById(a.getAttribute("href").slice(1)));
        if (links.some((t) => t && (t.matches("table") || t.querySelector("table")))) return false;
    }
    return true;
}).map((canvas) => canvas.id || "canvas")"""


def charts_without_table(page) -> list[str]:
    """Charts with no text alternative: neither aria-describedby to an element nor a table (or a
    link to one) in the chart's box or the boxes around it."""
    return page.evaluate(CHARTS_WITHOUT_TABLE_JS)


WIDE_TABLES_JS = """() => [...document.querySelectorAll("main table")].filter((table) => {
    if (table.classList.contains("table-stack") || !table.offsetParent) return false;
    return table.getBoundingClientRect().width > table.parentElement.clientWidth + 1;
}).map((table) => table.id || (table.caption && table.caption.textContent.trim())
        || [...table.querySelectorAll("th")].slice(0, 2).map((th) => th.textContent.trim())
            .join(", "))"""


def wide_tables(page) -> list[str]:
    """Tables wider than the screen that do not stack (their last columns are off-screen and
    must be scrolled to): on a phone, a table's key columns must be visible."""
    return page.evaluate(WIDE_TABLES_JS)
