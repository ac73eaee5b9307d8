"""A fact-checker's verdict on a finding, kept through every recomputation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.services import acting_user, set_history_user
from access.tasks import after_commit
from crosscheck import rules
from crosscheck.models import Finding


@transaction.atomic
def finding_triage(
    *, finding: Finding, state: str | None = None, note: str | None = None, user=None
) -> Finding:
    """Record a fact-checker's verdict on a finding (open, confirmed, dismissed) and/or note.

    ``state`` or ``note`` left as None keeps the stored value, so a note can be added without
    restating the verdict; with neither, nothing is written. The triage survives every
    recomputation of the finding.

    A conflict finding (misattribution, quote drift, numeric conflict) contests the claims
    of the attributions it names until it is dismissed: a change of its state rechecks
    those claims once the transaction commits.
    """
    if state is not None and state not in Finding.State.values:
        raise ValidationError({"state": f"Choose one of: {', '.join(Finding.State.values)}."})
    if state is None and note is None:
        return finding
    rechecks = state is not None and state != finding.state and finding.kind in rules.CONFLICT_KINDS
    if state is not None:
        finding.state = state
    if note is not None and note != finding.note:
        finding.note = note
        finding.note_by = acting_user(user)
    finding.triaged_at = timezone.now()
    finding.triaged_by = acting_user(user)
    set_history_user(finding, user)
    finding.save(
        update_fields=["state", "note", "note_by", "triaged_at", "triaged_by", "updated_at"]
    )
    if rechecks:
        after_commit(
            "crosscheck.recheck", claim_ids=list(finding.claims.values_list("id", flat=True))
        )
    return finding
