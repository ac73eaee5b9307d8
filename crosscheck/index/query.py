"""One candidate query as both back ends take it (:class:`_Search`), and the SQL they share:
the table, its unattributed kind and the extra WHERE conditions."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from crosscheck.index.terms import GROUP_MAX_ROWS, WordGroup, word_trigrams
from crosscheck.rules import AttributionKind, normalize_quote

_UNATTRIBUTED = str(AttributionKind.UNATTRIBUTED)
_TABLE = "claims_attribution"


def _filters(
    exclude_ids: Collection[int], article_ids: Collection[int] | None, alias: str = ""
) -> tuple[str, list[int]]:
    """Extra WHERE conditions and their parameters, in the ``%s`` style of Django's
    cursors."""
    prefix = f"{alias}." if alias else ""
    sql = ""
    params: list[int] = []
    if article_ids is not None:
        ids = sorted(set(article_ids))
        sql += f" AND {prefix}article_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    if exclude_ids:
        ids = sorted(set(exclude_ids))
        sql += f" AND {prefix}id NOT IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    return sql, params


def _read_in_tiers(
    groups: Sequence[WordGroup],
    fetch: Callable[[Sequence[WordGroup], int], list[tuple[int, str]]],
    cap: int,
) -> tuple[list[tuple[int, str]], int | None]:
    """At most ``cap`` rows matching the groups, those matching the rarer groups (expected
    in ``GROUP_MAX_ROWS`` rows or fewer) read first, then those matching the commoner
    ones while there is room; and ``cap`` when rows were left unread, else None.
    ``fetch(groups, n)`` reads at most ``n`` rows matching any of ``groups``, in no
    particular order. So when a quote's common words match more rows than can be ranked,
    the rows left out are those holding only its commonest groups."""
    rare = [g for g in groups if g.rows <= GROUP_MAX_ROWS]
    common = [g for g in groups if g.rows > GROUP_MAX_ROWS]
    found: dict[int, str] = {}
    cut = None
    for tier in (rare, common):
        if not tier:
            continue
        room = cap - len(found)
        if room <= 0:
            cut = cap
            break
        rows = fetch(tier, room + 1)
        if len(rows) > room:
            cut = cap
        for pk, text in rows:
            found.setdefault(pk, text)
    return list(found.items())[:cap], cut


@dataclass(frozen=True, slots=True)
class CandidateCut:
    """Why the candidates for a quote of very common words may miss some of its copies.

    ``too_common``: words not searched for, each (alone or with the quote's other common
    words) in more than ``GROUP_CAP_ROWS`` quotes, or, for a quote with no word rare
    enough to search for, whose every trigram is; a copy that changes the words that
    were searched for would not be found. ``ranked``: when more rows held the words
    searched for than the index ranks (``MAX_RANKED_ROWS``), how many were ranked (the
    first found, not the likeliest)."""

    too_common: tuple[str, ...] = ()
    ranked: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.too_common:
            words = ", ".join(f"“{w}”" for w in self.too_common)
            parts.append(
                f"Not searched for, too common in the archive: {words}; a copy that also "
                "changes the quote's other words would not be found."
            )
        if self.ranked is not None:
            parts.append(
                f"More quotes hold the words searched for than are ranked: the first "
                f"{self.ranked:,} found were."
            )
        return " ".join(parts)

    @classmethod
    def of(cls, too_common: tuple[str, ...] = (), ranked: int | None = None) -> CandidateCut | None:
        return cls(too_common, ranked) if too_common or ranked is not None else None


@dataclass(frozen=True)
class _Search:
    """One candidate query: what to look for and where, whichever the backend."""

    text: str
    words: list[list[str]]
    limit: int
    # Lengths of stored text that can score the minimum similarity, with room to spare.
    shortest: int
    longest: int
    exclude_ids: Collection[int]
    article_ids: Collection[int] | None

    @classmethod
    def build(
        cls,
        text: str,
        limit: int,
        min_similarity: float,
        exclude_ids: Collection[int],
        article_ids: Collection[int] | None,
    ) -> _Search:
        if limit < 1:
            raise ValueError("limit must be 1 or more")
        # fuzz.ratio is 2 * (characters in common, in order) / (both lengths), so a quote
        # of normalised length n scores s or more only against one between n / f and
        # n * f, f = (200 - s) / s: from 0.43 n to 2.33 n at 60. Stored text is longer than
        # its normalised form by its punctuation and quote marks, hence the room to spare.
        n = len(normalize_quote(text))
        if min_similarity > 0:
            factor = (200 - min_similarity) / min_similarity
            shortest, longest = int(n / factor * 0.8), int(n * factor * 1.25) + 4
        else:
            shortest, longest = 0, 2**31 - 1
        return cls(
            text=text,
            words=word_trigrams(text),
            limit=limit,
            shortest=shortest,
            longest=longest,
            exclude_ids=exclude_ids,
            article_ids=article_ids,
        )

    def order_by_length(self, column: str) -> tuple[str, list[int]]:
        """An ORDER BY term that puts rows of a length that can match first. Only an
        ordering, not a filter: a length is a strong hint, but no proof."""
        return f"({column} NOT BETWEEN %s AND %s)", [self.shortest, self.longest]

    def order_by_groups(
        self, rows: Sequence[tuple[int, str]], groups: Sequence[WordGroup], *, whole: bool = False
    ) -> list[tuple[int, str]]:
        """The first ``limit`` of ``rows``: those holding the most groups first, then those
        of a length that can match, then by id; with ``whole``, only rows holding every
        trigram of a group (the query looked up only some). Done here rather than in SQL:
        checking a row for every group's trigrams costs about 1 µs in Python, and about
        50 µs as PostgreSQL ILIKEs in an ORDER BY."""

        def order(row: tuple[int, str]) -> tuple[int, bool, int]:
            folded = unicodedata.normalize("NFKC", row[1]).lower()
            matched = sum(all(g in folded for g in group.grams) for group in groups)
            fits = self.shortest <= len(row[1]) <= self.longest
            return (-matched, not fits, row[0])

        ordered = sorted((order(row), row) for row in rows)
        return [row for key, row in ordered if key[0] or not whole][: self.limit]
