"""Exports: the archive as JSON Lines (and its import), attributions as CSV, published
reviews as a ClaimReview JSON-LD feed.

The archive format ``claim-tracker-archive``, version 1, is UTF-8 JSON Lines:

- line 1, the header: ``format``, ``version``, ``exported_at``, ``with_history``,
  ``filters`` (null for the whole archive), ``schema`` (the last migration of each app)
  and ``counts`` (rows of each model, in the order the rows follow);
- then one line per row, models in dependency order and rows by id::

      {"model": "articles.outlet", "pk": 3, "natural_key": ["AP"], "fields": {...}}

  ``fields`` holds every field as Django's serializers name it; references to archived
  rows are ids, references to users are natural keys (``["username"]``); many-to-many
  fields are sorted lists of ids; times are ISO 8601 to the microsecond. ``natural_key``
  appears for the models that have one (outlets by name, findings by key).

The models are those of ``articles``, ``sources``, ``claims``, ``crosscheck`` and
``suggestions`` (less operational state),
found in the app registry (``interchange.exporting.registry``), so models and fields added
later are covered. Historical rows (django-simple-history) are included with
``with_history``; without it the archive holds the current state only, and an import of
it starts with an empty history.
"""

from interchange.exporting.claimreview import claimreview_feed
from interchange.exporting.export import (
    FORMAT,
    VERSION,
    ArchiveError,
    export_archive,
    select_articles,
)
from interchange.exporting.importing import ImportReport, import_archive
from interchange.exporting.spreadsheet import HEADER as CSV_COLUMNS
from interchange.exporting.spreadsheet import write_attributions_csv

__all__ = [
    "CSV_COLUMNS",
    "FORMAT",
    "VERSION",
    "ArchiveError",
    "ImportReport",
    "claimreview_feed",
    "export_archive",
    "import_archive",
    "select_articles",
    "write_attributions_csv",
]
