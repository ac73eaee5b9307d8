"""Accepting suggestions in bulk: every pending suggestion of a selection becomes an
attribution, each in its own transaction, and then gets a claim suggestion. Speakers
proposed by a surname alone are accepted last (``full_names_first``), so that a surname
no article decides meets the people the run names in full.

A suggestion that cannot be accepted (an invalid span, a proposed speaker that does not
validate) is reported with its reason and left pending; the others go on. With
``dry_run`` everything is done inside one transaction that is then rolled back, so the
report says exactly what a real run would do and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from access.services import Actor, acting_user
from access.tasks import after_commit
from claims.models import Attribution
from sources.matching import is_bare_surname
from sources.models import Source
from suggestions.claim_links import ClaimIndex, claim_link_suggest
from suggestions.models import AcceptJob, Suggestion
from suggestions.proposed import SpeakerLeftForReview
from suggestions.services import suggestion_accept, suggestion_leave_for_review


@dataclass
class BulkAcceptReport:
    selected: int = 0
    accepted: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    left_for_review: int = 0
    sources_created: int = 0
    sources_attached: int = 0
    claims_created: int = 0
    claims_linked: int = 0
    claims_queued: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "selected": self.selected,
            "accepted": self.accepted,
            "failed": [{"suggestion": pk, "error": message} for pk, message in self.failed],
            "left_for_review": self.left_for_review,
            "sources_created": self.sources_created,
            "sources_attached": self.sources_attached,
            "claims_created": self.claims_created,
            "claims_linked": self.claims_linked,
            "claims_queued": self.claims_queued,
            "dry_run": self.dry_run,
        }

    def __str__(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.accepted} of {self.selected} suggestion(s) {verb} accepted "
            f"({len(self.failed)} failed, {self.left_for_review} left for an editor to choose "
            f"the speaker); sources: {self.sources_created} created, "
            f"{self.sources_attached} already in the archive; claims: {self.claims_linked} "
            f"linked to an existing claim, {self.claims_queued} queued for review, "
            f"{self.claims_created} created."
        )


def pending_suggestions(
    *,
    article_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    min_confidence: float | None = None,
) -> QuerySet[Suggestion]:
    """The pending suggestions a bulk accept takes, in article and text order."""
    return selected_suggestions(
        state=Suggestion.State.PENDING,
        article_ids=article_ids,
        since=since,
        min_confidence=min_confidence,
    )


def selected_suggestions(
    *,
    state: str,
    article_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    min_confidence: float | None = None,
) -> QuerySet[Suggestion]:
    """The suggestions in ``state`` that a bulk accept's selection holds, in article and
    text order."""
    rows = Suggestion.objects.filter(state=state)
    if article_ids is not None:
        rows = rows.filter(article_id__in=list(article_ids))
    if since is not None:
        rows = rows.filter(created_at__gte=since)
    if min_confidence is not None:
        rows = rows.filter(confidence__gte=min_confidence)
    return rows.order_by("article_id", "start", "id")


def _bare_surname_proposed(proposal: dict | None) -> bool:
    return (
        isinstance(proposal, dict)
        and proposal.get("kind") == Source.Kind.PERSON
        and isinstance(proposal.get("name"), str)
        and is_bare_surname(proposal["name"])
    )


def full_names_first(suggestions: QuerySet[Suggestion]) -> list[int]:
    """The suggestions' ids in their order, except that those proposing a person by a
    surname alone ("Trump") come after all the others: the archive then knows the people
    the run names in full ("Donald Trump") before it meets a surname no article decides."""
    rows = list(suggestions.values_list("pk", "proposed_source"))
    full = [pk for pk, proposal in rows if not _bare_surname_proposed(proposal)]
    bare = [pk for pk, proposal in rows if _bare_surname_proposed(proposal)]
    return full + bare


class _RollBack(Exception):
    pass


def accept_in_bulk(
    suggestions: QuerySet[Suggestion],
    *,
    user: Actor = None,
    link_claims: bool = True,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    also_link: Iterable[int] = (),
) -> BulkAcceptReport:
    """Accept every suggestion in ``suggestions`` (pending ones only), then suggest a claim
    for each attribution made (``link_claims``), and for the attributions ``also_link``
    (those an interrupted run accepted without linking). See the module's text."""
    ids = full_names_first(suggestions.filter(state=Suggestion.State.PENDING))
    report = BulkAcceptReport(selected=len(ids), dry_run=dry_run)
    if dry_run:
        try:
            with transaction.atomic():
                _accept_each(ids, report, user, link_claims, progress, also_link)
                raise _RollBack
        except _RollBack:
            pass
    else:
        _accept_each(ids, report, user, link_claims, progress, also_link)
    return report


def _accept_each(
    ids: list[int],
    report: BulkAcceptReport,
    user: Actor,
    link_claims: bool,
    progress: Callable[[int], None] | None,
    also_link: Iterable[int] = (),
) -> None:
    attribution_ids = list(also_link)
    for pk in ids:
        if progress is not None:
            progress(1)
        try:
            with transaction.atomic():
                suggestion = Suggestion.objects.select_related("article", "source").get(pk=pk)
                if suggestion.state != Suggestion.State.PENDING:
                    continue  # accepted or rejected meanwhile
                if suggestion.source_id is None and not suggestion.proposed_source:
                    report.left_for_review += 1
                    continue
                had_source = suggestion.source_id is not None
                newest_source = Source.objects.order_by("-pk").values_list("pk", flat=True).first()
                attribution = suggestion_accept(suggestion=suggestion, user=user)
        except SpeakerLeftForReview as error:
            # A surname the article gives to several people: no speaker is guessed.
            suggestion_leave_for_review(
                suggestion=Suggestion(pk=pk), reason=" ".join(error.messages), user=user
            )
            report.left_for_review += 1
        except ValidationError as error:
            report.failed.append((pk, " ".join(error.messages)))
        else:
            report.accepted += 1
            attribution_ids.append(attribution.pk)
            if not had_source and (attribution.source_id or 0) > (newest_source or 0):
                report.sources_created += 1
            else:
                report.sources_attached += 1
    if not link_claims:
        return
    # Claims after every acceptance, so that statements accepted in one run find each other;
    # one lexical index of the archive's claims for the whole run.
    index = ClaimIndex.from_archive() if attribution_ids else None
    for attribution in Attribution.objects.filter(pk__in=attribution_ids).order_by("pk"):
        with transaction.atomic():
            outcome = claim_link_suggest(attribution=attribution, user=user, index=index)
        if outcome.action == "linked":
            report.claims_linked += 1
        elif outcome.action == "queued":
            report.claims_queued += 1
        elif outcome.action == "created":
            report.claims_created += 1


def accept_job_start(
    *,
    user: Actor = None,
    article_ids: Iterable[int] = (),
    suggestion_ids: Iterable[int] = (),
    since: datetime | None = None,
    min_confidence: float | None = None,
    link_claims: bool = True,
):
    """Queue a bulk accept as a background task and return its job row (the task starts
    once the caller's transaction commits)."""
    job = AcceptJob.objects.create(
        article_ids=sorted(set(article_ids)),
        suggestion_ids=sorted(set(suggestion_ids)),
        since=since,
        min_confidence=min_confidence,
        link_claims=link_claims,
        created_by=acting_user(user),
    )
    after_commit("suggestions.accept_job", job_ids=[job.pk])
    return job
