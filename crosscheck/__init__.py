"""The cross-check engine: attributions checked against each other.

- ``rules``: the rules as pure functions over plain data (independence and claim status,
  misattribution, quote drift, contradictions, numeric conflicts, sourcing findings);
- ``quantities``: reading figures ("at least four", "10,000", "thousands") as intervals,
  with ``number_words`` reading the numbers themselves (numerals, number words);
- ``index``: near-duplicate quote candidates from a database index (pg_trgm on PostgreSQL,
  FTS5 trigrams on SQLite), re-ranked exactly;
- ``scope``: the ids a change touched, widened to all whose results could change and
  loaded as the rules' inputs;
- ``services``: the one entry point that loads what a change touches, runs the rules and
  stores findings and claim statuses;
- ``tasks``: that entry point as the task ``crosscheck.recheck``, which the other apps'
  services ask for after a write (``access.tasks.after_commit``).
"""
