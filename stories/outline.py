"""The slide outline a maker starts a show-and-tell presentation from, generated as Markdown.

Four slides, in the order a short demo usually runs: architecture, the problem, the solution as
it runs today, and the business value with the measured figures."""

from .models import Story


def _clip(text: str, limit: int = 600) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _number(value) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def story_slide_outline(story: Story, *, currency: str = "EUR") -> str:
    """Markdown with one `##` heading per slide for `story` (metrics and solution preloaded)."""
    lines = [f"# {story.title}", ""]
    lines += [
        f"_{story.get_solution_kind_display()} · {story.business_unit} · "
        f"presented by {story.author}_",
        "",
    ]
    lines += ["## 1. Architecture", ""]
    lines += [f"- Solution kind: {story.get_solution_kind_display()}"]
    if story.solution_id:
        lines += [f"- In the solution inventory as: {story.solution}"]
    lines += ["", _clip(story.architecture) or "_Sketch the components and how they connect._", ""]
    lines += ["## 2. Problem", ""]
    lines += [_clip(story.business_scenario) or "_What was hard before, and for whom?_", ""]
    if story.before_process.strip():
        lines += ["**Before:**", "", _clip(story.before_process, 400), ""]
    lines += ["## 3. Current solution", ""]
    lines += [_clip(story.solution_summary) or _clip(story.overview), ""]
    lines += ["## 4. Business value", ""]
    for highlight in story.highlights:
        lines.append(f"- {highlight}")
    metrics = list(story.metrics.all())
    if metrics:
        lines += ["", "| Measure | Before | After | Change |", "|---|---|---|---|"]
        for m in metrics:
            change = m.change_percent
            change_text = "—" if change is None else f"{change:+} %"
            period = f" {m.period}" if m.period else ""
            lines.append(
                f"| {m.name} ({m.unit}{period}) | {_number(m.before_value)} | "
                f"{_number(m.after_value)} | {change_text} |"
            )
    yearly = []
    if story.hours_saved_per_year:
        yearly.append(f"{_number(story.hours_saved_per_year)} hours")
    if story.cost_saved_per_year:
        yearly.append(f"{_number(story.cost_saved_per_year)} {currency}")
    if yearly:
        lines += ["", f"Estimated savings per year: {' and '.join(yearly)}."]
    lines += ["", "## Questions", "", "_Leave a few minutes for questions from the audience._", ""]
    return "\n".join(lines)
