"""Bulk import of articles: JSON Lines, plain-text and HTML files.

Formats (``Format``; ``auto`` tells them by extension: ``.jsonl``/``.ndjson``,
``.txt``/``.text``, ``.html``/``.htm``):

- JSON Lines: one article per line, a JSON object with ``headline``* and ``body``*, and
  ``outlet`` (its name; required unless a default outlet is given), ``url``, ``byline``,
  ``published_at`` (ISO 8601 with a UTC offset), ``dateline``, ``language`` and
  ``attributions``. Each attribution gives its span by ``text`` (located in the body: it
  must occur exactly once) or by ``start`` and ``end`` offsets (or both, which must agree),
  a ``kind`` (direct, indirect, mixed, unattributed, declined), and a ``source``: a name (matched to
  a named source by name or alias, any case; a new person if none) or an object with the
  source's fields (``kind``, ``name``, ``description``, ``role``, ``anonymity_reason``,
  ``aliases``, ...). ``claim`` is a claim's text; ``cue``, ``channel``, ``stance``,
  ``speaker_mention``, ``said_on``, ``said_when_text`` and ``note`` are as in the
  annotation format (``interchange.annotations``), whose parser checks them.
- Plain text and HTML: one article per file (``documents``).

Rules:

- A record with a URL already stored: the same body is skipped (unchanged); a different
  body is a conflict and nothing changes, unless ``update`` is set, when the stored article
  takes the record's fields through ``article_update`` (which re-anchors its spans). A
  record without a URL whose body is already stored (same ``content_hash``) is skipped.
- Outlets are matched by name, any case, and created when new.
- Each record is written in its own savepoint: a bad one is reported with its file and line
  and rolls back only itself. Attributions are written with new articles only.

``import_files`` is the one entry point; ``manage.py import_articles`` and the admin's
"Import articles" page call it.
"""

from interchange.importing.reading import EXTENSIONS, Format, ImportFile, files_from_paths
from interchange.importing.report import ImportReport, Problem, Status, write_problems
from interchange.importing.service import ArticleHook, import_files

__all__ = [
    "EXTENSIONS",
    "ArticleHook",
    "Format",
    "ImportFile",
    "ImportReport",
    "Problem",
    "Status",
    "files_from_paths",
    "import_files",
    "write_problems",
]
