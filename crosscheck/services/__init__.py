"""The cross-check's one entry point: load what a change touches, run the rules, store.

``recheck`` takes the ids a change touched (attributions, claims, sources), widens them to
everything whose results could change (the claims of those attributions, all attributions of
those claims, claims related to them, the near-identical quotes the index finds), runs the
pure rules in ``rules``, and then:

- stores each finding by its key: a finding found again keeps its id and triage state, and
  one that was resolved is reopened;
- marks resolved (never deletes) each stored finding that this recomputation was complete
  enough to judge and did not find again;
- updates the status of every claim in scope.

``recheck(scope, partners=archive_partners())`` is the full recomputation's form: the
near-duplicate quotes of the whole archive are paired once, up front, instead of one index
query per attribution. Findings and claim statuses are written in bulk, with their history.

After a write, ``recheck`` runs as the task ``crosscheck.recheck`` (``crosscheck/tasks.py``):
every service that changes what a finding or a claim status depends on asks for it with
``access.tasks.after_commit``, so every write path (admin, API, pages, commands) keeps
findings current.

The modules, along the recheck's seams: ``loading`` (the thresholds from the settings, the
widened scope as a snapshot, the archive's quote pairs), ``storing`` (:func:`recheck`: the
findings and claim statuses written) and ``triage`` (:func:`finding_triage`). Every name
is importable from here.
"""

# ``index`` and ``rules`` as the single module did (tests patch ``services.index``).
from crosscheck import index, rules
from crosscheck.services.loading import (
    ATTRIBUTION_FIELDS,
    ATTRIBUTION_KINDS,
    CLAIM_KINDS,
    LINKING_RELATIONS,
    PAIR_KINDS,
    SOURCE_KINDS,
    Scope,
    archive_partners,
    thresholds,
)
from crosscheck.services.storing import RecheckReport, recheck, summarize
from crosscheck.services.triage import (
    KEEP,
    assignable_users,
    finding_triage,
    findings_triage,
    may_be_assigned,
)

__all__ = [
    "ATTRIBUTION_FIELDS",
    "ATTRIBUTION_KINDS",
    "CLAIM_KINDS",
    "KEEP",
    "LINKING_RELATIONS",
    "PAIR_KINDS",
    "SOURCE_KINDS",
    "RecheckReport",
    "Scope",
    "archive_partners",
    "assignable_users",
    "finding_triage",
    "findings_triage",
    "index",
    "may_be_assigned",
    "recheck",
    "rules",
    "summarize",
    "thresholds",
]
