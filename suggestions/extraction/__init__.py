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

The rules: quotations are found and masked (marks typed
as two apostrophes, ''like this'', count as quotation marks, and a quote may open and close
with different kinds of marks), the text is split into
sentences aware of abbreviations and quotes, cues are found outside quotes, and each is
parsed into a span of quoted or reported speech plus a speaker mention. Cues are verbs of
speech ("said", "told", "urged", "denied", "called X Y", "expressed concern that", "pointed
out that"), of belief ("believes", "thinks", "wants", "fears", "remain confident that") and
of evidence ("a poll shows", "researchers found"); "according to";
participles after a cue or a main clause (", saying ...", ", noting that ...", ", telling
reporters ..."); nouns owned by their speaker after the sentence's verb ("repeated his claim
that ..."); a poll or study opening the sentence ("In the latest X poll, ..."); a colon after
a name ("Ilse Varga: “...”", transcripts, title lines) and a dash signing a quote or post
("“...” — Ilse Varga"); a title-case title line with its verb ("Varga Says Deal Is Dead.");
a clause, a colon or comma and a closing quote ("Ruiz interjected: “...”"); "with 30 percent
of voters saying ...". A verb in a relative clause before the main verb is not a cue ("The official,
who asked not to be named ..., said ..."); one in a non-restrictive relative clause ending
the sentence is its antecedent's (", who said he knew them").

Mentions are resolved to sources: first to the archive (``known_sources``, by name or
alias), then to speakers seen earlier in the article (surname, pronoun, role: "Afrin", "he",
"the coalition"), else a new source is proposed with the kind, role and affiliation the text
gives. Reasons for anonymity ("spoke on condition of anonymity because ...") are attached to
the anonymous sources they describe.

Span conventions follow the seed annotation (``seeds/baghouz-2019-03-13.json``):

- direct: the words inside the marks, no trailing comma; a final ., ? or ! inside is kept;
  a quote in two parts around its attribution, or followed by a quote-only sentence, gives
  one suggestion per part, all with the same speaker and cue; a quote running over several
  paragraphs gives one suggestion per paragraph;
- the suggestions that share one cue span are the parts of one utterance: each part after
  the first has ``continues``, the index of the first in ``Extraction.suggestions`` (the
  BRAT scorer counts them as one discontinuous content, as PolNeAR annotates a quote
  interrupted by its cue);
- indirect: the clause after the cue (and after any recipient, time or channel phrase),
  without "that", to the sentence end without its final period, or up to ", adding" or
  ", according to"; speech placed before the cue runs from the sentence start (after a
  dateline) to before ", said" / ", he said"; two predicates or that-clauses joined by
  "and" are two suggestions ("... are putting up a fight" / "staged a counterattack ...");
- mixed: a reported clause holding a quotation, marks included;
- "adding ..." is its own suggestion with cue "adding", and so is each participle cue
  (", saying ...", ", before noting that ..."); reported speech stops before the writer's own
  clause (", while critics ...") and before another speaker's inverted cue (", said X");
- after a quote, words following the cue and speaker are the writer's ("“...,” Ortiz said
  as he loaded sandbags" gives the quote only), unless "that" or ":" opens more speech;
- speaker mentions keep an age, a party or an acronym in parentheses ("Ana Ruiz, 47",
  "Ivo Brand (D-Kell.)"); the proposed source's name does not.

Beyond the fields the issue asked for, ``Suggestion.channel`` carries the channel the text
names (``Attribution.Channel`` values: "statement", "social_media_post", "interview", ...),
``Suggestion.act`` what the cue reports ("speech": X said; "belief": X believes, wants,
fears; "evidence": a poll shows, a study found, according to the report) and
``ProposedSource.affiliation_id`` points at an archived organisation when the
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
