"""A fact-checker's verdict on a finding, kept through every recomputation."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from access.roles import EDITORS, FACT_CHECKERS
from access.services import acting_user, set_history_user
from access.tasks import after_commit
from crosscheck import rules
from crosscheck.models import Finding

# ``assignee`` left out of a triage: keep whoever is assigned (None unassigns).
KEEP = object()


def assignable_users():
    """Who findings can go to (those who triage them): active fact-checkers and editors,
    superusers included, by username."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=[EDITORS, FACT_CHECKERS]))
        .distinct()
        .order_by("username")
    )


def may_be_assigned(user) -> bool:
    """Whether findings can go to ``user`` (see ``assignable_users``)."""
    return user is not None and assignable_users().filter(pk=user.pk).exists()


@transaction.atomic
def finding_triage(
    *,
    finding: Finding,
    state: str | None = None,
    note: str | None = None,
    assignee=KEEP,
    user=None,
) -> Finding:
    """Record a fact-checker's verdict on a finding (open, confirmed, dismissed), note and/or
    assignee.

    ``state`` or ``note`` left as None, and ``assignee`` left out, keep the stored value,
    so a note can be added without restating the verdict; with none of them, nothing is
    written. ``assignee=None`` unassigns. The triage survives every recomputation of the
    finding.

    A conflict finding (misattribution, quote drift, numeric conflict) contests the claims
    of the attributions it names until it is dismissed: a change of its state rechecks
    those claims once the transaction commits.
    """
    if state is not None and state not in Finding.State.values:
        raise ValidationError({"state": f"Choose one of: {', '.join(Finding.State.values)}."})
    if assignee is not KEEP and assignee is not None and not may_be_assigned(assignee):
        raise ValidationError({"assignee": "Assign findings to an active fact-checker or editor."})
    if state is None and note is None and assignee is KEEP:
        return finding
    rechecks = state is not None and state != finding.state and finding.kind in rules.CONFLICT_KINDS
    if assignee is not KEEP:
        finding.assignee = assignee
    if state is not None:
        finding.state = state
    if note is not None and note != finding.note:
        finding.note = note
        finding.note_by = acting_user(user)
    finding.triaged_at = timezone.now()
    finding.triaged_by = acting_user(user)
    set_history_user(finding, user)
    finding.save(
        update_fields=[
            "state",
            "note",
            "note_by",
            "assignee",
            "triaged_at",
            "triaged_by",
            "updated_at",
        ]
    )
    if rechecks:
        after_commit(
            "crosscheck.recheck", claim_ids=list(finding.claims.values_list("id", flat=True))
        )
    return finding


@transaction.atomic
def findings_triage(
    *,
    findings,
    state: str | None = None,
    note: str | None = None,
    assignee=KEEP,
    user=None,
) -> int:
    """:func:`finding_triage` for each of ``findings`` (a queryset or a list), all or none:
    one invalid choice leaves every finding as it was. The number triaged."""
    count = 0
    for finding in findings:
        finding_triage(finding=finding, state=state, note=note, assignee=assignee, user=user)
        count += 1
    return count
