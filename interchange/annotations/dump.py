"""Writing articles back out as annotation documents, and comparing documents."""

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from os import PathLike
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.text import slugify

from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation
from interchange.annotations.parse import parse_annotation
from interchange.annotations.schema import (
    ARTICLE_MODEL_FIELDS,
    ATTRIBUTION_MODEL_FIELDS,
    CLAIM_MODEL_FIELDS,
    FORMAT,
    OUTLET_MODEL_FIELDS,
    SOURCE_MODEL_FIELDS,
)
from interchange.annotations.values import ref
from sources.identifiers import normalize_identifier
from sources.models import Source, SourceAlias, SourceIdentifier


def dump_annotation(articles: Article | Iterable[Article]) -> dict:
    """The annotation of one article (or several) in the format ``load_annotation`` reads,
    with the body inline and keys generated from names and text (the same rows always give
    the same keys). Relations to claims not quoted in the same article are left out, as the
    format cannot express them; orphaned spans are written without offsets."""
    if isinstance(articles, Article):
        articles = [articles]
    outlets: dict[int, dict] = {}
    outlet_keys = _KeyMaker()

    def outlet_key(outlet: Outlet | None) -> str | None:
        if outlet is None:
            return None
        if outlet.pk not in outlets:
            outlets[outlet.pk] = {
                "key": outlet_keys.make(outlet.name, fallback="outlet"),
                "name": outlet.name,
                "kind": outlet.kind,
                "domain": outlet.domain,
            }
        return outlets[outlet.pk]["key"]

    article_keys = _KeyMaker()
    dumped = [_dump_article(article, article_keys, outlet_key) for article in articles]
    return {"format": FORMAT, "outlets": list(outlets.values()), "articles": dumped}


class _KeyMaker:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, text: str, *, fallback: str, words: int = 8) -> str:
        base = slugify(" ".join(text.split()[:words])) or fallback
        key, n = base, 1
        while key in self.used:
            n += 1
            key = f"{base}-{n}"
        self.used.add(key)
        return key


def _dump_article(article: Article, article_keys: _KeyMaker, outlet_key) -> dict:
    attributions = list(
        article.attributions.select_related("source", "claim", "recipient").in_text_order()
    )
    metadata = list(
        article.metadata_spans.select_related("outlet").order_by(
            F("start").asc(nulls_last=True), "end", "id"
        )
    )
    sources = _sources_of(article, attributions)
    keys = _KeyMaker()
    source_keys = {}
    for source in sources:
        if source.name:
            source_keys[source.pk] = keys.make(source.name, fallback=source.kind)
        else:
            source_keys[source.pk] = keys.make(source.kind, fallback=source.kind)

    claims: list[Claim] = []
    for attribution in attributions:
        if attribution.claim is not None and attribution.claim not in claims:
            claims.append(attribution.claim)
    claim_keys: dict[int, str] = {}
    claim_keymaker = _KeyMaker()
    for claim in claims:
        claim_keys[claim.pk] = claim_keymaker.make(claim.text, fallback="claim", words=5)
    position = {claim.pk: index for index, claim in enumerate(claims)}
    relations = sorted(
        ClaimRelation.objects.filter(from_claim__in=claims, to_claim__in=claims),
        key=lambda r: (position[r.from_claim_id], position[r.to_claim_id], r.kind, r.pk),
    )

    data = {
        "key": article_keys.make(article.headline, fallback="article"),
        "outlet": outlet_key(article.outlet),
        "origin_outlet": outlet_key(article.origin_outlet),
        "headline": article.headline,
        "url": article.url,
        "byline": article.byline,
        "dateline": article.dateline,
        "language": article.language,
        "status": article.status,
        "published_at": _iso(article.published_at),
        "last_updated_at": _iso(article.last_updated_at),
    }
    if article.notes:
        data["notes"] = article.notes
    data["body"] = article.body
    data["sources"] = [_dump_source(source, source_keys) for source in sources]
    data["claims"] = [_dump_claim(claim, claim_keys) for claim in claims]
    data["attributions"] = [
        _dump_attribution(attribution, source_keys, claim_keys, outlet_key)
        for attribution in attributions
    ]
    data["metadata"] = [_dump_metadata(span, outlet_key) for span in metadata]
    data["relations"] = [
        {
            "from": claim_keys[relation.from_claim_id],
            "to": claim_keys[relation.to_claim_id],
            "kind": relation.kind,
            "note": relation.note,
        }
        for relation in relations
    ]
    return data


def _sources_of(article: Article, attributions: list[Attribution]) -> list[Source]:
    """The article's sources: those it quotes, those that belong to it, and their
    affiliations and owners, oldest first."""
    wanted = {a.source_id for a in attributions if a.source_id is not None}
    wanted |= set(article.local_sources.values_list("pk", flat=True))
    found: dict[int, Source] = {}
    aliases = models.Prefetch("aliases", queryset=SourceAlias.objects.order_by("pk"))
    identifiers = models.Prefetch("identifiers", queryset=SourceIdentifier.objects.order_by("pk"))
    while wanted:
        batch = Source.objects.filter(pk__in=wanted).prefetch_related(aliases, identifiers)
        found.update((source.pk, source) for source in batch)
        wanted = {
            pk
            for source in found.values()
            for pk in (source.affiliation_id, source.owner_id)
            if pk is not None and pk not in found
        }
    return sorted(found.values(), key=lambda source: source.pk)


def _dump_source(source: Source, keys: dict[int, str]) -> dict:
    data: dict[str, Any] = {"key": keys[source.pk], "kind": source.kind}
    for name in ("name", "description", "role", "role_type"):
        if getattr(source, name):
            data[name] = getattr(source, name)
    if source.affiliation_id is not None:
        data["affiliation"] = keys[source.affiliation_id]
    if source.kind == Source.Kind.OFFICIAL_ACCOUNT:
        data["platform"] = source.platform
        data["handle"] = source.handle
    if source.owner_id is not None:
        data["owner"] = keys[source.owner_id]
    if source.anonymity_reason:
        data["anonymity_reason"] = source.anonymity_reason
    aliases = [alias.name for alias in source.aliases.all()]
    if aliases:
        data["aliases"] = aliases
    identifiers = [{"scheme": i.scheme, "value": i.value} for i in source.identifiers.all()]
    if identifiers:
        data["identifiers"] = identifiers
    if source.notes:
        data["notes"] = source.notes
    return data


def _dump_claim(claim: Claim, keys: dict[int, str]) -> dict:
    data: dict[str, Any] = {"key": keys[claim.pk], "text": claim.text}
    if claim.event_date is not None:
        data["event_date"] = claim.event_date.isoformat()
    if claim.notes:
        data["notes"] = claim.notes
    return data


def _dump_attribution(
    attribution: Attribution, source_keys: dict[int, str], claim_keys: dict[int, str], outlet_key
) -> dict:
    data = {
        "source": (
            source_keys.get(attribution.source_id) if attribution.source_id is not None else None
        ),
        "claim": claim_keys.get(attribution.claim_id) if attribution.claim_id is not None else None,
        "kind": attribution.kind,
        "start": attribution.start,
        "end": attribution.end,
        "text": attribution.text,
        "cue": attribution.cue,
        "speaker_mention": attribution.speaker_mention,
        "channel": attribution.channel,
        "recipient": outlet_key(attribution.recipient),
        "said_on": _iso(attribution.said_on),
        "said_when_text": attribution.said_when_text,
    }
    if attribution.note:
        data["note"] = attribution.note
    if attribution.stance != Attribution.Stance.ASSERTS:
        data["stance"] = attribution.stance
    if attribution.act != Attribution.Act.SPEECH:
        data["act"] = attribution.act
    if attribution.is_suggested:
        data["is_suggested"] = True
    if attribution.is_reviewed:
        data["is_reviewed"] = True
    return data


def _dump_metadata(span: MetadataSpan, outlet_key) -> dict:
    data: dict[str, Any] = {"kind": span.kind}
    if span.outlet_id is not None:
        data["outlet"] = outlet_key(span.outlet)
    data.update(start=span.start, end=span.end, text=span.text)
    return data


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


# Comparing


def canonical_form(document: str | PathLike | Mapping) -> dict:
    """What a document says, without its keys, its description and the order of its items.

    Two documents annotating the same articles the same way have equal canonical forms,
    whatever keys they use and whether a body is inline or in a file. Keys are replaced by
    what they name: outlets by name, sources by kind and name (or description), claims by
    text. Raises ``AnnotationError`` if the document is invalid.
    """
    parsed = parse_annotation(document)
    outlet_names = {outlet["key"]: outlet["name"] for outlet in parsed["outlets"]}
    return {
        "outlets": _sorted(
            [{name: outlet[name] for name in OUTLET_MODEL_FIELDS} for outlet in parsed["outlets"]]
        ),
        "articles": _sorted(
            [_canonical_article(article, outlet_names) for article in parsed["articles"]]
        ),
    }


def _canonical_article(article: dict, outlet_names: dict[str, str]) -> dict:
    sources = {
        source["key"]: f"{source['kind']}: {source['name'] or source['description']}"
        for source in article["sources"]
    }
    claims = {claim["key"]: claim["text"] for claim in article["claims"]}

    def outlet(key):
        return ref(outlet_names, key)

    data = {name: _jsonable(article[name]) for name in (*ARTICLE_MODEL_FIELDS, "body")}
    data.update(outlet=outlet(article["outlet"]), origin_outlet=outlet(article["origin_outlet"]))
    data["sources"] = _sorted(
        [
            {
                **{name: source[name] for name in SOURCE_MODEL_FIELDS},
                "affiliation": ref(sources, source["affiliation"]),
                "owner": ref(sources, source["owner"]),
                "aliases": sorted(source["aliases"]),
                "identifiers": sorted(
                    (item["scheme"], normalize_identifier(item["scheme"], item["value"]).normalized)
                    for item in source["identifiers"]
                ),
            }
            for source in article["sources"]
        ]
    )
    data["claims"] = _sorted(
        [
            {name: _jsonable(claim[name]) for name in CLAIM_MODEL_FIELDS}
            for claim in article["claims"]
        ]
    )
    data["attributions"] = _sorted(
        [
            {
                **{name: _jsonable(item[name]) for name in ATTRIBUTION_MODEL_FIELDS},
                "start": item["start"],
                "end": item["end"],
                "source": ref(sources, item["source"]),
                "claim": ref(claims, item["claim"]),
                "recipient": outlet(item["recipient"]),
            }
            for item in article["attributions"]
        ]
    )
    data["metadata"] = _sorted(
        [
            {
                **{name: item[name] for name in ("kind", "start", "end", "text")},
                "outlet": outlet(item["outlet"]),
            }
            for item in article["metadata"]
        ]
    )
    data["relations"] = _sorted(
        [
            {
                "from": claims[item["from"]],
                "to": claims[item["to"]],
                "kind": item["kind"],
                "note": item["note"],
            }
            for item in article["relations"]
        ]
    )
    return data


def _sorted(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, default=str))


def _jsonable(value: Any) -> Any:
    return _iso(value) if isinstance(value, date) else value
