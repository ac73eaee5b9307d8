"""The annotation format's field tables: the fields of each record kind with their defaults,
and the fields stored as they are on the model."""

from claims.models import Attribution
from interchange.annotations.values import _REQUIRED

FORMAT = "claim-tracker-annotation/1"

_DOCUMENT_FIELDS = {"format": _REQUIRED, "description": "", "outlets": [], "articles": _REQUIRED}
_OUTLET_FIELDS = {"key": _REQUIRED, "name": _REQUIRED, "kind": _REQUIRED, "domain": ""}
_ARTICLE_FIELDS = {
    "key": _REQUIRED,
    "outlet": _REQUIRED,
    "origin_outlet": None,
    "headline": _REQUIRED,
    "url": "",
    "byline": "",
    "dateline": "",
    "language": "en",
    "status": "draft",
    "published_at": None,
    "last_updated_at": None,
    "notes": "",
    "body": None,
    "body_file": None,
    "sources": [],
    "claims": [],
    "attributions": [],
    "metadata": [],
    "relations": [],
}
_SOURCE_FIELDS = {
    "key": _REQUIRED,
    "kind": _REQUIRED,
    "name": "",
    "description": "",
    "role": "",
    "affiliation": None,
    "platform": "",
    "handle": "",
    "owner": None,
    "anonymity_reason": "",
    "aliases": [],
    "identifiers": [],
    "role_type": "",
    "notes": "",
}
_IDENTIFIER_FIELDS = {"scheme": _REQUIRED, "value": _REQUIRED}
_CLAIM_FIELDS = {"key": _REQUIRED, "text": _REQUIRED, "event_date": None, "notes": ""}
_ATTRIBUTION_FIELDS = {
    "source": None,
    "claim": None,
    "kind": _REQUIRED,
    "start": None,
    "end": None,
    "text": _REQUIRED,
    "cue": "",
    "speaker_mention": "",
    "channel": Attribution.Channel.UNKNOWN.value,
    "recipient": None,
    "said_on": None,
    "said_when_text": "",
    "stance": Attribution.Stance.ASSERTS.value,
    "act": Attribution.Act.SPEECH.value,
    "note": "",
    "is_suggested": False,
    "is_reviewed": False,
}
_METADATA_FIELDS = {
    "kind": _REQUIRED,
    "outlet": None,
    "start": None,
    "end": None,
    "text": _REQUIRED,
}
_RELATION_FIELDS = {"from": _REQUIRED, "to": _REQUIRED, "kind": _REQUIRED, "note": ""}

# Fields stored as they are on the model, and checked by the model field's own validation.
OUTLET_MODEL_FIELDS = ("name", "kind", "domain")
ARTICLE_MODEL_FIELDS = (
    "headline",
    "url",
    "byline",
    "dateline",
    "language",
    "status",
    "published_at",
    "last_updated_at",
    "notes",
)
SOURCE_MODEL_FIELDS = (
    "kind",
    "name",
    "description",
    "role",
    "role_type",
    "platform",
    "handle",
    "anonymity_reason",
    "notes",
)
CLAIM_MODEL_FIELDS = ("text", "event_date", "notes")
ATTRIBUTION_MODEL_FIELDS = (
    "kind",
    "text",
    "cue",
    "speaker_mention",
    "channel",
    "said_on",
    "said_when_text",
    "stance",
    "act",
    "note",
    "is_suggested",
    "is_reviewed",
)
METADATA_MODEL_FIELDS = ("kind", "text")
RELATION_MODEL_FIELDS = ("kind", "note")
