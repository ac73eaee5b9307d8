"""The extractor: article text in, suggested attributions out. ``_Extractor`` runs the
pipeline (the rules, the tagger or both); each stage's methods live in the module named for
it."""

from __future__ import annotations

from collections.abc import Sequence

from suggestions.extraction.content import _SENTENCE_TAIL
from suggestions.extraction.frames import SIGNATURE_RE, _Frames, has_dash
from suggestions.extraction.learned import _Learned
from suggestions.extraction.mentions import _last_word, _word_set, fold_mention
from suggestions.extraction.records import _Anchor, _Entity, _Raw
from suggestions.extraction.results import _Results
from suggestions.extraction.segments import (
    Quote,
    QuoteIndex,
    build_masked,
    dateline_end,
    find_quotes,
    prepare,
    split_paragraphs,
    split_sentences,
)
from suggestions.extraction.speakers import _ORG_KINDS
from suggestions.extraction.tagger import tag_article
from suggestions.extraction.types import Extraction, ExtractionError, KnownSource

METHODS = ("rules", "tagger", "combined")


def extract(
    text: str,
    *,
    known_sources: Sequence[KnownSource] = (),
    max_chars: int = 2_000_000,
    method: str = "combined",
) -> Extraction:
    """Suggest attributions for an article body.

    ``text`` is the canonical body every offset points into. ``method`` is ``"rules"`` (the
    rule-based extractor alone: precise, finds mostly quotations and speech verbs),
    ``"tagger"`` (the CRF tagger alone) or ``"combined"`` (the default: the rules'
    suggestions, then the tagger's whose content overlaps none of theirs).

    Raises ``ExtractionError`` (a ``ValueError``) when ``text`` is not a string or is longer
    than ``max_chars``, when ``known_sources`` holds something other than ``KnownSource``, or
    when ``method`` is not one of those; ``tagger.TaggerUnavailable`` (an
    ``ExtractionError``) when the tagger's model file is missing. Empty text, text without
    quotes, unbalanced quotation marks, control characters and any script are accepted;
    time and memory grow linearly with the length of the text.
    """
    if method not in METHODS:
        raise ExtractionError(f"method must be one of {', '.join(METHODS)}, not {method!r:.40}")
    if not isinstance(text, str):
        raise ExtractionError(f"text must be a str, not {type(text).__name__}")
    if not isinstance(max_chars, int) or max_chars < 1:
        raise ExtractionError("max_chars must be a positive integer")
    if len(text) > max_chars:
        raise ExtractionError(
            f"text is {len(text):,} characters long; the limit is {max_chars:,} "
            "(split the document or raise max_chars)"
        )
    for known in known_sources:
        if not isinstance(known, KnownSource):
            raise ExtractionError(f"known_sources must hold KnownSource, not {known!r:.60}")
    if not text.strip():
        return Extraction((), ())
    return _Extractor(text, known_sources).run(method)


_PARAGRAPH_ENDINGS = frozenset(".!?:;”\"’')…»」』")


class _Extractor(_Frames, _Learned, _Results):
    """One article's run: the state the stage classes declare, set up here, and the pipeline
    that reads the article paragraph by paragraph, sentence by sentence."""

    def __init__(self, text: str, known_sources: Sequence[KnownSource]) -> None:
        self.text = text
        self.work = prepare(text)
        # Entities in order of last mention, most recent last: resolution looks back over a
        # bounded window of them, so each mention costs the same in a long article.
        self.recent: dict[int, _Entity] = {}
        self.people_by_name: dict[str, _Entity] = {}
        self.people_by_word: dict[str, _Entity] = {}
        self.orgs_by_form: dict[str, _Entity] = {}
        self.raws: list[_Raw] = []
        # A reason for anonymity given before the anonymous source speaks (speakers.py).
        self.waiting_reason = ""
        self.stray_marks = 0
        self.known_by_form: dict[str, KnownSource | None] = {}
        self.known_by_surname: dict[str, KnownSource | None] = {}
        self.known_entities: dict[int, _Entity] = {}
        self.known_orgs_by_head: dict[str, list[tuple[frozenset[str], KnownSource]]] = {}
        for known in known_sources:
            for form in (known.name, *known.aliases):
                self._index_known(self.known_by_form, fold_mention(form), known)
                if known.kind in _ORG_KINDS and form:
                    entry = (_word_set(form), known)
                    self.known_orgs_by_head.setdefault(_last_word(form), []).append(entry)
            if known.kind == "person" and known.name.strip():
                self._index_known(
                    self.known_by_surname, fold_mention(known.name.split()[-1]), known
                )

    @staticmethod
    def _index_known(index: dict, form: str, known: KnownSource) -> None:
        # A form shared by two sources is ambiguous and matches neither.
        if form:
            index[form] = known if index.get(form, known) is known else None

    # --- pipeline --------------------------------------------------------------------------

    def run(self, method: str = "rules") -> Extraction:
        work = self.work
        tagged = tag_article(work) if method != "rules" else []
        self.paragraphs = split_paragraphs(work)
        quotes, self.stray_marks = find_quotes(work, self.paragraphs)
        self.masked = build_masked(work, quotes, self.paragraphs)
        self.quotes = QuoteIndex(quotes, self.paragraphs)
        if method != "tagger":
            self._rules()
        if tagged:
            # Headlines, subheadings and bylines are metadata, never attributions (as for
            # the rules): a tagged span in one is left out.
            headings = [(ps, pe) for ps, pe in self.paragraphs if _is_heading(work, ps, pe)]
            if headings:
                tagged = [
                    item for item in tagged if not any(ps <= item.start < pe for ps, pe in headings)
                ]
            self._add_tagged(tagged)
        return self._output()

    def _rules(self) -> None:
        work = self.work
        sentence_count = 0
        self.para_anchors: list[list[tuple[int, _Anchor]]] = []
        self.chain_anchors: dict[int, _Anchor] = {}
        pending: list[tuple[int, int, Quote]] = []
        for p_index, (ps, pe) in enumerate(self.paragraphs):
            body_start = dateline_end(self.masked, ps, pe) if p_index < 4 else ps
            anchors_here: list[tuple[int, _Anchor]] = []
            self.para_anchors.append(anchors_here)
            if _is_heading(work, ps, pe) and not (
                has_dash(self.masked, ps, pe) and SIGNATURE_RE.search(self.masked, ps, pe)
            ):
                continue  # (a line signed "— Name" is a quote or post, not a heading)
            for ss, se in split_sentences(self.masked, work, body_start, pe):
                s_index = sentence_count
                sentence_count += 1
                found = self._sentence(ss, se)
                self._anonymity(ss, se, found)
                anchors_here.extend((s_index, a) for a in found)
                quote = self._quote_only(ss, se)
                if quote is not None and not found:
                    pending.append((p_index, s_index, quote))
        self._continuations(pending)

    def _quote_only(self, ss: int, se: int) -> Quote | None:
        quote = self.quotes.at(ss)
        if quote is None:
            return None
        end = quote.end(self.paragraphs)
        rest = self.masked[end:se].strip(_SENTENCE_TAIL)
        return quote if not rest else None

    # --- continuations ---------------------------------------------------------------------

    def _continuations(self, pending: list[tuple[int, int, Quote]]) -> None:
        """Quote-only sentences take the speaker of their quote chain, of the paragraph, or
        of the previous paragraph (wire copy runs a speaker's quotes on like this).

        ``pending`` is in text order; each paragraph is walked once, so a paragraph of
        thousands of quotes costs linear time."""
        by_para: dict[int, list[tuple[int, Quote]]] = {}
        for p_index, s_index, quote in pending:
            by_para.setdefault(p_index, []).append((s_index, quote))
        for p_index, items in by_para.items():
            here = self.para_anchors[p_index]
            derived: list[tuple[int, _Anchor]] = []
            before: _Anchor | None = None
            j = 0
            for s_index, quote in items:
                while j < len(here) and here[j][0] < s_index:
                    before = here[j][1]
                    j += 1
                anchor, confidence = None, 0.0
                if quote.chain >= 0 and quote.chain in self.chain_anchors:
                    anchor, confidence = self.chain_anchors[quote.chain], 0.75
                elif before is not None:
                    anchor, confidence = before, 0.75
                elif j < len(here):
                    anchor, confidence = here[j][1], 0.65
                elif p_index > 0 and self.para_anchors[p_index - 1]:
                    anchor, confidence = self.para_anchors[p_index - 1][-1][1], 0.55
                if anchor is None:
                    continue
                self._add_quote(quote, anchor, confidence)
                derived.append((s_index, anchor))
                before = anchor
            if derived:
                here.extend(derived)
                here.sort(key=lambda item: item[0])


def _is_heading(work: str, start: int, end: int) -> bool:
    """A headline, subheading, byline or update line: short and without final punctuation.
    These are metadata, never attributions ("Minister says talks failed")."""
    return work[end - 1] not in _PARAGRAPH_ENDINGS and work.count(" ", start, end) < 20
