"""List pages whose results are rendered once per data version.

The rows and pagination of a list (a library of stories, the plans, the solution inventory)
cost most of its page: the count, the rows, their prefetches and a template per row. Where they
are the same for many readers, the page renders them once and keeps the HTML in the figures
cache (config.figures_cache): the key holds the data version, so the next write of any figures
model shows at the next visit, and the reader's language, as the rows hold translated labels."""

import hashlib

from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.generic.base import ContextMixin
from django.views.generic.list import MultipleObjectMixin

from . import figures_cache


def page_number(request) -> str | None:
    """The page asked for when it can be a key ("1" when none); None for anything else (the
    list then answers it uncached: 404 for a page that does not exist)."""
    page = request.GET.get("page", "1")
    return page if page.isdigit() and len(page) <= 6 else None


class CachedResultsMixin:
    """For a ListView: the results (`results_template`, given the page context, the paginated
    rows and `results_context()`) are rendered into `results`, from the cache when
    `results_key()` names them. A repeat visit then runs no query for them, not even the
    count. What the results show must be the same for every reader the key covers."""

    results_template: str

    def results_key(self) -> str | None:
        """What the results depend on besides the data version and the language: the filters,
        the page and whatever of the reader they show. None: rendered afresh (a search)."""
        return None

    def results_context(self, context: dict) -> dict:
        """The context of the results, from the page context with the paginated rows."""
        return context

    def get_context_data(self, **kwargs):
        context = ContextMixin.get_context_data(self, **kwargs)  # paginated only for the results

        def render() -> str:
            rows = MultipleObjectMixin.get_context_data(self, **kwargs)
            results = self.results_context({**context, **rows})
            return render_to_string(self.results_template, results, request=self.request)

        key = self.results_key()
        if key is None:
            context["results"] = render()
        else:
            key = f"list:{get_language() or 'en-gb'}:{key}"
            if len(key) > 200:  # filters in the key (a long tag, say): a digest keeps it short
                key = "list:" + hashlib.sha256(key.encode()).hexdigest()
            context["results"] = figures_cache.cached(key, render)
        return context
