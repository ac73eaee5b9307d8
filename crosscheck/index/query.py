"""One candidate query as both back ends take it (:class:`_Search`), and the SQL they share:
the table, its unattributed kind and the extra WHERE conditions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from crosscheck.index.terms import word_trigrams
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
