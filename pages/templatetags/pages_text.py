"""Text the pages draw: the words around a quote, text shortened at a word boundary."""

from django import template

from access.text import from_whole_word, shorten, to_whole_word
from claims.models import SELECTOR_CONTEXT

register = template.Library()


@register.filter(name="shorten")
def shorten_filter(text: str, limit: int = 80) -> str:
    """At most ``limit`` characters, cut at a word boundary (``truncatechars`` cuts words)."""
    return shorten(str(text), int(limit))


@register.filter
def context_before(attribution) -> str:
    """The words of the body just before the quote (``quote_prefix``, see
    ``AttributionQuerySet.with_selectors``), "…" first where the body goes on before
    them; a word the window cuts in two is left out."""
    prefix = attribution.quote_prefix or ""
    if attribution.start is None or attribution.start <= len(prefix):
        return prefix
    return "…" + from_whole_word(prefix)


@register.filter
def context_after(attribution) -> str:
    """The words of the body just after the quote (``quote_suffix``), then "…" where the
    body may go on: a suffix as long as the window was cut, its last word left out if it
    may be part of one."""
    suffix = attribution.quote_suffix or ""
    if len(suffix) < SELECTOR_CONTEXT:
        return suffix
    return to_whole_word(suffix) + "…"
