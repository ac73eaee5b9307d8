"""Reading and checking annotation documents, before anything is written."""

import json
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from access.text import shorten
from articles.anchoring import find_occurrences
from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation
from interchange.annotations.schema import (
    _ARTICLE_FIELDS,
    _ATTRIBUTION_FIELDS,
    _CLAIM_FIELDS,
    _DOCUMENT_FIELDS,
    _IDENTIFIER_FIELDS,
    _METADATA_FIELDS,
    _OUTLET_FIELDS,
    _RELATION_FIELDS,
    _SOURCE_FIELDS,
    ARTICLE_MODEL_FIELDS,
    ATTRIBUTION_MODEL_FIELDS,
    CLAIM_MODEL_FIELDS,
    FORMAT,
    METADATA_MODEL_FIELDS,
    OUTLET_MODEL_FIELDS,
    RELATION_MODEL_FIELDS,
    SOURCE_MODEL_FIELDS,
)
from interchange.annotations.values import (
    _INVALID,
    AnnotationError,
    _check_key,
    _check_ref,
    _clean_fields,
    _clean_value,
    _items,
    _Problems,
    _shape,
    json_type,
)
from sources.identifiers import Scheme, normalize_identifier
from sources.models import Source, SourceAlias, normalize_name

# Reading and checking


def parse_annotation(document: str | PathLike | Mapping) -> dict:
    """Read and check a document: a path to a JSON file, or the decoded JSON itself.

    Returns the document normalised: every optional field filled with its default, dates and
    times parsed, each article's body inline and omitted offsets located. Touches no database
    table. Raises ``AnnotationError`` listing every problem found.
    """
    base_dir: Path | None = None
    if isinstance(document, str | PathLike):
        path = Path(document)
        base_dir = path.parent
        try:
            raw = json.loads(path.read_bytes().decode("utf-8"))
        except OSError as error:
            raise AnnotationError([f"cannot read the file: {error.strerror or error}"]) from error
        except UnicodeDecodeError as error:
            raise AnnotationError([f"the file is not UTF-8: {error}"]) from error
        except json.JSONDecodeError as error:
            raise AnnotationError(
                [f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"]
            ) from error
    else:
        raw = document
    problems = _Problems()
    parsed = _parse_document(raw, base_dir, problems)
    if problems or parsed is None:
        raise AnnotationError(problems.items)
    return parsed


def _parse_document(raw: Any, base_dir: Path | None, problems: _Problems) -> dict | None:
    doc = _shape(raw, _DOCUMENT_FIELDS, "document", problems)
    if doc is None:
        return None
    if doc["format"] != FORMAT:
        problems.add("format", f"expected {FORMAT!r}, got {doc['format']!r}")
    if not isinstance(doc["description"], str):
        problems.add("description", f"expected text, got {json_type(doc['description'])}")

    outlets: list[dict] = []
    outlet_keys: set[str] = set()
    outlet_names: dict[str, str] = {}
    for index, item in enumerate(_items(doc["outlets"], "outlets", problems)):
        where = f"outlets[{index}]"
        outlet = _shape(item, _OUTLET_FIELDS, where, problems)
        if outlet is None or not _check_key(outlet, outlet_keys, where, problems):
            continue
        _clean_fields(Outlet, outlet, OUTLET_MODEL_FIELDS, where, problems)
        if isinstance(outlet["name"], str):
            lowered = outlet["name"].lower()
            if lowered in outlet_names:
                problems.add(where, f"same name as outlet {outlet_names[lowered]!r}; give it once")
            outlet_names[lowered] = outlet["key"]
        outlets.append(outlet)

    articles: list[dict] = []
    article_keys: set[str] = set()
    seen: dict[tuple, str] = {}
    for index, item in enumerate(_items(doc["articles"], "articles", problems)):
        where = f"articles[{index}]"
        if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"]:
            where = f"article {item['key']!r}"
        article = _parse_article(item, where, outlet_keys, base_dir, problems)
        if article is None or not _check_key(article, article_keys, where, problems):
            continue
        identity = (
            ("url", article["url"]) if article["url"] else (article["outlet"], article["headline"])
        )
        if identity in seen:
            problems.add(where, f"the same article as {seen[identity]!r} (same URL or headline)")
        seen[identity] = article["key"]
        articles.append(article)
    return {
        "format": FORMAT,
        "description": doc["description"],
        "outlets": outlets,
        "articles": articles,
    }


def _parse_article(
    raw: Any, where: str, outlet_keys: set[str], base_dir: Path | None, problems: _Problems
) -> dict | None:
    article = _shape(raw, _ARTICLE_FIELDS, where, problems)
    if article is None:
        return None
    _clean_fields(Article, article, ARTICLE_MODEL_FIELDS, where, problems)
    _check_ref(article, "outlet", outlet_keys, "outlet", where, problems, required=True)
    _check_ref(article, "origin_outlet", outlet_keys, "outlet", where, problems)
    body = _read_body(article, where, base_dir, problems)

    sources = _parse_sources(article["sources"], where, problems)
    source_keys = {source["key"] for source in sources}
    claims: list[dict] = []
    claim_keys: set[str] = set()
    for index, item in enumerate(_items(article["claims"], f"{where}: claims", problems)):
        item_where = f"{where}: claims[{index}]"
        claim = _shape(item, _CLAIM_FIELDS, item_where, problems)
        if claim is None or not _check_key(claim, claim_keys, item_where, problems):
            continue
        _clean_fields(Claim, claim, CLAIM_MODEL_FIELDS, item_where, problems)
        claims.append(claim)

    attributions: list[dict] = []
    items = _items(article["attributions"], f"{where}: attributions", problems)
    for index, item in enumerate(items):
        item_where = f"{where}: attributions[{index}]"
        attribution = _shape(item, _ATTRIBUTION_FIELDS, item_where, problems)
        if attribution is None:
            continue
        _clean_fields(Attribution, attribution, ATTRIBUTION_MODEL_FIELDS, item_where, problems)
        _check_ref(attribution, "source", source_keys, "source", item_where, problems)
        _check_ref(attribution, "claim", claim_keys, "claim", item_where, problems)
        _check_ref(attribution, "recipient", outlet_keys, "outlet", item_where, problems)
        unattributed = attribution["kind"] == Attribution.Kind.UNATTRIBUTED
        if unattributed and attribution["source"] is not None:
            problems.add(item_where, "an unattributed statement has no source")
        attributed = attribution["kind"] in Attribution.Kind.values and not unattributed
        if attributed and attribution["source"] is None:
            problems.add(item_where, "give the source, or make the kind 'unattributed'")
        _check_span(attribution, body, item_where, problems)
        attributions.append(attribution)

    metadata: list[dict] = []
    for index, item in enumerate(_items(article["metadata"], f"{where}: metadata", problems)):
        item_where = f"{where}: metadata[{index}]"
        span = _shape(item, _METADATA_FIELDS, item_where, problems)
        if span is None:
            continue
        _clean_fields(MetadataSpan, span, METADATA_MODEL_FIELDS, item_where, problems)
        _check_ref(span, "outlet", outlet_keys, "outlet", item_where, problems)
        _check_span(span, body, item_where, problems)
        metadata.append(span)

    relations: list[dict] = []
    pairs: set[tuple] = set()
    for index, item in enumerate(_items(article["relations"], f"{where}: relations", problems)):
        item_where = f"{where}: relations[{index}]"
        relation = _shape(item, _RELATION_FIELDS, item_where, problems)
        if relation is None:
            continue
        _clean_fields(ClaimRelation, relation, RELATION_MODEL_FIELDS, item_where, problems)
        known = [
            _check_ref(relation, end, claim_keys, "claim", item_where, problems, required=True)
            for end in ("from", "to")
        ]
        pair = (relation["from"], relation["to"], relation["kind"])
        symmetric = relation["kind"] in (ClaimRelation.Kind.SAME_AS, ClaimRelation.Kind.CONTRADICTS)
        if all(known) and pair[0] == pair[1]:
            problems.add(item_where, "a claim cannot be related to itself")
        elif pair in pairs or (symmetric and (pair[1], pair[0], pair[2]) in pairs):
            problems.add(item_where, "this relation is given twice")
        pairs.add(pair)
        relations.append(relation)

    article.pop("body_file")
    article.update(
        body=body if isinstance(body, str) else None,
        sources=sources,
        claims=claims,
        attributions=attributions,
        metadata=metadata,
        relations=relations,
    )
    return article


def _read_body(article: dict, where: str, base_dir: Path | None, problems: _Problems) -> Any:
    """The article's body from ``body`` or ``body_file``; ``_INVALID`` if there is none."""
    body, body_file = article["body"], article["body_file"]
    if body is None and body_file is None:
        problems.add(where, "missing body: give the article text as body or body_file")
        return _INVALID
    if body is not None and body_file is not None:
        problems.add(where, "give body or body_file, not both")
        return _INVALID
    if body_file is not None:
        if not isinstance(body_file, str) or not body_file:
            problems.add(where, "body_file: expected a file name")
            return _INVALID
        if base_dir is None:
            problems.add(where, "body_file works only in a document read from a file; give body")
            return _INVALID
        root = base_dir.resolve()
        path = (root / body_file).resolve()
        if not path.is_relative_to(root):
            problems.add(where, f"body_file {body_file!r} must be inside {root}")
            return _INVALID
        try:
            body = path.read_bytes().decode("utf-8")
        except OSError as error:
            problems.add(where, f"body_file {body_file!r}: {error.strerror or error}")
            return _INVALID
        except UnicodeDecodeError as error:
            problems.add(where, f"body_file {body_file!r} is not UTF-8: {error}")
            return _INVALID
    article["body"] = body
    _clean_fields(Article, article, ("body",), where, problems)
    return article["body"]


def _parse_sources(raw: Any, where: str, problems: _Problems) -> list[dict]:
    sources: list[dict] = []
    keys: set[str] = set()
    wheres: dict[str, str] = {}
    named: dict[tuple, str] = {}
    identifiers: dict[tuple, str] = {}
    for index, item in enumerate(_items(raw, f"{where}: sources", problems)):
        item_where = f"{where}: sources[{index}]"
        source = _shape(item, _SOURCE_FIELDS, item_where, problems)
        if source is None or not _check_key(source, keys, item_where, problems):
            continue
        _clean_fields(Source, source, SOURCE_MODEL_FIELDS, item_where, problems)
        if isinstance(source["handle"], str):
            source["handle"] = source["handle"].lstrip("@")
        aliases = source["aliases"]
        if not isinstance(aliases, list) or not all(
            isinstance(alias, str) and normalize_name(alias) for alias in aliases
        ):
            problems.add(item_where, "aliases: expected a list of names")
            source["aliases"] = []
        else:
            for alias in aliases:
                _clean_value(SourceAlias, "name", alias, f"{item_where}: aliases", problems)
        source["identifiers"] = _parse_identifiers(
            source["identifiers"], item_where, identifiers, problems
        )
        _check_source_rules(source, item_where, problems)
        if source["kind"] in Source.NAMED_KINDS and isinstance(source["name"], str):
            identity = (source["kind"], normalize_name(source["name"]))
            if identity in named:
                problems.add(item_where, f"the same source as {named[identity]!r}; give it once")
            named[identity] = source["key"]
        wheres[source["key"]] = item_where
        sources.append(source)

    by_key = {source["key"]: source for source in sources}
    for source in sources:
        item_where = wheres[source["key"]]
        if _check_ref(source, "affiliation", keys, "source", item_where, problems):
            if source["affiliation"] == source["key"]:
                problems.add(item_where, "a source cannot be its own affiliation")
            elif by_key[source["affiliation"]]["kind"] != Source.Kind.ORGANIZATION:
                problems.add(item_where, "affiliation: must be an organization")
            elif _affiliation_cycle(source, by_key):
                problems.add(item_where, "affiliation: this makes a cycle")
        if _check_ref(source, "owner", keys, "source", item_where, problems):
            owner_kind = by_key[source["owner"]]["kind"]
            if owner_kind not in (Source.Kind.PERSON, Source.Kind.ORGANIZATION):
                problems.add(item_where, "owner: must be a person or an organization")
    return sources


def _parse_identifiers(
    raw: Any, where: str, seen: dict[tuple, str], problems: _Problems
) -> list[dict]:
    """A source's identifiers, each ``{"scheme", "value"}`` with the value in its normal
    form; one identifier names one source, so the article may give it once."""
    identifiers = []
    for index, item in enumerate(_items(raw, f"{where}: identifiers", problems)):
        item_where = f"{where}: identifiers[{index}]"
        identifier = _shape(item, _IDENTIFIER_FIELDS, item_where, problems)
        if identifier is None:
            continue
        scheme, value = identifier["scheme"], identifier["value"]
        if scheme not in Scheme.values:
            choices = ", ".join(Scheme.values)
            problems.add(
                item_where, f"scheme: unknown scheme {scheme!r}; expected one of: {choices}"
            )
            continue
        try:
            normal = normalize_identifier(scheme, value)
        except ValidationError as error:
            problems.add(item_where, f"value: {' '.join(error.messages)}")
            continue
        key = (scheme, normal.normalized)
        if key in seen:
            problems.add(item_where, f"{scheme} {normal.value} is given twice ({seen[key]})")
            continue
        seen[key] = item_where
        identifiers.append({"scheme": scheme, "value": normal.value})
    return identifiers


def _check_source_rules(source: dict, where: str, problems: _Problems) -> None:
    """The rules of ``Source.clean`` that can be checked before anything exists."""
    checked = ("kind", "name", "description", "platform", "handle")
    if any(source[name] is _INVALID for name in checked):
        return
    kind, name = source["kind"], source["name"]
    if kind in Source.NAMED_KINDS and not name:
        problems.add(where, f"name: a {kind} needs a name")
    if kind == Source.Kind.ANONYMOUS and name:
        problems.add(where, "name: an anonymous source has no name; describe it instead")
    if not name and not source["description"]:
        problems.add(where, "give a name or a description")
    if kind == Source.Kind.OFFICIAL_ACCOUNT and not source["platform"]:
        problems.add(where, "platform: an official account needs its platform")
    if kind != Source.Kind.OFFICIAL_ACCOUNT and (source["platform"] or source["handle"]):
        problems.add(where, "platform: only official accounts have a platform and handle")
    if kind != Source.Kind.OFFICIAL_ACCOUNT and source["owner"] is not None:
        problems.add(where, "owner: only official accounts have an owner")


def _affiliation_cycle(source: dict, by_key: dict[str, dict]) -> bool:
    seen = {source["key"]}
    current = by_key.get(source["affiliation"])
    while current is not None:
        if current["key"] in seen:
            return True
        seen.add(current["key"])
        current = by_key.get(current["affiliation"])
    return False


def _check_span(item: dict, body: Any, where: str, problems: _Problems) -> None:
    """Check ``body[start:end] == text``; locate the text when both offsets are left out."""
    text, start, end = item["text"], item["start"], item["end"]
    if text is _INVALID or not isinstance(body, str):
        return
    if not text:
        problems.add(where, "text: give the text of the span")
        return
    if start is None and end is None:
        found = find_occurrences(body, text)
        if not found:
            problems.add(where, f"text does not occur in the body: “{shorten(text, 60)}”")
        elif len(found) > 1:
            shown = ", ".join(str(i) for i in found[:10])
            problems.add(
                where, f"text occurs {len(found)} times in the body (at {shown}); give start"
            )
        else:
            item["start"], item["end"] = found[0], found[0] + len(text)
        return
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in (start, end)):
        problems.add(where, "start and end: give both offsets as whole numbers, or neither")
    elif not 0 <= start < end <= len(body):
        problems.add(where, f"span {start}-{end} is not inside the body (0-{len(body)})")
    elif body[start:end] != text:
        problems.add(
            where,
            f"text does not match body at {start}-{end}: the body has "
            f"“{shorten(body[start:end], 60)}”, the text is “{shorten(text, 60)}”",
        )
