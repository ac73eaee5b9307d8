"""Verdicts on a pair of attributions: misattribution (one quote, two speakers) and quote
drift (one speaker's quote reworded, with the word diff).

:func:`judge_pair` is the one judge: the engine's findings, the compare tool and the quote
check (:func:`judge_quote`) all take its verdict, so none can flag a pair another would not.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import replace
from itertools import permutations

from crosscheck.rules.data import (
    DEFAULT_THRESHOLDS,
    DRIFT_MIN_SIMILARITY,
    MIN_QUOTE_WORDS,
    MISATTRIBUTION_MIN_SIMILARITY,
    QUOTE_KINDS,
    UNNAMED_KINDS,
    AttributionInput,
    AttributionKind,
    Finding,
    FindingKind,
    PairJudgement,
    PairReason,
    PairVerdict,
    QuoteJudgement,
    QuoteReason,
    QuoteVerdict,
    SourceInput,
    Thresholds,
    _finding,
    _unique,
)
from crosscheck.rules.independence import _label, independence_group
from crosscheck.rules.quotes import _similarity, normalize_quote, quotable, reaches, word_diff
from sources.matching import compare_names
from sources.names import fold_accents

# The article id of a quote asked about (:func:`judge_quote`): in no article of the archive.
NO_ARTICLE = 0


def speaker_keys(
    source_id: int | None, source_kind: str | None, story_key: str = ""
) -> tuple[Hashable, ...]:
    """Keys that two quotes of one speaker share and quotes of two speakers never do: the
    source; and for an unnamed source (anonymous, or an unnamed group) in a wire story's
    copies, its kind in that story, as each copy re-enters such a source as its own row."""
    if source_kind in UNNAMED_KINDS and story_key:
        return (source_id, (source_kind, story_key))
    return (source_id,)


def can_drift(kind: str) -> bool:
    """Whether quotes of this kind can drift: only direct quotes are the speaker's words."""
    return kind == AttributionKind.DIRECT


def folded_name(name: str) -> str:
    """A name compared without case, accents or extra spaces ("Calderón" = "calderon")."""
    return " ".join(fold_accents(name).casefold().split())


def _speakers(a: AttributionInput, sources: Mapping[int, SourceInput]) -> tuple[Hashable, ...]:
    source = sources.get(a.source_id) if a.source_id is not None else None
    keys = speaker_keys(a.source_id, source.kind if source else None, a.story_key)
    if source is not None and source.name and source.kind not in UNNAMED_KINDS:
        # Two named sources of one name are one speaker the archive has not merged yet
        # ("Calderon" and "Calderón"): crediting them with the same words is no
        # misattribution.
        keys = (*keys, ("name", source.kind, folded_name(source.name)))
    return keys


def _same_speaker(
    a: AttributionInput, b: AttributionInput, sources: Mapping[int, SourceInput]
) -> bool:
    """One source, or the re-entered copy of one unnamed source in a wire story's copies
    (anonymous sources belong to one article, so each copy has its own row); or two rows
    the archive has not merged that name one speaker: see :func:`_one_unmerged_speaker`."""
    if not set(_speakers(a, sources)).isdisjoint(_speakers(b, sources)):
        return True
    left = sources.get(a.source_id) if a.source_id is not None else None
    right = sources.get(b.source_id) if b.source_id is not None else None
    return left is not None and right is not None and _one_unmerged_speaker(left, right)


def _one_unmerged_speaker(left: SourceInput, right: SourceInput) -> bool:
    """Two source rows that stand for one speaker until an editor merges them, so that
    crediting both with the same words is no misattribution:

    - a person named by a surname alone and a person of that surname ("Varnok" and "Ilse
      Varnok": the surname's resolution waits for review, never guessed);
    - two names the archive's source resolution takes for one source, sure or not
      (:func:`sources.matching.compare_names`: "Ilse M. Varnok" and "Ilse Varnok", a
      description before the name, "H.R.W." and "Harbour River Watch");
    - two unnamed sources with the same specific description, one naming someone ("former
      adviser Ilse Varnok", "The Kellish senator": a copy of one article filed twice), but
      not "a senior official", which many people are.
    """
    if left.kind != right.kind:
        return False
    named = left.kind not in UNNAMED_KINDS and left.name and right.name
    if named and compare_names(left.name, right.name, kind=left.kind) is not None:
        return True
    if left.kind == "person" and left.name and right.name:
        a, b = folded_name(left.name).split(), folded_name(right.name).split()
        return (len(a) == 1 and len(b) > 1 and a[0] == b[-1]) or (
            len(b) == 1 and len(a) > 1 and b[0] == a[-1]
        )
    if left.kind in UNNAMED_KINDS and left.description and right.description:
        if folded_name(left.description) != folded_name(right.description):
            return False
        words = left.description.split()
        return len(words) >= 3 and any(w[:1].isupper() for w in words[1:])
    return False


def judge_pair(
    a: AttributionInput,
    b: AttributionInput,
    sources: Mapping[int, SourceInput],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> PairJudgement:
    """The verdict on two attributions, and why.

    - ``misattribution``: two speakers (see :func:`speaker_keys`), in different articles,
      neither "declined to comment", at least one a direct or mixed quote (two paraphrases
      of one event may well match), both of ``min_quote_words`` words or more, and a
      :func:`~crosscheck.rules.quote_similarity` of ``misattribution_min_similarity`` or
      more. One span credited to two speakers in one article is a joint statement.
    - ``quote_drift``: one speaker's direct quotes in different articles, both long enough,
      from ``drift_min_similarity`` up to, not including, 100.
    - ``same_quote``: one speaker, the same words after normalising (or one attribution).
    - ``different``: anything else, including every pair with an unsourced side.

    Symmetric in ``a`` and ``b``.
    """
    if a.id == b.id:
        return PairJudgement(PairVerdict.SAME_QUOTE, PairReason.SAME_ATTRIBUTION, 100.0, True)
    if a.source_id is None or b.source_id is None:
        return PairJudgement(PairVerdict.DIFFERENT, PairReason.UNSOURCED)
    if _same_speaker(a, b, sources):
        return _one_speaker(a, b, thresholds)
    return _two_speakers(a, b, thresholds, sources)


def _one_speaker(a: AttributionInput, b: AttributionInput, t: Thresholds) -> PairJudgement:
    text_a, text_b = normalize_quote(a.text), normalize_quote(b.text)
    if text_a == text_b:
        return PairJudgement(PairVerdict.SAME_QUOTE, PairReason.IDENTICAL, 100.0, True)
    reason = _not_comparable(a, b, t)
    if reason is None and not (can_drift(a.kind) and can_drift(b.kind)):
        reason = PairReason.NOT_DIRECT
    if reason is None:
        similarity = _similarity(text_a, text_b, t.drift_min_similarity)
        if reaches(similarity, t.drift_min_similarity):
            return PairJudgement(PairVerdict.QUOTE_DRIFT, PairReason.REWORDED, similarity, True)
        reason = PairReason.DISSIMILAR
    return PairJudgement(PairVerdict.DIFFERENT, reason, None, True)


# Speakers that can stand on either side of a misattribution: people (and their official
# accounts), or organisations facing organisations.
_SPEAKING = {
    frozenset({"person"}),
    frozenset({"official_account"}),
    frozenset({"person", "official_account"}),
    frozenset({"organization"}),
}


def weak_speakers(
    a: AttributionInput, b: AttributionInput, sources: Mapping[int, SourceInput]
) -> bool:
    """Whether one of two speakers may well be the other, so that the same words credited
    to both say nothing of a mix-up: an unnamed source ("a campaign official", "many
    reporters": it may be the named speaker, or the extractor's guess), a document (its
    words are read out by whoever quotes it), or an organisation beside a person (its
    spokesman, or an outlet relaying someone's words)."""
    left = sources.get(a.source_id) if a.source_id is not None else None
    right = sources.get(b.source_id) if b.source_id is not None else None
    if left is None or right is None:
        return False
    return frozenset({str(left.kind), str(right.kind)}) not in _SPEAKING


def _two_speakers(
    a: AttributionInput,
    b: AttributionInput,
    t: Thresholds,
    sources: Mapping[int, SourceInput],
) -> PairJudgement:
    reason = None
    if AttributionKind.DECLINED in (a.kind, b.kind):
        reason = PairReason.DECLINED  # "declined to comment" is said by many, and says nothing
    elif not (a.kind in QUOTE_KINDS and b.kind in QUOTE_KINDS):
        # A paraphrase of an event may well match someone else's quote of it: the
        # paraphrased speaker is the reporter's reading, not a quote's credit.
        reason = PairReason.NOT_QUOTES
    elif weak_speakers(a, b, sources):
        reason = PairReason.WEAK_SPEAKER
    else:
        reason = _not_comparable(a, b, t)
    if reason is None:
        threshold = t.misattribution_min_similarity
        similarity = _similarity(normalize_quote(a.text), normalize_quote(b.text), threshold)
        if reaches(similarity, threshold):
            return PairJudgement(PairVerdict.MISATTRIBUTION, PairReason.NEAR_IDENTICAL, similarity)
        reason = PairReason.DISSIMILAR
    return PairJudgement(PairVerdict.DIFFERENT, reason)


def _not_comparable(a: AttributionInput, b: AttributionInput, t: Thresholds) -> PairReason | None:
    """Why two sourced quotes cannot be one quote, whatever their words: one article, or
    too few words to say."""
    if a.article_id == b.article_id:
        return PairReason.SAME_ARTICLE
    if not (quotable(a.text, t.min_quote_words) and quotable(b.text, t.min_quote_words)):
        return PairReason.TOO_SHORT
    return None


def judge_quote(
    text: str,
    source_id: int | None,
    matches: Sequence[AttributionInput],
    sources: Mapping[int, SourceInput],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    partial_ids: Collection[int] = (),
) -> QuoteJudgement:
    """The verdict on a quote checked against the archive's near-verbatim ``matches``
    (optionally said to be by ``source_id``; ``sources`` must hold the matches' sources
    and that one).

    ``conflicting`` when :func:`judge_pair` would find a misattribution between two of
    the matches, each measured against ``text`` (one match restated in exactly these
    words), or between a match and these words credited to ``source_id`` as a direct
    quote in no article of the archive; ``not_found`` without matches; else
    ``attributed``. So a pair the engine flags among the matches makes the check
    conflicting, and a pair it never flags (a joint statement in one article, two
    paraphrases, a source declining to comment, an unnamed source's copies in a wire
    story) does not. A match in ``partial_ids`` holds ``text`` only in part (a fragment, a
    shortened quote): ``text`` stands for that match's own words, which are compared.
    """
    if not matches:
        return QuoteJudgement(QuoteVerdict.NOT_FOUND, QuoteReason.NO_MATCH)
    one_speaker = True

    def restated(match: AttributionInput) -> str:
        return match.text if match.id in partial_ids else text

    for x, y in permutations(matches, 2):
        judgement = judge_pair(replace(x, text=restated(x)), y, sources, thresholds)
        if judgement.verdict == PairVerdict.MISATTRIBUTION:
            return QuoteJudgement(QuoteVerdict.CONFLICTING, QuoteReason.DIFFERENT_SOURCES)
        one_speaker = one_speaker and judgement.same_speaker
    if source_id is not None:
        asked = AttributionInput(
            id=0, article_id=NO_ARTICLE, kind=AttributionKind.DIRECT, text=text, source_id=source_id
        )
        for match in matches:
            judgement = judge_pair(replace(asked, text=restated(match)), match, sources, thresholds)
            if judgement.verdict == PairVerdict.MISATTRIBUTION:
                return QuoteJudgement(QuoteVerdict.CONFLICTING, QuoteReason.SOMEONE_ELSE)
            one_speaker = one_speaker and judgement.same_speaker
    reason = QuoteReason.ONE_SOURCE if one_speaker else QuoteReason.NOT_FLAGGED
    return QuoteJudgement(QuoteVerdict.ATTRIBUTED, reason)


def pair_finding(
    a: AttributionInput,
    b: AttributionInput,
    sources: Mapping[int, SourceInput],
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Finding | None:
    """The misattribution or quote drift finding :func:`judge_pair` makes of two
    attributions, if any."""
    judgement = judge_pair(a, b, sources, thresholds)
    if judgement.verdict == PairVerdict.MISATTRIBUTION:
        return _misattribution(a, b, sources, judgement)
    if judgement.verdict == PairVerdict.QUOTE_DRIFT:
        return _drift(a, b, sources, judgement)
    return None


def _misattribution(
    a: AttributionInput,
    b: AttributionInput,
    sources: Mapping[int, SourceInput],
    judgement: PairJudgement,
) -> Finding:
    first, second = sorted((a, b), key=lambda x: x.id)
    groups = [independence_group(x, sources) for x in (first, second)]
    evidence = [
        {
            "id": x.id,
            "article_id": x.article_id,
            "source_id": x.source_id,
            "source": _label(x.source_id or 0, sources),
            "kind": str(x.kind),
            "group": group[0] if group else "",
        }
        for x, group in zip((first, second), groups, strict=True)
    ]
    details = {
        "similarity": judgement.similarity,
        "same_group": groups[0] == groups[1],
        "attributions": evidence,
    }
    return _finding(
        FindingKind.MISATTRIBUTION, f"attributions={first.id},{second.id}", (a, b), details
    )


def _drift(
    a: AttributionInput,
    b: AttributionInput,
    sources: Mapping[int, SourceInput],
    judgement: PairJudgement,
) -> Finding:
    first, second = sorted((a, b), key=lambda x: x.id)
    details = {
        "similarity": judgement.similarity,
        "source": _label(first.source_id or 0, sources),
        "article_ids": [first.article_id, second.article_id],
        "diff_from": first.id,
        "diff_to": second.id,
        "diff": [op.as_dict() for op in word_diff(first.text, second.text)],
    }
    return _finding(
        FindingKind.QUOTE_DRIFT, f"attributions={first.id},{second.id}", (a, b), details
    )


def _found(
    kind: PairVerdict,
    attribution: AttributionInput,
    candidates: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    thresholds: Thresholds,
) -> list[Finding]:
    found = (pair_finding(attribution, c, sources, thresholds) for c in candidates)
    return _unique(f for f in found if f is not None and f.kind == kind)


def find_misattributions(
    attribution: AttributionInput,
    candidates: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    *,
    min_similarity: float = MISATTRIBUTION_MIN_SIMILARITY,
    min_words: int = MIN_QUOTE_WORDS,
) -> list[Finding]:
    """Near-identical quotes attributed to a different source in another article: the
    pairs :func:`judge_pair` calls ``misattribution``.

    Sources in one independence group (an organisation and its spokesman) are still
    reported, with ``details["same_group"] = True``: a spokesman reading out the
    organisation's statement is normal, but crediting one member's words to another is
    the same mistake as any other, and only the caller knows which it wants to show.
    """
    thresholds = Thresholds(misattribution_min_similarity=min_similarity, min_quote_words=min_words)
    return _found(PairVerdict.MISATTRIBUTION, attribution, candidates, sources, thresholds)


def find_quote_drift(
    attribution: AttributionInput,
    candidates: Iterable[AttributionInput],
    sources: Mapping[int, SourceInput],
    *,
    min_similarity: float = DRIFT_MIN_SIMILARITY,
    min_words: int = MIN_QUOTE_WORDS,
) -> list[Finding]:
    """The same source's direct quote worded differently in another article: the pairs
    :func:`judge_pair` calls ``quote_drift``.

    Drift is a similarity from ``min_similarity`` up to, not including, 100: identical
    after normalising (quote marks, case, punctuation) is the same quote. The diff runs
    from the lower attribution id to the higher.
    """
    thresholds = Thresholds(drift_min_similarity=min_similarity, min_quote_words=min_words)
    return _found(PairVerdict.QUOTE_DRIFT, attribution, candidates, sources, thresholds)
