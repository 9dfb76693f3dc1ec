"""Pictures for the demo stories, drawn with Pillow when the demo is set up: a screen of the app
(a phone form, a web page, a chat, a report), the flow as a diagram, and a before/after chart
of the story's first measured effect. Nothing is downloaded, nothing is random: the same story
gives the same bytes every time, and all of them take well under a second to draw."""

import hashlib
import io
import textwrap
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 675
INK, MUTED, PAPER, LINE = "#1f2430", "#5d6475", "#ffffff", "#d5d9e2"
# One accent per solution kind, so that the library does not look like one picture repeated.
ACCENTS = {
    "cloud_flow": "#0f6cbd",
    "canvas_app": "#742774",
    "model_driven_app": "#6b3fa0",
    "power_bi_report": "#c28b00",
    "copilot_agent": "#0b7a75",
    "power_pages_site": "#2f6f3e",
    "desktop_flow": "#1b5e9b",
}

# What each demo app shows on its screen, by story title.
SCREENS: dict[str, dict] = {
    "Vehicle inspections on a phone, no more paper checklists": {
        "kind": "phone",
        "caption": "The inspection checklist on a driver's phone",
        "app": "Van check",
        "fields": [
            ("Vehicle", "VN-214 · Transit"),
            ("Tyres and wheels", "OK"),
            ("Lights and indicators", "Defect: rear left"),
            ("Photo", "1 photo attached"),
            ("Mileage", "48,210"),
        ],
        "button": "Send to workshop",
    },
    "A self-service portal for new suppliers": {
        "kind": "web",
        "caption": "The registration page suppliers fill in",
        "address": "suppliers.example.org/register",
        "heading": "Register as a supplier",
        "fields": [
            ("Company name", "Northwind Traders Ltd"),
            ("VAT number", "GB 123 4567 89"),
            ("Bank details", "Verified"),
            ("Insurance certificate", "insurance-2026.pdf"),
        ],
        "button": "Submit for approval",
    },
    "A Copilot agent that answers new starters' questions": {
        "kind": "chat",
        "caption": "The agent answering a new starter in Teams",
        "agent": "New starter helper",
        "messages": [
            ("user", "When do I get my laptop?"),
            ("agent", "On your first morning: IT hands it over at 9:00 at the front desk."),
            ("user", "How do I book training?"),
            ("agent", "Open Learning in Teams and pick 'Induction'. Here is the link."),
        ],
    },
    "One stock dashboard for every warehouse": {
        "kind": "report",
        "caption": "The stock report every warehouse manager opens in the morning",
        "tiles": [("Stock-outs", "5"), ("Lines below minimum", "42"), ("Warehouses", "6")],
        "bars": [("North", 82), ("South", 64), ("East", 91), ("West", 57), ("Port", 73)],
    },
}


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: one small bitmap font
        return ImageFont.load_default()


def _canvas(background: str = "#f4f6fa"):
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    return image, ImageDraw.Draw(image)


def _title(draw, text: str, accent: str) -> None:
    draw.rectangle([0, 0, WIDTH, 8], fill=accent)
    draw.text((48, 34), text, fill=INK, font=_font(36))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def phone_form(title: str, screen: dict, accent: str) -> bytes:
    image, draw = _canvas()
    _title(draw, title, accent)
    draw.rounded_rectangle([440, 100, 760, 660], radius=36, fill="#20232b")
    draw.rectangle([458, 140, 742, 630], fill=PAPER)
    draw.rectangle([458, 140, 742, 196], fill=accent)
    draw.text((476, 156), screen["app"], fill=PAPER, font=_font(24))
    y = 212
    for label, value in screen["fields"]:
        draw.text((476, y), label, fill=MUTED, font=_font(16))
        warn = value.startswith("Defect")
        draw.rounded_rectangle(
            [476, y + 22, 724, y + 58], radius=6, outline="#c0392b" if warn else LINE, width=2
        )
        draw.text((488, y + 30), value, fill="#c0392b" if warn else INK, font=_font(18))
        y += 72
    draw.rounded_rectangle([476, 576, 724, 616], radius=8, fill=accent)
    draw.text((600, 596), screen["button"], fill=PAPER, font=_font(20), anchor="mm")
    return _png(image)


def web_form(title: str, screen: dict, accent: str) -> bytes:
    image, draw = _canvas()
    _title(draw, title, accent)
    draw.rounded_rectangle([150, 100, 1050, 650], radius=12, fill=PAPER, outline=LINE, width=2)
    draw.rectangle([152, 102, 1048, 146], fill="#e9ecf2")
    for i, colour in enumerate(["#e0605a", "#e6b84a", "#5bbf6a"]):
        draw.ellipse([172 + i * 24, 116, 186 + i * 24, 130], fill=colour)
    draw.rounded_rectangle([260, 110, 900, 138], radius=14, fill=PAPER)
    draw.text((278, 115), screen["address"], fill=MUTED, font=_font(16))
    draw.rectangle([152, 146, 1048, 200], fill=accent)
    draw.text((190, 160), screen["heading"], fill=PAPER, font=_font(26))
    y = 224
    for label, value in screen["fields"]:
        draw.text((190, y + 10), label, fill=MUTED, font=_font(20))
        draw.rounded_rectangle([460, y, 1010, y + 44], radius=6, outline=LINE, width=2)
        draw.text((476, y + 11), value, fill=INK, font=_font(20))
        y += 68
    draw.rounded_rectangle([760, 580, 1010, 626], radius=8, fill=accent)
    draw.text((885, 603), screen["button"], fill=PAPER, font=_font(20), anchor="mm")
    return _png(image)


def chat(title: str, screen: dict, accent: str) -> bytes:
    image, draw = _canvas()
    _title(draw, title, accent)
    draw.rounded_rectangle([200, 100, 1000, 650], radius=12, fill=PAPER, outline=LINE, width=2)
    draw.rectangle([202, 102, 998, 156], fill="#eef0f6")
    draw.ellipse([222, 112, 258, 148], fill=accent)
    draw.text((274, 118), screen["agent"], fill=INK, font=_font(22))
    y = 180
    for who, text in screen["messages"]:
        lines = textwrap.wrap(text, 42)
        height = 20 + 28 * len(lines)
        left = who == "agent"
        x0, x1 = (230, 720) if left else (480, 970)
        draw.rounded_rectangle(
            [x0, y, x1, y + height], radius=14, fill="#e6f3f2" if left else accent
        )
        for i, line in enumerate(lines):
            draw.text((x0 + 18, y + 12 + i * 28), line, fill=INK if left else PAPER, font=_font(20))
        y += height + 22
    return _png(image)


def report(title: str, screen: dict, accent: str) -> bytes:
    image, draw = _canvas()
    _title(draw, title, accent)
    for i, (label, value) in enumerate(screen["tiles"]):
        x = 60 + i * 370
        draw.rounded_rectangle([x, 100, x + 340, 210], radius=10, fill=PAPER, outline=LINE)
        draw.text((x + 20, 116), label, fill=MUTED, font=_font(20))
        draw.text((x + 20, 146), value, fill=accent, font=_font(44))
    draw.rounded_rectangle([60, 240, 1140, 640], radius=10, fill=PAPER, outline=LINE)
    draw.text((84, 256), "Stock cover by warehouse (%)", fill=INK, font=_font(22))
    for i, (label, percent) in enumerate(screen["bars"]):
        x = 140 + i * 200
        top = 600 - percent * 3
        draw.rectangle([x, top, x + 110, 600], fill=accent)
        draw.text((x + 55, top - 24), f"{percent} %", fill=INK, font=_font(18), anchor="mm")
        draw.text((x + 55, 620), label, fill=MUTED, font=_font(18), anchor="mm")
    return _png(image)


def flow_diagram(title: str, steps: list[str], accent: str) -> bytes:
    image, draw = _canvas()
    _title(draw, title, accent)
    count = len(steps)
    gap, box = 40, min(230, (WIDTH - 96 - 40 * (count - 1)) // count)
    x = (WIDTH - (count * box + (count - 1) * gap)) // 2
    for i, step in enumerate(steps):
        top = 250 if i % 2 == 0 else 330  # a gentle zig-zag reads as a flow, not a table
        draw.rounded_rectangle(
            [x, top, x + box, top + 130], radius=14, fill=PAPER, outline=accent, width=3
        )
        draw.ellipse([x + 14, top + 14, x + 44, top + 44], fill=accent)
        draw.text((x + 29, top + 29), str(i + 1), fill=PAPER, font=_font(18), anchor="mm")
        for j, line in enumerate(textwrap.wrap(step, max(10, box // 12))[:3]):
            draw.text((x + 16, top + 56 + j * 24), line, fill=INK, font=_font(19))
        if i < count - 1:
            next_top = 330 if i % 2 == 0 else 250
            start, end = (x + box, top + 65), (x + box + gap, next_top + 65)
            draw.line([start, end], fill=MUTED, width=4)
            draw.polygon([end, (end[0] - 12, end[1] - 8), (end[0] - 12, end[1] + 8)], fill=MUTED)
        x += box + gap
    return _png(image)


def before_after(metric: tuple, accent: str) -> bytes:
    name, unit, before, after, period = metric
    before, after = Decimal(before), Decimal(after)
    image, draw = _canvas()
    _title(draw, name, accent)
    draw.text((48, 84), f"{unit} {period}".strip(), fill=MUTED, font=_font(22))
    top = max(before, after) or Decimal(1)
    base = 590
    for i, (label, amount, colour) in enumerate(
        [("Before", before, "#9aa3b5"), ("After", after, accent)]
    ):
        x = 330 + i * 330
        height = int(400 * amount / top)
        draw.rectangle([x, base - height, x + 200, base], fill=colour)
        draw.text(
            (x + 100, base - height - 28),
            f"{amount.normalize():f}",
            fill=INK,
            font=_font(30),
            anchor="mm",
        )
        draw.text((x + 100, base + 30), label, fill=MUTED, font=_font(24), anchor="mm")
    draw.line([280, base, 920, base], fill=INK, width=3)
    if before:
        change = (after - before) / before * 100
        draw.text((1000, 300), f"{change:+.0f} %", fill=accent, font=_font(48), anchor="mm")
    return _png(image)


DRAW_SCREEN = {"phone": phone_form, "web": web_form, "chat": chat, "report": report}


def story_pictures(spec: dict) -> list[tuple[str, ContentFile]]:
    """(caption, file) for a demo story: its screen or flow, then its first metric's chart."""
    accent = ACCENTS.get(spec["kind"], "#0f6cbd")
    drawn: list[tuple[str, bytes]] = []
    screen = SCREENS.get(spec["title"])
    if screen is not None:
        drawn.append(
            (screen["caption"], DRAW_SCREEN[screen["kind"]](spec["title"], screen, accent))
        )
    steps = [step.strip(" .") for step in spec.get("architecture", "").split("→") if step.strip()]
    if len(steps) > 1:
        drawn.append(
            ("How it works: " + " → ".join(steps), flow_diagram(spec["title"], steps, accent))
        )
    if spec.get("metrics"):
        metric = spec["metrics"][0]
        caption = f"{metric[0]}: {metric[2]} → {metric[3]} {metric[1]} {metric[4]}".strip()
        drawn.append((caption, before_after(metric, accent)))
    return [
        (caption, ContentFile(data, name=f"demo-{hashlib.sha256(data).hexdigest()[:16]}.png"))
        for caption, data in drawn
    ]
