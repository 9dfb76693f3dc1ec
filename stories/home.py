"""Home-page panels of the stories app (see config.navigation.HOME_PANELS)."""

from django.template.loader import render_to_string

from .models import Story


def my_stories_panel(request) -> str:
    """A maker's own stories with their status, newest change first."""
    stories = (
        Story.objects.visible_to(request.user)
        .authored_by(request.user)
        .only("uuid", "title", "status", "updated_at")
        .order_by("-updated_at")[:5]
    )
    return render_to_string("stories/_home_my_stories.html", {"stories": stories}, request=request)


def review_panel(request) -> str:
    """For the CoE: stories waiting for a decision, oldest submission first."""
    waiting = Story.objects.visible_to(request.user).awaiting_review()
    return render_to_string(
        "stories/_home_review.html",
        {
            "stories": waiting.select_related("author")
            .only("uuid", "title", "status", "author")
            .order_by("submitted_at", "created_at")[:5],
            "count": waiting.count(),
        },
        request=request,
    )


def latest_panel(request) -> str:
    """The newest published stories, for readers such as executives."""
    stories = (
        Story.objects.visible_to(request.user)
        .published()
        .select_related("business_unit")
        .order_by("-published_at")[:5]
    )
    return render_to_string("stories/_home_latest.html", {"stories": stories}, request=request)
