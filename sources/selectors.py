"""Reads of sources that several places share: finding a source by its name.

One rule, for every place that looks a source up by name (the annotation load, bulk
import, accepting a suggestion, the extractor's known sources, the quote check): a source
is named ``name`` when its name or one of its aliases is ``name``, ignoring case and
spacing (``normalize_name``). Anonymous sources and unnamed groups belong to the one
article that describes them, so they are found only within that article, unless the look-up
is across the whole archive (``any_article``).
"""

from collections.abc import Iterable

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.db.models.functions import Lower

from articles.models import Article
from sources.models import Source, SourceAlias, normalize_name
from sources.names import fold_accents


def name_forms(names: Iterable[str]) -> list[str]:
    """The forms the names are compared in: ``normalize_name``'s (what aliases store), and
    the lower-cased one with spaces collapsed (what the database's ``LOWER`` gives a stored
    name, which differs where case folding changes a letter: "ß", "ſ")."""
    forms: set[str] = set()
    for name in names:
        forms.add(normalize_name(name))
        forms.add(" ".join(name.lower().split()))
        # Without accents too: "Calderon" finds "Calderón" by the alias it is given
        # (``ascii_alias``), and "Calderón" finds a stored "Calderon".
        forms.add(normalize_name(fold_accents(name)))
    forms.discard("")
    return sorted(forms)


def _within(
    *, kind: str | Iterable[str] | None, article: Article | None, any_article: bool
) -> QuerySet[Source]:
    sources = Source.objects.all()
    if kind is not None:
        sources = sources.filter(kind__in=[kind] if isinstance(kind, str) else list(kind))
    if not any_article:
        local = Q(article__isnull=True)
        if article is not None and article.pk is not None:
            local |= Q(article=article)
        sources = sources.filter(local)
    return sources


def sources_with_any_name(
    names: Iterable[str],
    *,
    kind: str | Iterable[str] | None = None,
    article: Article | None = None,
    any_article: bool = False,
) -> QuerySet[Source]:
    """Sources named any of ``names`` (by name or alias, ignoring case and spacing), of
    ``kind`` (one or several kinds) when given; unordered.

    Sources that belong to an article (anonymous sources, unnamed groups) are found only
    when they belong to ``article``, or with ``any_article`` whatever their article.
    """
    forms = name_forms(names)
    if not forms:
        return Source.objects.none()
    return (
        _within(kind=kind, article=article, any_article=any_article)
        .alias(lower_name=Lower("name"))
        .filter(
            Q(lower_name__in=forms)
            | Q(pk__in=SourceAlias.objects.filter(normalized__in=forms).values("source_id"))
        )
    )


def sources_named(
    name: str,
    *,
    kind: str | Iterable[str] | None = None,
    article: Article | None = None,
    any_article: bool = False,
    partial: bool = False,
) -> QuerySet[Source]:
    """Sources named ``name`` (see ``sources_with_any_name`` for ``kind``, ``article`` and
    ``any_article``): those whose own name it is first (``name_matches`` is True on them),
    then those that have it as an alias only; the oldest first in each.

    With ``partial``, when no source is named ``name``, the sources whose name contains it
    ("Varnok" for Ilse Varnok), in the order of their names; this costs one query more.
    """
    forms = name_forms([name])
    if not forms:
        return Source.objects.none()
    named = (
        sources_with_any_name([name], kind=kind, article=article, any_article=any_article)
        .annotate(
            name_matches=Case(
                When(lower_name__in=forms, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by(F("name_matches").desc(), "pk")
    )
    if not partial or named.exists():
        return named
    return (
        _within(kind=kind, article=article, any_article=any_article)
        .filter(name__icontains=name.strip())
        .annotate(name_matches=Value(False, output_field=BooleanField()))
        .order_by("name", "pk")
    )
