"""A fact-checker's verdict on a finding, kept through every recomputation."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from access.services import acting_user, set_history_user
from crosscheck.models import Finding


@transaction.atomic
def finding_triage(*, finding: Finding, state: str, note: str | None = None, user=None) -> Finding:
    """Record a fact-checker's verdict on a finding (open, confirmed, dismissed).

    The triage survives every recomputation of the finding.
    """
    if state not in Finding.State.values:
        raise ValidationError({"state": f"Choose one of: {', '.join(Finding.State.values)}."})
    finding.state = state
    if note is not None:
        finding.note = note
    finding.triaged_at = timezone.now()
    finding.triaged_by = acting_user(user)
    set_history_user(finding, user)
    finding.save(update_fields=["state", "note", "triaged_at", "triaged_by", "updated_at"])
    return finding
