"""External identifiers of a source: what each scheme accepts, its canonical form, and the
link to the page it names. Pure functions over strings; ``SourceIdentifier`` stores them.

Each scheme takes what an editor is likely to paste: a Wikidata item as ``Q42``, ``q42`` or
its URL; a handle with or without ``@``, or the profile's URL. ``normalize_identifier``
returns the form to show (``Q42``, ``SDFpress``) and the form to compare (``q42`` would be
``Q42``; handles compare case-insensitively), or raises ``ValidationError``.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models


class Scheme(models.TextChoices):
    WIKIDATA = "wikidata", "Wikidata"
    WEBSITE = "website", "website"
    TWITTER = "twitter", "X (Twitter)"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    TELEGRAM = "telegram", "Telegram"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    OTHER = "other", "other"


MAX_VALUE_LENGTH = 500
QID_RE = re.compile(r"Q[1-9][0-9]*")
# The DB check constraint's form of QID_RE (anchored, as a database regex).
QID_DB_REGEX = r"^Q[1-9][0-9]*$"
_WIKIDATA_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?wikidata\.org/(?:wiki|entity)/(?:Special:EntityPage/)?"
    r"(?P<qid>[Qq][0-9]+)/?(?:[?#].*)?",
    re.IGNORECASE,
)

# Per platform: the profile hosts a URL may use, the handle's shape, the profile URL and how
# to describe a valid handle.
# Keyed by Scheme; looked up with the scheme as stored, a plain str.
_HANDLES: dict[str, tuple[tuple[str, ...], re.Pattern[str], str, str]] = {
    Scheme.TWITTER: (
        ("twitter.com", "x.com", "mobile.twitter.com"),
        re.compile(r"[A-Za-z0-9_]{1,15}"),
        "https://x.com/{}",
        "1 to 15 letters, digits or underscores",
    ),
    Scheme.FACEBOOK: (
        ("facebook.com", "m.facebook.com", "fb.com"),
        re.compile(r"[A-Za-z0-9.\-]{1,100}"),
        "https://www.facebook.com/{}",
        "letters, digits, dots or hyphens",
    ),
    Scheme.INSTAGRAM: (
        ("instagram.com",),
        re.compile(r"[A-Za-z0-9._]{1,30}"),
        "https://www.instagram.com/{}/",
        "1 to 30 letters, digits, dots or underscores",
    ),
    Scheme.TELEGRAM: (
        ("t.me", "telegram.me"),
        re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}"),
        "https://t.me/{}",
        "4 to 32 letters, digits or underscores, starting with a letter",
    ),
    Scheme.TIKTOK: (
        ("tiktok.com",),
        re.compile(r"[A-Za-z0-9_.]{2,24}"),
        "https://www.tiktok.com/@{}",
        "2 to 24 letters, digits, dots or underscores",
    ),
}
_YOUTUBE_CHANNEL_RE = re.compile(r"UC[A-Za-z0-9_\-]{22}")
_YOUTUBE_HANDLE_RE = re.compile(r"[A-Za-z0-9_.\-]{3,30}")
_DOMAIN_RE = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9\-]{0,62}", re.IGNORECASE
)
_MASTODON_USER_RE = re.compile(r"[A-Za-z0-9_]{1,30}")
_BLUESKY_DID_RE = re.compile(r"did:plc:[a-z2-7]{24}")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Identifier:
    value: str  # the form shown and stored as the value
    normalized: str  # the form compared: two identifiers are the same when these are


def normalize_identifier(scheme: str, value: str) -> Identifier:
    """The canonical forms of ``value`` in ``scheme``; ``ValidationError`` if it is not one."""
    if not isinstance(value, str):
        raise ValidationError("Give the identifier as text.", code="invalid")
    text = value.strip()
    if not text:
        raise ValidationError("Give the identifier.", code="blank")
    if len(text) > MAX_VALUE_LENGTH:
        raise ValidationError(
            f"An identifier has at most {MAX_VALUE_LENGTH} characters.", code="max_length"
        )
    if "\x00" in text:
        raise ValidationError("Null characters are not allowed.", code="null_characters")
    if scheme == Scheme.WIKIDATA:
        return _wikidata(text)
    if scheme == Scheme.WEBSITE:
        return _website(text)
    if scheme in _HANDLES:
        return _handle(scheme, text)
    if scheme == Scheme.YOUTUBE:
        return _youtube(text)
    if scheme == Scheme.MASTODON:
        return _mastodon(text)
    if scheme == Scheme.BLUESKY:
        return _bluesky(text)
    if scheme == Scheme.OTHER:
        return Identifier(text, " ".join(text.casefold().split()))
    raise ValidationError(f"Unknown scheme {scheme!r}.", code="invalid_choice")


def identifier_url(scheme: str, value: str) -> str:
    """The http(s) address of the page the identifier names, or "" if there is none.

    Built from the stored ``value`` (already normalised); a value that is not valid for its
    scheme gets no link.
    """
    try:
        identifier = normalize_identifier(scheme, value)
    except ValidationError:
        return ""
    value = identifier.value
    if scheme == Scheme.WIKIDATA:
        return f"https://www.wikidata.org/wiki/{value}"
    if scheme == Scheme.WEBSITE:
        return value
    if scheme in _HANDLES:
        return _HANDLES[scheme][2].format(quote(value, safe=""))
    if scheme == Scheme.YOUTUBE:
        if _YOUTUBE_CHANNEL_RE.fullmatch(value):
            return f"https://www.youtube.com/channel/{value}"
        return f"https://www.youtube.com/@{quote(value, safe='')}"
    if scheme == Scheme.MASTODON:
        user, _, host = value.partition("@")
        return f"https://{host}/@{quote(user, safe='')}"
    if scheme == Scheme.BLUESKY:
        return f"https://bsky.app/profile/{quote(value, safe=':')}"
    if scheme == Scheme.OTHER and _is_web_url(value):
        return value
    return ""


def parse_identifier_query(text: str) -> list[tuple[str, str]]:
    """What ``scheme:value`` or a bare ``value`` can mean, as (scheme, normalized) pairs.

    ``wikidata:Q42`` means one pair, and raises ``ValidationError`` if the value is not valid
    in that scheme; a bare value (``Q42``, ``@SDFpress``, a URL) means every scheme it is
    valid in. A prefix that is not a scheme (``https:``) is part of the value.
    """
    text = text.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.strip().lower() in Scheme.values:
        scheme = prefix.strip().lower()
        return [(scheme, normalize_identifier(scheme, rest).normalized)]
    pairs = []
    for scheme in Scheme.values:
        try:
            pairs.append((scheme, normalize_identifier(scheme, text).normalized))
        except ValidationError:
            continue
    return pairs


def _wikidata(text: str) -> Identifier:
    match = _WIKIDATA_URL_RE.fullmatch(text)
    qid = (match["qid"] if match else text).upper()
    if not QID_RE.fullmatch(qid):
        raise ValidationError(
            "A Wikidata item is Q followed by its number (Q42), or its URL "
            "(https://www.wikidata.org/wiki/Q42).",
            code="invalid",
        )
    return Identifier(qid, qid)


def _is_web_url(text: str) -> bool:
    try:
        _url_validator(text)
    except ValidationError:
        return False
    return True


def _website(text: str) -> Identifier:
    if "://" not in text:
        text = "https://" + text
    if not _is_web_url(text):
        raise ValidationError(
            "Give the site's address, e.g. https://example.org/ (http or https).",
            code="invalid",
        )
    parts = urlsplit(text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    shown = parts._replace(netloc=parts.netloc.lower(), fragment="").geturl()
    return Identifier(shown, f"{host}{port}{path}{query}")


def _profile_path(text: str, hosts: tuple[str, ...]) -> str | None:
    """The path of a profile URL on one of ``hosts`` (without slashes), else None."""
    candidate = text if "://" in text else "https://" + text
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host not in hosts or parts.scheme not in ("http", "https"):
        return None
    return parts.path.strip("/")


def _handle(scheme: str, text: str) -> Identifier:
    hosts, shape, _url, described = _HANDLES[scheme]
    path = _profile_path(text, hosts)
    handle = (path.split("/")[0] if path is not None else text).removeprefix("@")
    if not shape.fullmatch(handle):
        label = Scheme(scheme).label
        raise ValidationError(
            f"A {label} handle is {described}, with or without '@', or the profile's URL.",
            code="invalid",
        )
    return Identifier(handle, handle.lower())


def _youtube(text: str) -> Identifier:
    path = _profile_path(text, ("youtube.com", "m.youtube.com"))
    if path is not None:
        parts = path.split("/")
        text = parts[1] if parts[0] in ("channel", "c", "user") and len(parts) > 1 else parts[0]
    if _YOUTUBE_CHANNEL_RE.fullmatch(text):
        # Channel ids are case-sensitive; compared as they are.
        return Identifier(text, text)
    handle = text.removeprefix("@")
    if not _YOUTUBE_HANDLE_RE.fullmatch(handle):
        raise ValidationError(
            "A YouTube channel is its handle (@name), its channel id (UC…) or its URL.",
            code="invalid",
        )
    return Identifier(handle, handle.lower())


def _mastodon(text: str) -> Identifier:
    user = host = ""
    if "://" in text:
        try:
            parts = urlsplit(text)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme in ("http", "https"):
            segment = parts.path.strip("/").split("/")[0]
            if segment.startswith("@"):
                user, host = segment[1:], (parts.hostname or "")
    else:
        user, _, host = text.removeprefix("@").partition("@")
    if not (_MASTODON_USER_RE.fullmatch(user) and _DOMAIN_RE.fullmatch(host)):
        raise ValidationError(
            "A Mastodon account is user@server (with or without a leading '@'), or its URL.",
            code="invalid",
        )
    value = f"{user}@{host.lower()}"
    return Identifier(value, value.lower())


def _bluesky(text: str) -> Identifier:
    path = _profile_path(text, ("bsky.app",))
    if path is not None:
        parts = path.split("/")
        text = parts[1] if parts[0] == "profile" and len(parts) > 1 else ""
    handle = text.removeprefix("@").lower()
    if not (_BLUESKY_DID_RE.fullmatch(handle) or _DOMAIN_RE.fullmatch(handle)):
        raise ValidationError(
            "A Bluesky account is its handle (name.bsky.social, or a domain), its DID "
            "(did:plc:…) or its profile URL.",
            code="invalid",
        )
    return Identifier(handle, handle)
