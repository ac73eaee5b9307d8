"""Article text in, suggested attributions out: who said what, where, and how.

Two extractors, combined by default (``extract(..., method="combined")``):

- **rules** (precise): described below;
- **tagger** (``tagger.py``, ``tagger_features.py``, ``learned.py``): a CRF sequence tagger
  (python-crfsuite) trained on PolNeAR's annotated news (``manage.py train_tagger``; model
  committed in ``models/attribution-crf.crfsuite``) marks source, cue and content tokens
  paragraph by paragraph, and each content is grouped with the nearest cue and the source
  nearest that cue. It finds what the rules miss: indirect speech with any verb, beliefs,
  plans ("believes", "wants", "polls show"). Its speakers are resolved by the rules'
  machinery, so they link to known or proposed sources the same way; its confidence comes
  from the tagger's marginal probabilities. ``method="combined"`` keeps every rule
  suggestion and adds the tagger's whose content overlaps none of them.

The rules: quotations are found and masked, the text is
split into sentences aware of abbreviations and quotes, speech cues ("said", "told",
"tweeted", "according to", "adding") are found outside quotes, and each is parsed into a
span of quoted or reported speech plus a speaker mention. Mentions are resolved to sources:
first to the archive (``known_sources``, by name or alias), then to speakers seen earlier in
the article (surname, pronoun, role: "Afrin", "he", "the coalition"), else a new source is
proposed with the kind, role and affiliation the text gives. Reasons for anonymity
("spoke on condition of anonymity because ...") are attached to the anonymous sources they
describe.

Span conventions follow the seed annotation (``seeds/baghouz-2019-03-13.json``):

- direct: the words inside the marks, no trailing comma; a final ., ? or ! inside is kept;
  a quote in two parts around its attribution, or followed by a quote-only sentence, gives
  one suggestion per part, all with the same speaker and cue; a quote running over several
  paragraphs gives one suggestion per paragraph;
- indirect: the clause after the cue (and after any recipient, time or channel phrase),
  without "that", to the sentence end without its final period, or up to ", adding" or
  ", according to"; speech placed before the cue runs from the sentence start (after a
  dateline) to before ", said" / ", he said"; two predicates or that-clauses joined by
  "and" are two suggestions ("... are putting up a fight" / "staged a counterattack ...");
- mixed: a reported clause holding a quotation, marks included;
- "adding ..." is its own suggestion with cue "adding".

Beyond the fields the issue asked for, ``Suggestion.channel`` carries the channel the text
names (``Attribution.Channel`` values: "statement", "social_media_post", "interview", ...)
and ``ProposedSource.affiliation_id`` points at an archived organisation when the
affiliation is one. Archive links are conservative: a mention links to a known source only
by an exact name or alias (case and a leading "the" ignored), a surname of a known person,
or a mention that contains a known organisation's whole name; anything vaguer ("the
ministry") is resolved within the article or proposed as new.

``score`` and ``speaker_resolver`` compare suggestions with an annotation document
(``claim-tracker-annotation/1``) for tests and benchmarks; ``suggestions.extraction.evaluation``
runs the extractor on annotated articles and scores it for ``manage.py evaluate_extraction``.

Pure Python: no Django imports. The service that stores suggestions maps
``Suggestion.source_id`` / ``proposed_source`` to rows.
"""

from suggestions.extraction.extractor import extract
from suggestions.extraction.scoring import Metric, score, speaker_resolver
from suggestions.extraction.types import (
    Extraction,
    ExtractionError,
    KnownSource,
    ProposedSource,
    Suggestion,
)

__all__ = [
    "Extraction",
    "ExtractionError",
    "KnownSource",
    "Metric",
    "ProposedSource",
    "Suggestion",
    "extract",
    "score",
    "speaker_resolver",
]
