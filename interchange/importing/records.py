"""One article to import, checked before anything is written; and reading it from JSON.

``parse_record`` turns a decoded JSON Lines record into an ``ArticleRecord`` or raises
``RecordError`` with one message per problem, each naming the field. Attributions are
checked by the annotation format's own parser (``interchange.annotations``): the record is
turned into a one-article annotation document, so offsets, quote look-up, kinds and source
rules are checked exactly as ``load_seed`` checks them. Touches no database table.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeGuard

from articles.models import normalize_newlines
from interchange.annotations import FORMAT, AnnotationError, parse_annotation
from interchange.annotations.values import json_type
from sources.models import Source, normalize_name

# The fields of a JSON Lines record; ``*`` in the help marks the required ones.
ARTICLE_FIELDS = (
    "headline",
    "body",
    "outlet",
    "url",
    "byline",
    "published_at",
    "dateline",
    "language",
    "attributions",
)
REQUIRED_FIELDS = ("headline", "body")
# Article fields a record may set (and ``--update`` may replace).
STORED_FIELDS = ("headline", "url", "byline", "published_at", "dateline", "language", "body")
ATTRIBUTION_FIELDS = (
    "text",
    "start",
    "end",
    "kind",
    "source",
    "claim",
    "stance",
    "cue",
    "speaker_mention",
    "channel",
    "said_on",
    "said_when_text",
    "note",
)
SOURCE_OBJECT_FIELDS = (
    "kind",
    "name",
    "description",
    "role",
    "platform",
    "handle",
    "anonymity_reason",
    "aliases",
    "notes",
)

_RECORD_KEY = "record"
_OUTLET_KEY = "outlet"


class RecordError(Exception):
    """The record cannot be imported; ``messages`` says why, one problem each."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class ArticleRecord:
    """An article ready to be written: its fields checked, its spans located.

    ``given`` names the stored fields the input gave (``--update`` replaces only those);
    ``annotation`` is the checked one-article annotation (sources, claims, attributions)
    and ``named_sources`` the keys of its sources given by name only, to be matched by name
    or alias whatever their kind.
    """

    headline: str
    body: str
    outlet: str
    url: str = ""
    byline: str = ""
    published_at: datetime | None = None
    dateline: str = ""
    language: str = "en"
    given: frozenset[str] = frozenset()
    annotation: dict = field(default_factory=dict)
    named_sources: frozenset[str] = frozenset()

    @property
    def attribution_count(self) -> int:
        return len(self.annotation.get("attributions", ()))

    def stored_values(self) -> dict[str, Any]:
        """The article fields this record sets, as the model stores them."""
        return {name: getattr(self, name) for name in STORED_FIELDS if name in self.given}

    def label(self) -> str:
        return self.url or self.headline


def parse_record(raw: Any, *, default_outlet: str = "") -> ArticleRecord:
    """Check one decoded JSON Lines record (see the package help for its fields)."""
    if not isinstance(raw, Mapping):
        raise RecordError([f"expected a JSON object, got {json_type(raw)}"])
    problems = [
        f"unknown field {name!r} (the fields are: {', '.join(ARTICLE_FIELDS)})"
        for name in raw
        if name not in ARTICLE_FIELDS
    ]
    problems += [f"{name}: missing" for name in REQUIRED_FIELDS if name not in raw]
    problems += [
        f"{name}: expected text, got null" for name in REQUIRED_FIELDS if raw.get(name, "") is None
    ]
    outlet = raw.get("outlet")
    if outlet is None or outlet == "":
        outlet = default_outlet
        if not outlet:
            problems.append("outlet: missing (give it in the record, or a default outlet)")
    elif not isinstance(outlet, str) or not outlet.strip():
        problems.append(f"outlet: expected the outlet's name, got {json_type(outlet)}")
    if problems:
        raise RecordError(problems)
    values = {name: raw[name] for name in STORED_FIELDS if name in raw}
    return build_record(
        values,
        outlet=outlet.strip(),
        attributions=raw.get("attributions"),
        given=frozenset(values),
    )


def build_record(
    values: dict[str, Any],
    *,
    outlet: str,
    attributions: Any = None,
    given: frozenset[str] | None = None,
) -> ArticleRecord:
    """Check article ``values`` (model field names) and ``attributions`` (as in a JSON
    Lines record) with the annotation parser; raise ``RecordError`` listing the problems."""
    values = {name: value for name, value in values.items() if value is not None}
    if isinstance(values.get("body"), str):
        values["body"] = normalize_newlines(values["body"])
    body = values.get("body")
    article: dict[str, Any] = {"key": _RECORD_KEY, "outlet": _OUTLET_KEY, **values}
    sources: list[dict] = []
    claims: list[dict] = []
    named: set[str] = set()
    origin: dict[str, str] = {}  # "sources[0]" -> "attributions[2]: source" for messages
    problems: list[str] = []
    if attributions is not None:
        if not isinstance(attributions, list):
            problems.append(f"attributions: expected a list, got {json_type(attributions)}")
        else:
            article["attributions"] = [
                _attribution(item, index, body, sources, claims, named, origin, problems)
                for index, item in enumerate(attributions)
            ]
            article["sources"], article["claims"] = sources, claims
    if problems:
        raise RecordError(problems)
    document = {
        "format": FORMAT,
        "outlets": [{"key": _OUTLET_KEY, "name": outlet, "kind": "newspaper"}],
        "articles": [article],
    }
    try:
        parsed = parse_annotation(document)["articles"][0]
    except AnnotationError as error:
        raise RecordError(_rewrite(error.problems, origin)) from error
    return ArticleRecord(
        headline=parsed["headline"],
        body=parsed["body"],
        outlet=outlet,
        url=parsed["url"],
        byline=parsed["byline"],
        published_at=parsed["published_at"],
        dateline=parsed["dateline"],
        language=parsed["language"],
        given=frozenset(values) if given is None else given,
        annotation={name: parsed[name] for name in ("sources", "claims", "attributions")},
        named_sources=frozenset(named),
    )


def _attribution(
    item: Any,
    index: int,
    body: Any,
    sources: list[dict],
    claims: list[dict],
    named: set[str],
    origin: dict[str, str],
    problems: list[str],
) -> Any:
    """The record's attribution as the annotation format writes it: its source and claim
    become entries of the article's ``sources`` and ``claims``, referred to by key."""
    where = f"attributions[{index}]"
    if not isinstance(item, Mapping):
        return item  # the annotation parser says what is wrong with it
    unknown = [name for name in item if name not in ATTRIBUTION_FIELDS]
    for name in unknown:
        problems.append(
            f"{where}: unknown field {name!r} (the fields are: {', '.join(ATTRIBUTION_FIELDS)})"
        )
    converted = {name: value for name, value in item.items() if name not in ("source", "claim")}
    if not converted.get("text"):
        converted["text"] = _text_from_offsets(item, body, where, problems)
    source = item.get("source")
    if isinstance(source, str) and source.strip():
        identity: tuple[Any, str] = ("name", normalize_name(source))
        key = _key_for(
            identity, sources, lambda key: {"key": key, "kind": "person", "name": source}
        )
        named.add(key)
        converted["source"] = key
    elif isinstance(source, Mapping):
        bad = [name for name in source if name not in SOURCE_OBJECT_FIELDS]
        for name in bad:
            problems.append(f"{where}: source: unknown field {name!r}")
        kind = source.get("kind")
        if kind in Source.ARTICLE_BOUND_KINDS:
            identity = (kind, normalize_name(str(source.get("description", ""))))
        else:
            identity = (kind, normalize_name(str(source.get("name", ""))))
        converted["source"] = _key_for(identity, sources, lambda key: {"key": key, **source})
    elif source is not None:
        problems.append(f"{where}: source: expected a name or an object, got {json_type(source)}")
    if converted.get("source") is not None:
        position = next(i for i, s in enumerate(sources) if s["key"] == converted["source"])
        origin.setdefault(f"sources[{position}]", f"{where}: source")
    claim = item.get("claim")
    if isinstance(claim, str) and claim.strip():
        key = _key_for(("claim", claim.strip()), claims, lambda key: {"key": key, "text": claim})
        position = next(i for i, c in enumerate(claims) if c["key"] == key)
        origin.setdefault(f"claims[{position}]", f"{where}: claim")
        converted["claim"] = key
    elif claim is not None:
        problems.append(f"{where}: claim: expected the claim's text, got {json_type(claim)}")
    return converted


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _text_from_offsets(item: Mapping, body: Any, where: str, problems: list[str]) -> str:
    start, end = item.get("start"), item.get("end")
    if start is None and end is None:
        problems.append(f"{where}: give the quoted text, or its start and end offsets")
        return ""
    if not isinstance(body, str):
        return ""
    if not (_whole(start) and _whole(end) and 0 <= start < end <= len(body)):
        problems.append(
            f"{where}: start and end must be whole numbers with 0 ≤ start < end ≤ "
            f"{len(body)} (the body's length); got {start!r} and {end!r}"
        )
        return ""
    return body[start:end]


def _key_for(identity: tuple, items: list[dict], make) -> str:
    """The key of the entry with ``identity``, adding it (made by ``make(key)``) if new."""
    key = f"{identity[0]}:{identity[1]}"
    if not any(item["key"] == key for item in items):
        items.append(make(key))
    return key


_PREFIX = re.compile(r"^article '" + _RECORD_KEY + r"': ")
_INNER = re.compile(r"^(sources|claims)\[(\d+)\]: ")


def _rewrite(problems: Iterable[str], origin: dict[str, str]) -> list[str]:
    """Annotation messages in the record's terms: no article key, the outlet by its field,
    generated sources and claims by the attribution that named them."""
    rewritten = []
    for problem in problems:
        problem = _PREFIX.sub("", problem)
        problem = problem.replace("outlets[0]: ", "outlet: ", 1)
        match = _INNER.match(problem)
        if match:
            where = origin.get(f"{match[1]}[{match[2]}]", match[0].rstrip(": "))
            problem = f"{where}: {problem[match.end() :]}"
        rewritten.append(problem)
    return rewritten
