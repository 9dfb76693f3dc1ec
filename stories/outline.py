"""The slide outline a maker starts a show-and-tell presentation from, generated as Markdown.

Four slides, in the order a short demo usually runs: architecture, the problem, the solution as
it runs today, and the business value with the measured figures."""

from django.utils.formats import number_format
from django.utils.translation import gettext

from .models import Story


def _clip(text: str, limit: int = 600) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _number(value) -> str:
    """Grouped, at most two decimals, in the active language's style ("1,234.5" / "1.234,5")."""
    text = number_format(value, 2, force_grouping=True)
    decimal = number_format(0.5, 1)[1]
    return text.rstrip("0").rstrip(decimal) if decimal in text else text


def story_slide_outline(story: Story, *, currency: str = "EUR") -> str:
    """Markdown with one `##` heading per slide for `story` (metrics and solution preloaded)."""
    lines = [f"# {story.title}", ""]
    lines += [
        "_"
        + gettext("%(kind)s · %(unit)s · presented by %(author)s")
        % {
            "kind": story.get_solution_kind_display(),
            "unit": story.business_unit,
            "author": story.author,
        }
        + "_",
        "",
    ]
    lines += ["## " + gettext("1. Architecture"), ""]
    lines += [
        "- " + gettext("Solution kind: %(kind)s") % {"kind": story.get_solution_kind_display()}
    ]
    if story.solution_id:
        lines += [
            "- "
            + gettext("In the solution inventory as: %(solution)s") % {"solution": story.solution}
        ]
    lines += [
        "",
        _clip(story.architecture)
        or "_" + gettext("Sketch the components and how they connect.") + "_",
        "",
    ]
    lines += ["## " + gettext("2. Problem"), ""]
    lines += [
        _clip(story.business_scenario)
        or "_" + gettext("What was hard before, and for whom?") + "_",
        "",
    ]
    if story.before_process.strip():
        lines += ["**" + gettext("Before:") + "**", "", _clip(story.before_process, 400), ""]
    lines += ["## " + gettext("3. Current solution"), ""]
    lines += [_clip(story.solution_summary) or _clip(story.overview), ""]
    lines += ["## " + gettext("4. Business value"), ""]
    for highlight in story.highlights:
        lines.append(f"- {highlight}")
    metrics = list(story.metrics.all())
    if metrics:
        header = " | ".join(
            [gettext("Measure"), gettext("Before"), gettext("After"), gettext("Change")]
        )
        lines += ["", f"| {header} |", "|---|---|---|---|"]
        for m in metrics:
            change = m.change_percent
            change_text = (
                "—" if change is None else ("+" if change > 0 else "") + _number(change) + " %"
            )
            period = f" {m.period}" if m.period else ""
            lines.append(
                f"| {m.name} ({m.unit}{period}) | {_number(m.before_value)} | "
                f"{_number(m.after_value)} | {change_text} |"
            )
    yearly = []
    if story.hours_saved_per_year:
        yearly.append(gettext("%(hours)s hours") % {"hours": _number(story.hours_saved_per_year)})
    if story.cost_saved_per_year:
        yearly.append(f"{_number(story.cost_saved_per_year)} {currency}")
    if yearly:
        lines += [
            "",
            gettext("Estimated savings per year: %(savings)s.")
            % {"savings": (" " + gettext("and") + " ").join(yearly)},
        ]
    lines += [
        "",
        "## " + gettext("Questions"),
        "",
        "_" + gettext("Leave a few minutes for questions from the audience.") + "_",
        "",
    ]
    return "\n".join(lines)
