from .views import NewsletterViewSet, ShowAndTellSessionViewSet, StoryMetricViewSet, StoryViewSet

routes = [
    ("stories", StoryViewSet, "story"),
    ("story-metrics", StoryMetricViewSet, "story-metric"),
    ("show-and-tell-sessions", ShowAndTellSessionViewSet, "show-and-tell-session"),
    ("newsletters", NewsletterViewSet, "newsletter"),
]
