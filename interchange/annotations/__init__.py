"""Read and write annotation documents in the format ``claim-tracker-annotation/1``.

An annotation document is JSON describing articles and everything annotated in them: the
sources quoted, the claims, each attribution's exact span, metadata spans and relations
between claims. ``seeds/*.json`` are such documents; bulk imports and the extractor's scoring
use the same format.

Format (``*`` marks a required field; every other field has the default shown or is empty)::

    document     format* ("claim-tracker-annotation/1"), description, outlets, articles*
    outlet       key*, name*, kind* (Outlet.Kind), domain
    article      key*, outlet* (outlet key), origin_outlet (outlet key), headline*, url,
                 byline, dateline, language ("en"), status ("draft"), published_at,
                 last_updated_at, notes, body* or body_file*, sources, claims, attributions,
                 metadata, relations
    source       key*, kind* (Source.Kind), name, description, role, role_type
                 (Source.RoleType), affiliation (key of an organisation), platform, handle,
                 owner (key of a person or organisation), anonymity_reason, aliases (list of
                 name forms), identifiers (list of identifier), notes
    identifier   scheme* (SourceIdentifier.Scheme), value* (a QID or Wikidata URL, a
                 website, a handle or profile URL; normalised as the model does)
    claim        key*, text*, event_date, notes
    attribution  kind* (Attribution.Kind), text*, start, end, source (source key; null only
                 when unattributed), claim (claim key), stance ("asserts"), act ("speech"; or
                 "belief", "evidence"), speaker_mention,
                 cue, channel ("unknown"), recipient (outlet key), said_on, said_when_text,
                 note, is_suggested (false), is_reviewed (false)
    metadata     kind* (MetadataSpan.Kind), text*, start, end, outlet (outlet key)
    relation     from*, to* (claim keys), kind* (ClaimRelation.Kind), note

- Outlet keys hold across the document; source and claim keys only inside their article.
- ``body_file`` is a UTF-8 file next to the JSON file, read byte for byte.
- ``start``/``end`` are character offsets into the body with ``body[start:end] == text``;
  both may be left out when the text occurs exactly once in the body.
- Dates are ``YYYY-MM-DD``; times are ISO 8601 with a UTC offset.

Loading (``load_annotation``) checks the whole document before writing anything, then writes
it in one transaction through the services, so model validation and history apply to every
row. Outlets are matched by case-insensitive name. Named sources (person, organisation,
official account, document) are matched by kind and identifier, then by kind and
case-insensitive name or alias, and reused, gaining any aliases and identifiers they lack; a
reused row is otherwise left as it is. An identifier that another source already has refuses
the document (one identifier names one entity). Anonymous
sources and unnamed groups are always created for their article. An article already present
(same URL, or same outlet and headline when it has no URL) is skipped whole, so loading a
document twice writes nothing the second time.

``dump_annotation`` writes articles back in the same format, with generated keys;
``canonical_form`` strips keys and order so two documents can be compared by content.
"""

from interchange.annotations.dump import canonical_form, dump_annotation
from interchange.annotations.load import LoadReport, load_annotation
from interchange.annotations.parse import parse_annotation
from interchange.annotations.schema import FORMAT
from interchange.annotations.values import AnnotationError

__all__ = [
    "FORMAT",
    "AnnotationError",
    "LoadReport",
    "canonical_form",
    "dump_annotation",
    "load_annotation",
    "parse_annotation",
]
