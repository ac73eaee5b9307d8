"""Articles and their attributions in and out of BRAT standoff (``import_brat``,
``export_brat``).

**Import.** Each ``.txt`` of a folder (either layout of ``interchange.brat.brat_pairs``)
becomes an article whose body is the text exactly, so the ``.ann`` offsets hold (line breaks
are normalised to ``\\n`` and the offsets moved with them). Its attributions come from the
``.ann`` file's events, written as a ``claim-tracker-annotation/1`` document in memory and
loaded with ``load_annotation``: validation, the matching of named sources already in the
archive and history apply as for any annotation file.

- the Content span gives the attribution's offsets and text (a discontinuous span: from its
  first character to its last), its kind (``content_kind``: direct, mixed or indirect) or
  ``unattributed`` when the event has no Source; an event without content is skipped;
- the Cue span gives ``cue``, the Source span ``speaker_mention`` and the source:
  ``source_for`` makes a capitalised name a person (a title before it, "Mayor", "harbour
  master", and an appositive after it, ", the port's director" or "(D-Quell)", become the
  role; "Mr." and a trailing "'s" are dropped) and anything else — "a spokesman",
  "officials", "he", "the council", "Ames and Quist" — an anonymous source described by the
  mention. One source per name (or description) per article.

An article whose body is already stored (same SHA-256, whatever its headline) is skipped;
one whose headline another article of the outlet has gets its file name after the headline,
"Things to know for today (NAME)".

**Export.** Each article gives ``NAME.txt`` (the body) and ``NAME.ann``: per attribution
anchored in the body, its Content span, a Cue and a Source span where the attribution's
``cue`` and ``speaker_mention`` are found in the body near the content (the nearest
occurrence outside the content, as whole words, within 300 characters), and an event
joining them (``write_brat``). An attribution and those that continue it (a quote split by
its cue, ``Attribution.continues``) are one event whose Content is discontinuous, "start
end;start end", as the corpora annotate it. Importing the files again gives the same spans,
except that a discontinuous content comes back as one attribution from its first character
to its last (as any imported discontinuous content).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from articles.models import Article, body_hash, normalize_newlines
from articles.selectors import outlets_named
from claims.models import Attribution
from interchange.annotations import FORMAT, AnnotationError, load_annotation
from interchange.brat import (
    BratAttributionOut,
    BratDocument,
    BratProblem,
    BratSpan,
    brat_pairs,
    read_brat_pair,
    write_brat,
)
from sources.models import Source

DEFAULT_OUTLET = "BRAT import"
MAX_TITLE_LINE = 300
NEAR = 300  # characters around the content searched for the cue and the speaker


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PRONOUNS = _words(
    """i me my we us our you your he him his she her hers it its they them their theirs who
    whom whose which that this these those one someone somebody anyone everyone nobody"""
)
_DETERMINERS = _words("a an the some several many most few both all other another each any no")
# Words that name a role or a group, not a person: "Officials", "A Spokesman", "Police".
_ROLE_WORDS = _words(
    """official officials spokesman spokeswoman spokesperson spokespeople aide aides adviser
    advisers advisor advisors source sources critic critics analyst analysts expert experts
    observer observers supporter supporters opponent opponents officer officers resident
    residents witness witnesses police authorities democrats republicans voters people
    others lawmakers leaders members reports report polls poll studies study researchers
    scientists economists campaign administration government staff staffers insiders
    diplomats agency ministry department committee council court"""
)
_TITLES = _words(
    """mayor president senator sen. representative rep. governor gov. minister secretary judge
    general gen. colonel col. captain capt. professor prof. chancellor councillor councilor
    commissioner chairman chairwoman chair director chief sheriff speaker ambassador
    candidate nominee spokesman spokeswoman spokesperson pastor rev. reverend state"""
)
_HONORIFICS = _words("mr. mrs. ms. dr. mr mrs ms dr sir dame lady lord")
_PARTICLES = _words("de da del della der van von bin al el la le du di y")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")


def source_for(mention: str) -> dict:
    """The annotation-format source for a speaker's mention (see the module help)."""
    mention = " ".join(mention.split()).strip(" ,;:")
    # "Tom Fitton, the president of Judicial Watch" and "Jo Ames (D-Ohio)": a name, then
    # its role.
    appositive = _APPOSITIVE.match(mention)
    if appositive:
        head = source_for(appositive["name"])
        if head["kind"] == "person":
            said = (appositive["role"] or appositive["paren"] or "").strip(" ,;:")
            role = " ".join(x for x in (head["role"], said) if x)
            return {**head, "role": _clip(role, 200)}
    words = mention.split()
    run = 0  # capitalised words (and name particles inside them) at the end
    for word in reversed(words):
        if _capitalised(word) or (run and word.lower() in _PARTICLES):
            run += 1
        else:
            break
    while run and words[len(words) - run].lower() in _PARTICLES:
        run -= 1
    prefix, name_words = words[: len(words) - run], words[len(words) - run :]
    # Titles inside the run: "Phoenix Mayor Greg Stanton", "Mr. Khan".
    last_title = max(
        (i for i, w in enumerate(name_words[:-1]) if w.lower() in _TITLES | _HONORIFICS),
        default=-1,
    )
    titles = [w for w in name_words[: last_title + 1] if w.lower() not in _HONORIFICS]
    name_words = name_words[last_title + 1 :]
    lowered = [w.lower().strip(",;:") for w in name_words]
    if (
        not name_words
        or lowered[0] in _PRONOUNS | _DETERMINERS
        or all(w in _ROLE_WORDS | _TITLES | _DETERMINERS for w in lowered)
        or _CONJUNCTIONS & {w.lower() for w in [*prefix, *name_words]}
        or "," in mention
    ):
        return {"kind": "anonymous", "description": _clip(mention, 500)}
    name = _POSSESSIVE.sub("", " ".join(name_words)).strip(" ,;:")
    role = " ".join([*prefix, *titles]).strip(" ,;:")
    if role.lower() in _DETERMINERS:
        role = ""
    return {"kind": "person", "name": _clip(name, 300), "role": _clip(role, 200)}


_APPOSITIVE = re.compile(r"^(?P<name>[^,()]+?)\s*(?:,(?P<role>.+)|\((?P<paren>[^()]*)\))$")
_CONJUNCTIONS = _words("and or nor neither either & with")


def _capitalised(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and letters[0].isupper()


def _clip(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def headline_for(text: str, name: str) -> str:
    """The first line when a blank line follows it (and it is short), else the file name."""
    lines = text.lstrip("\n").split("\n")
    first = lines[0].strip()
    if first and len(first) <= MAX_TITLE_LINE and len(lines) > 1 and not lines[1].strip():
        return first
    return " ".join(name.replace("_", " ").replace("-", " ").split()) or name


@dataclass
class ArticleOutcome:
    name: str
    status: str  # created, skipped, failed
    message: str = ""
    attributions: int = 0
    sources_created: int = 0
    sources_reused: int = 0
    article_id: int | None = None


@dataclass
class BratImportReport:
    outcomes: list[ArticleOutcome] = field(default_factory=list)
    problems: list[tuple[str, BratProblem]] = field(default_factory=list)  # (file, problem)
    events_skipped: int = 0  # events without content

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self, *, dry_run: bool = False) -> str:
        created = [o for o in self.outcomes if o.status == "created"]
        verb = "Would create" if dry_run else "Created"
        parts = [
            f"{verb} {len(created)} article{'' if len(created) == 1 else 's'} with "
            f"{sum(o.attributions for o in created)} attributions "
            f"({sum(o.sources_created for o in created)} new sources, "
            f"{sum(o.sources_reused for o in created)} already in the archive)",
            f"{self.count('skipped')} skipped (already imported)",
            f"{self.count('failed')} failed",
            f"{len(self.problems)} unreadable lines and {self.events_skipped} events "
            "without content skipped",
        ]
        return "; ".join(parts) + "."


class _DryRun(Exception):
    pass


def import_brat_folder(
    folder: str | Path,
    *,
    outlet: str = DEFAULT_OUTLET,
    dry_run: bool = False,
    user=None,
    progress: Callable[[int], object] | None = None,
) -> BratImportReport:
    """Import every pair of ``folder`` (see the module help). Each article is written on
    its own: one that the models refuse is a failed outcome and the others go on."""
    root = Path(folder)
    report = BratImportReport()
    for txt, ann in brat_pairs(root):
        document = read_brat_pair(txt, ann)
        report.problems += [(_display(ann, root), problem) for problem in document.problems]
        report.outcomes.append(_import_one(document, outlet, dry_run, user, report))
        if progress is not None:
            progress(1)
    return report


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _import_one(
    document: BratDocument, outlet: str, dry_run: bool, user, report: BratImportReport
) -> ArticleOutcome:
    body, moved = _normalised(document.text)
    if not body.strip():
        return ArticleOutcome(document.name, "failed", "the text is empty")
    present = Article.objects.filter(content_hash=body_hash(body)).order_by("pk").first()
    if present is not None:
        return ArticleOutcome(
            document.name, "skipped", f"already stored as article {present.pk}", article_id=None
        )
    annotation, skipped = annotation_for(document, body, moved, outlet=outlet)
    article = annotation["articles"][0]
    if Article.objects.filter(
        outlet__in=outlets_named(outlet), headline=article["headline"]
    ).exists():
        # Another article of the outlet has this headline ("Things to know for today"):
        # the file name tells them apart.
        article["headline"] = _clip(f"{article['headline']} ({document.name})", 500)
    report.events_skipped += skipped
    outcome = ArticleOutcome(document.name, "created")
    try:
        with transaction.atomic():
            loaded = load_annotation(annotation, user=user)
            if loaded.created[Article] != 1:
                raise AnnotationError(
                    [f"an article headlined {article['headline']!r} is already in this outlet"]
                )
            outcome.attributions = loaded.created[Attribution]
            outcome.sources_created = loaded.created[Source]
            outcome.sources_reused = loaded.skipped[Source]
            outcome.article_id = Article.objects.get(content_hash=body_hash(body)).pk
            if dry_run:
                raise _DryRun
    except _DryRun:
        outcome.article_id = None
    except AnnotationError as error:
        return ArticleOutcome(document.name, "failed", "; ".join(str(error).splitlines()))
    return outcome


def _normalised(text: str) -> tuple[str, Callable[[int], int]]:
    """The text with ``\\r\\n`` and ``\\r`` as ``\\n``, and the map of old offsets to new."""
    if "\r" not in text:
        return text, lambda offset: offset
    shift = [0] * (len(text) + 1)
    removed = 0
    for i, ch in enumerate(text):
        shift[i] = i - removed
        if ch == "\r" and text[i + 1 : i + 2] == "\n":
            removed += 1
    shift[len(text)] = len(text) - removed
    return normalize_newlines(text), shift.__getitem__


def annotation_for(
    document: BratDocument,
    body: str,
    moved: Callable[[int], int] = lambda offset: offset,
    *,
    outlet: str = DEFAULT_OUTLET,
) -> tuple[dict, int]:
    """The annotation document for one BRAT article, and how many events it leaves out
    (those without content)."""
    sources: dict[str, dict] = {}
    attributions = []
    skipped = 0
    for item in document.attributions:
        if item.content is None:
            skipped += 1
            continue
        start, end = moved(item.content.start), moved(item.content.end)
        entry: dict = {
            "kind": "unattributed",
            "text": body[start:end],
            "start": start,
            "end": end,
            "cue": _clip(_flat(item.cue), 60),
            "speaker_mention": _clip(_flat(item.source), 300),
        }
        if item.source is not None:
            source = source_for(_flat(item.source))
            key = f"{source['kind']}:{(source.get('name') or source['description']).casefold()}"
            sources.setdefault(key, {"key": f"s{len(sources) + 1}", **source})
            entry["source"] = sources[key]["key"]
            entry["kind"] = item.kind
        attributions.append(entry)
    article = {
        "key": document.name or "article",
        "outlet": "outlet",
        "headline": _clip(headline_for(body, document.name), 500),
        "body": body,
        "sources": list(sources.values()),
        "attributions": attributions,
    }
    annotation = {
        "format": FORMAT,
        "description": f"BRAT import of {document.name}",
        "outlets": [{"key": "outlet", "name": outlet, "kind": "newspaper"}],
        "articles": [article],
    }
    return annotation, skipped


def _flat(span: BratSpan | None) -> str:
    return " ".join(span.text.split()) if span is not None else ""


# Export


def brat_name(article: Article) -> str:
    return f"{slugify(article.headline)[:60].strip('-') or 'article'}-{article.pk}"


def brat_for_article(article: Article) -> tuple[str, int, int]:
    """The ``.ann`` text for an article, how many attributions it holds (an attribution
    and its continuations count once) and how many it leaves out (not anchored in the
    body)."""
    body = article.body
    anchored: list[tuple[Attribution, int, int]] = []
    left_out = 0
    for attribution in article.attributions.order_by("start", "pk"):
        start, end = attribution.start, attribution.end
        if start is None or end is None or body[start:end] != attribution.text or start >= end:
            left_out += 1
            continue
        anchored.append((attribution, start, end))
    # A continuation whose first part is exported is a later part of that one's content.
    heads = {attribution.pk for attribution, _start, _end in anchored}
    more: dict[int, list[tuple[int, int, str]]] = {}
    items: list[tuple[Attribution, int, int]] = []
    for attribution, start, end in anchored:
        if attribution.continues_id in heads:
            more.setdefault(attribution.continues_id, []).append((start, end, body[start:end]))
        else:
            items.append((attribution, start, end))
    out = [
        BratAttributionOut(
            source=_near(body, attribution.speaker_mention, start, end)
            if attribution.source_id is not None
            else None,
            cue=_near(body, attribution.cue, start, end),
            content=(start, end, body[start:end]),
            more_content=tuple(more.get(attribution.pk, ())),
        )
        for attribution, start, end in items
    ]
    return write_brat(out), len(out), left_out


def _near(body: str, words: str, start: int, end: int) -> tuple[int, int, str] | None:
    """The occurrence of ``words`` (as whole words) nearest the span ``start``-``end``,
    within ``NEAR`` characters, outside the span if one is."""
    words = words.strip()
    if not words:
        return None
    left = r"\b" if words[0].isalnum() else ""
    right = r"\b" if words[-1].isalnum() else ""
    pattern = re.compile(left + r"\s+".join(map(re.escape, words.split())) + right)
    low, high = max(0, start - NEAR), min(len(body), end + NEAR)
    found = list(pattern.finditer(body, low, high))
    if not found:
        return None

    def rank(m: re.Match) -> tuple[int, int]:
        inside = m.start() < end and start < m.end()
        distance = start - m.end() if m.end() <= start else m.start() - end
        return (int(inside), max(distance, 0))

    best = min(found, key=rank)
    return best.start(), best.end(), best.group()


@dataclass
class ExportedArticle:
    article_id: int
    name: str
    attributions: int
    left_out: int


def export_brat_articles(
    articles: Iterable[Article], folder: str | Path
) -> Iterator[ExportedArticle]:
    """Write ``NAME.txt`` and ``NAME.ann`` for each article into ``folder`` (created if
    needed), yielding what each got."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    for article in articles:
        name = brat_name(article)
        ann, written, left_out = brat_for_article(article)
        (root / f"{name}.txt").write_text(article.body, encoding="utf-8", newline="")
        (root / f"{name}.ann").write_text(ann, encoding="utf-8", newline="")
        yield ExportedArticle(article.pk, name, written, left_out)
