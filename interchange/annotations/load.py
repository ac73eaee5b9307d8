"""Writing a checked annotation document to the database."""

from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from os import PathLike

from django.core.exceptions import ValidationError
from django.db import transaction

from access.services import set_history_user
from articles.models import Article, MetadataSpan, Outlet
from articles.services import article_create, outlet_get_or_create
from claims.models import Attribution, Claim, ClaimRelation
from claims.services import attribution_create, claim_create, claim_relation_create
from interchange.annotations.parse import parse_annotation
from interchange.annotations.schema import (
    ARTICLE_MODEL_FIELDS,
    ATTRIBUTION_MODEL_FIELDS,
    CLAIM_MODEL_FIELDS,
    METADATA_MODEL_FIELDS,
    OUTLET_MODEL_FIELDS,
    RELATION_MODEL_FIELDS,
    SOURCE_MODEL_FIELDS,
)
from interchange.annotations.values import AnnotationError, ref
from sources.identifiers import normalize_identifier
from sources.models import Source, SourceAlias, SourceIdentifier
from sources.selectors import sources_named
from sources.services import source_add_alias, source_add_identifier, source_create


@dataclass
class LoadReport:
    """What a load did: rows created, and rows already present (reused or skipped), per
    model class. ``report.created[Source]`` is the number of sources created."""

    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)

    ORDER = (
        Article,
        Outlet,
        Source,
        SourceAlias,
        SourceIdentifier,
        Claim,
        Attribution,
        MetadataSpan,
        ClaimRelation,
    )

    def __iadd__(self, other: "LoadReport") -> "LoadReport":
        self.created.update(other.created)
        self.skipped.update(other.skipped)
        return self

    def summary(self) -> str:
        created = self._describe(self.created)
        skipped = self._describe(self.skipped)
        if created and skipped:
            return f"Created {created}. Already present: {skipped}."
        if created:
            return f"Created {created}."
        if skipped:
            return f"Nothing new. Already present: {skipped}."
        return "Nothing to load."

    def _describe(self, counts: Counter) -> str:
        parts = []
        for model in self.ORDER:
            n = counts[model]
            if n:
                meta = model._meta
                parts.append(f"{n} {meta.verbose_name if n == 1 else meta.verbose_name_plural}")
        return ", ".join(parts)


def load_annotation(document: str | PathLike | Mapping, *, user=None) -> LoadReport:
    """Load a document (a path or the decoded JSON) into the database; see the module help.

    All or nothing: an invalid document raises ``AnnotationError`` before anything is
    written, and a row the models refuse raises it inside the transaction, which rolls back.
    """
    parsed = parse_annotation(document)
    report = LoadReport()
    with transaction.atomic():
        outlets: dict[str, Outlet] = {}
        for index, data in enumerate(parsed["outlets"]):
            with _writing(f"outlets[{index}]"):
                outlets[data["key"]], created = outlet_get_or_create(
                    user=user, **{name: data[name] for name in OUTLET_MODEL_FIELDS}
                )
            (report.created if created else report.skipped)[Outlet] += 1
        for data in parsed["articles"]:
            _load_article(data, outlets=outlets, user=user, report=report)
    return report


@contextmanager
def _writing(where: str):
    """Turn a model's refusal into an ``AnnotationError`` that says which item it was."""
    try:
        yield
    except AnnotationError:
        raise
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            message = "; ".join(
                msg if name == "__all__" else f"{name}: {msg}"
                for name, msgs in error.message_dict.items()
                for msg in msgs
            )
        else:
            message = " ".join(error.messages)
        raise AnnotationError([f"{where}: {message}"]) from error


def _load_article(data: dict, *, outlets: dict[str, Outlet], user, report: LoadReport) -> None:
    where = f"article {data['key']!r}"
    outlet = outlets[data["outlet"]]
    if data["url"]:
        present = Article.objects.filter(url=data["url"])
    else:
        present = Article.objects.filter(outlet=outlet, headline=data["headline"])
    if present.exists():
        report.skipped[Article] += 1
        return

    with _writing(where):
        article = article_create(
            user=user,
            outlet=outlet,
            origin_outlet=ref(outlets, data["origin_outlet"]),
            body=data["body"],
            **{name: data[name] for name in ARTICLE_MODEL_FIELDS},
        )
    report.created[Article] += 1

    sources: dict[str, Source] = {}
    for index in _creation_order(data["sources"]):
        item = data["sources"][index]
        with _writing(f"{where}: sources[{index}]"):
            sources[item["key"]] = _source_get_or_create(
                item, article=article, sources=sources, user=user, report=report
            )

    claims: dict[str, Claim] = {}
    for index, item in enumerate(data["claims"]):
        with _writing(f"{where}: claims[{index}]"):
            claims[item["key"]] = claim_create(
                user=user, **{name: item[name] for name in CLAIM_MODEL_FIELDS}
            )
        report.created[Claim] += 1

    for index, item in enumerate(data["attributions"]):
        with _writing(f"{where}: attributions[{index}]"):
            attribution_create(
                user=user,
                article=article,
                source=ref(sources, item["source"]),
                claim=ref(claims, item["claim"]),
                recipient=ref(outlets, item["recipient"]),
                start=item["start"],
                end=item["end"],
                **{name: item[name] for name in ATTRIBUTION_MODEL_FIELDS},
            )
        report.created[Attribution] += 1

    for index, item in enumerate(data["metadata"]):
        with _writing(f"{where}: metadata[{index}]"):
            span = MetadataSpan(
                article=article,
                outlet=ref(outlets, item["outlet"]),
                start=item["start"],
                end=item["end"],
                **{name: item[name] for name in METADATA_MODEL_FIELDS},
            )
            span.full_clean()
            set_history_user(span, user)
            span.save()
        report.created[MetadataSpan] += 1

    for index, item in enumerate(data["relations"]):
        with _writing(f"{where}: relations[{index}]"):
            claim_relation_create(
                user=user,
                from_claim=claims[item["from"]],
                to_claim=claims[item["to"]],
                **{name: item[name] for name in RELATION_MODEL_FIELDS},
            )
        report.created[ClaimRelation] += 1


def _creation_order(sources: list[dict]) -> list[int]:
    """Indexes of ``sources`` with each one's affiliation and owner before it, otherwise in
    document order. The document was checked to have no affiliation cycle."""
    index_of = {source["key"]: index for index, source in enumerate(sources)}
    order: list[int] = []
    visited: set[int] = set()

    def visit(index: int) -> None:
        if index in visited:
            return
        visited.add(index)
        for key in (sources[index]["affiliation"], sources[index]["owner"]):
            if key is not None:
                visit(index_of[key])
        order.append(index)

    for index in range(len(sources)):
        visit(index)
    return order


def _source_get_or_create(
    item: dict, *, article: Article, sources: dict[str, Source], user, report: LoadReport
) -> Source:
    """A named source already known (by identifier, else by name) is reused, gaining
    missing aliases and identifiers; anything else is created, anonymous sources and
    unnamed groups for ``article``."""
    source = None
    if item["kind"] not in Source.ARTICLE_BOUND_KINDS:
        source = (
            _find_identified_source(item["kind"], item["identifiers"])
            or sources_named(item["name"], kind=item["kind"]).first()
        )
    if source is not None:
        report.skipped[Source] += 1
    else:
        source = source_create(
            user=user,
            article=article if item["kind"] in Source.ARTICLE_BOUND_KINDS else None,
            affiliation=ref(sources, item["affiliation"]),
            owner=ref(sources, item["owner"]),
            **{name: item[name] for name in SOURCE_MODEL_FIELDS},
        )
        report.created[Source] += 1
    for alias in item["aliases"]:
        if source_add_alias(source=source, name=alias, user=user) is not None:
            report.created[SourceAlias] += 1
    for index, identifier in enumerate(item["identifiers"]):
        try:
            added = source_add_identifier(source=source, user=user, **identifier)
        except ValidationError as error:
            raise ValidationError(f"identifiers[{index}]: {' '.join(error.messages)}") from error
        if added is not None:
            report.created[SourceIdentifier] += 1
    return source


def _find_identified_source(kind: str, identifiers: list[dict]) -> Source | None:
    """The named source of this kind that has one of ``identifiers``, if any."""
    for identifier in identifiers:
        normal = normalize_identifier(identifier["scheme"], identifier["value"])
        found = (
            Source.objects.filter(
                kind=kind,
                article__isnull=True,
                identifiers__scheme=identifier["scheme"],
                identifiers__normalized=normal.normalized,
            )
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
    return None


# Dumping
