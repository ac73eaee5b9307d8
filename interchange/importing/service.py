"""Writing imported articles: each record in its own savepoint, through the services.

``import_files`` reads the files as a stream (never a whole JSON Lines file in memory),
checks each record (``records``, ``documents``) and writes it through ``article_create`` /
``article_update`` and the claims services, so validation, history and re-anchoring apply
as on every other path. A record that fails rolls back only itself; the others are kept.
Records are committed in batches (``batch_size``) so that a large file does not pay for a
commit per article; a batch the database refuses at commit is written again one record at a
time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from articles.models import Article, Outlet, body_hash
from articles.services import article_create, article_update, outlet_get_or_create
from claims.models import Attribution, Claim
from claims.services import attribution_create, claim_create
from crosscheck.services import RecheckReport, Scope, recheck
from interchange.annotations.load import (
    LoadReport,
    _creation_order,
    _source_get_or_create,
)
from interchange.annotations.schema import ATTRIBUTION_MODEL_FIELDS, CLAIM_MODEL_FIELDS
from interchange.importing.reading import ImportFile, _Item, _read
from interchange.importing.records import ArticleRecord
from interchange.importing.report import MAX_PROBLEMS_KEPT, ImportReport, Outcome, Problem, Status
from sources.models import Source
from sources.selectors import sources_named
from sources.services import source_create

# Why a record was skipped: the summary counts each reason.
SKIP_UNCHANGED = "unchanged: an article with this URL and body is already stored"
SKIP_DIFFERENT_FIELDS = (
    "same URL and body as a stored article, other fields differ (--update replaces them)"
)
SKIP_SAME_BODY = "no URL, and an article with the same body is already stored"


# Hooks run after each article is written, inside its savepoint: ``hook(article, outcome)``.
# A hook that raises ``ValidationError`` fails the record (and rolls it back).
ArticleHook = Callable[[Article, Outcome], None]


def import_files(
    files: Sequence[ImportFile],
    *,
    outlet: str = "",
    update: bool = False,
    dry_run: bool = False,
    run_recheck: bool = False,
    user=None,
    batch_size: int = 100,
    after_write: Sequence[ArticleHook] = (),
    progress: Callable[[int], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> ImportReport:
    """Import ``files`` (see the package help for formats and rules) and report.

    ``outlet`` names the outlet of records that name none. ``update`` replaces the stored
    article when a record has its URL and a different body (otherwise that is a conflict
    and nothing changes). ``dry_run`` checks every record against the database and rolls
    everything back. ``run_recheck`` runs the cross-check on the attributions of the
    articles created or updated, after each batch commits. ``progress(n)`` is called as
    records (and blank lines) are read; ``on_problem`` with every failure and conflict.
    Do not call inside a transaction that must commit everything or nothing: batches
    commit as they go.
    """
    importer = _Importer(
        outlet=outlet,
        update=update,
        dry_run=dry_run,
        run_recheck=run_recheck,
        user=user,
        after_write=after_write,
        on_problem=on_problem,
    )
    started = time.monotonic()
    importer.report.files = len(files)
    items = _read(files, default_outlet=outlet)
    while chunk := list(islice(items, max(1, batch_size))):
        importer.write_batch(chunk)
        if progress is not None:
            progress(len(chunk))
    importer.report.seconds = time.monotonic() - started
    return importer.report


class _Importer:
    def __init__(self, *, outlet, update, dry_run, run_recheck, user, after_write, on_problem):
        self.update = update
        self.dry_run = dry_run
        self.run_recheck = run_recheck
        self.user = user
        self.after_write = after_write
        self.on_problem = on_problem
        self.report = ImportReport(dry_run=dry_run)
        # Outlets by lower-case name, once their creation has committed.
        self.outlets: dict[str, Outlet] = {}

    # Batches

    def write_batch(self, chunk: list[_Item]) -> None:
        results: list[tuple[_Item, Outcome]] = []
        new_outlets: dict[str, Outlet] = {}
        try:
            with transaction.atomic():
                for item in chunk:
                    if item.blank:
                        continue
                    if item.record is None:
                        results.append((item, Outcome(Status.FAILED, messages=item.messages)))
                        continue
                    results.append((item, self.write_one(item.record, new_outlets)))
                if self.dry_run:
                    transaction.set_rollback(True)
        except DatabaseError as error:
            if len(chunk) > 1:
                for item in chunk:
                    self.write_batch([item])
                return
            results = [(chunk[0], Outcome(Status.FAILED, messages=[_database_message(error)]))]
            new_outlets = {}
        if not self.dry_run:
            self.outlets.update(new_outlets)
            self.report.outlets_created += [o.name for o in new_outlets.values()]
        for item, outcome in results:
            self.tally(item, outcome)
        if self.run_recheck and not self.dry_run:
            self.recheck(
                outcome.article
                for _item, outcome in results
                if outcome.status in (Status.CREATED, Status.UPDATED)
            )

    def tally(self, item: _Item, outcome: Outcome) -> None:
        report = self.report
        report.records += 1
        if outcome.status == Status.CREATED:
            report.created += 1
            report.attributions += outcome.attributions
        elif outcome.status == Status.UPDATED:
            report.updated += 1
            if outcome.detail and len(report.notes) < MAX_PROBLEMS_KEPT:
                where = item.file if item.line is None else f"{item.file}:{item.line}"
                assert outcome.article is not None  # an updated article
                report.notes.append(f"{where}: article #{outcome.article.pk}: {outcome.detail}")
        elif outcome.status == Status.SKIPPED:
            report.skipped[outcome.reason] += 1
        else:
            if outcome.status == Status.CONFLICT:
                report.conflicts += 1
            else:
                report.failed += 1
            record = item.record
            problem = Problem(
                status=outcome.status,
                file=item.file,
                line=item.line,
                messages=outcome.messages,
                url=record.url if record else "",
                headline=record.headline if record else "",
                article_id=outcome.article.pk if outcome.article is not None else None,
            )
            report.problem_count += 1
            if len(report.problems) < MAX_PROBLEMS_KEPT:
                report.problems.append(problem)
            if self.on_problem is not None:
                self.on_problem(problem)

    def recheck(self, articles: Iterable[Article | None]) -> None:
        ids = {a.pk for a in articles if a is not None and a.pk is not None}
        if not ids:
            return
        attribution_ids = set(
            Attribution.objects.filter(article_id__in=ids).values_list("id", flat=True)
        )
        if not attribution_ids:
            return
        result = recheck(Scope(attribution_ids=attribution_ids))
        total = self.report.rechecked or RecheckReport()
        for name in ("attributions", "created", "updated", "reopened", "resolved"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
        total.statuses_changed += result.statuses_changed
        self.report.rechecked = total

    # One record

    def write_one(self, record: ArticleRecord, new_outlets: dict[str, Outlet]) -> Outcome:
        created_outlet: list[Outlet] = []
        try:
            with transaction.atomic():
                outcome = self.write(record, new_outlets, created_outlet)
                if outcome.article is not None and outcome.status in (
                    Status.CREATED,
                    Status.UPDATED,
                ):
                    for hook in self.after_write:
                        hook(outcome.article, outcome)
        except ValidationError as error:
            return Outcome(Status.FAILED, messages=_validation_messages(error))
        except DatabaseError as error:
            return Outcome(Status.FAILED, messages=[_database_message(error)])
        for outlet in created_outlet:
            new_outlets[outlet.name.lower()] = outlet
        return outcome

    def write(
        self, record: ArticleRecord, new_outlets: dict[str, Outlet], created_outlet: list[Outlet]
    ) -> Outcome:
        new_hash = body_hash(record.body)
        if record.url:
            # The exclude repeats the unique index's condition, so that SQLite uses it.
            existing = (
                Article.objects.select_related("outlet")
                .filter(url=record.url)
                .exclude(url="")
                .first()
            )
        else:
            existing = Article.objects.filter(content_hash=new_hash).order_by("pk").first()
            if existing is not None:
                return Outcome(Status.SKIPPED, existing, reason=SKIP_SAME_BODY)
        if existing is None:
            return self.create(record, self.outlet(record.outlet, new_outlets, created_outlet))
        stored_hash = existing.content_hash or body_hash(existing.body)
        changed = _changed_fields(existing, record)
        # An outlet is looked up (or created) only if the article is going to change.
        other_outlet = existing.outlet.name.lower() != record.outlet.lower()
        if other_outlet:
            changed["outlet"] = None
        if stored_hash == new_hash:
            if not changed:
                return Outcome(Status.SKIPPED, existing, reason=SKIP_UNCHANGED)
            if not self.update:
                return Outcome(Status.SKIPPED, existing, reason=SKIP_DIFFERENT_FIELDS)
        elif not self.update:
            return Outcome(
                Status.CONFLICT,
                existing,
                messages=[
                    f"article #{existing.pk} already has this URL with a different body "
                    f"(stored {len(existing.body):,} characters, this record "
                    f"{len(record.body):,}); nothing was changed. Import with --update (or "
                    "tick “Replace”) to replace it."
                ],
            )
        if other_outlet:
            changed["outlet"] = self.outlet(record.outlet, new_outlets, created_outlet)
        report = article_update(article=existing, user=self.user, **changed)
        detail = report.summary() if "body" in changed else ""
        if record.attribution_count:
            detail += (
                f" The record's {record.attribution_count} attributions were not added: "
                "attributions are imported with new articles only."
            )
        return Outcome(Status.UPDATED, existing, detail=detail.strip())

    def outlet(
        self, name: str, new_outlets: dict[str, Outlet], created_outlet: list[Outlet]
    ) -> Outlet:
        key = name.lower()
        cached = self.outlets.get(key) or new_outlets.get(key)
        if cached is not None:
            return cached
        outlet, created = outlet_get_or_create(
            name=name, user=self.user, kind=Outlet.Kind.NEWSPAPER, domain=""
        )
        if created:
            created_outlet.append(outlet)
        else:
            self.outlets[key] = outlet
        return outlet

    def create(self, record: ArticleRecord, outlet: Outlet) -> Outcome:
        article = article_create(user=self.user, outlet=outlet, **record.stored_values())
        count = self.write_annotation(article, record)
        return Outcome(Status.CREATED, article, attributions=count)

    def write_annotation(self, article: Article, record: ArticleRecord) -> int:
        """The record's sources, claims and attributions, for a new article."""
        data = record.annotation
        if not data.get("attributions"):
            return 0
        counts = LoadReport()
        sources: dict[str, Source] = {}
        for index in _creation_order(data["sources"]):
            item = data["sources"][index]
            if item["key"] in record.named_sources:
                sources[item["key"]] = self.source_by_name(item["name"], index)
            else:
                sources[item["key"]] = _source_get_or_create(
                    item, article=article, sources=sources, user=self.user, report=counts
                )
        claims: dict[str, Claim] = {}
        for item in data["claims"]:
            claims[item["key"]] = claim_create(
                user=self.user, **{name: item[name] for name in CLAIM_MODEL_FIELDS}
            )
        for index, item in enumerate(data["attributions"]):
            try:
                attribution_create(
                    user=self.user,
                    article=article,
                    source=sources.get(item["source"]) if item["source"] else None,
                    claim=claims.get(item["claim"]) if item["claim"] else None,
                    start=item["start"],
                    end=item["end"],
                    **{name: item[name] for name in ATTRIBUTION_MODEL_FIELDS},
                )
            except ValidationError as error:
                raise ValidationError(
                    [f"attributions[{index}]: {m}" for m in _validation_messages(error)]
                ) from error
        return len(data["attributions"])

    def source_by_name(self, name: str, index: int) -> Source:
        """The named source (person, organisation, official account, document) with this
        name or alias, preferring the name itself, then the oldest; a new person if none.
        Raises ``ValidationError`` if the name fits sources of different kinds."""
        candidates = list(sources_named(name, kind=Source.NAMED_KINDS)[:50])
        # `name_matches` is an annotation of the selector's queryset, unknown to the model.
        pool = [c for c in candidates if c.name_matches] or candidates  # type: ignore[attr-defined]
        kinds = sorted({c.kind for c in pool})
        if len(kinds) > 1:
            found = ", ".join(f"#{c.pk} {c.get_kind_display()}" for c in pool[:5])
            raise ValidationError(
                f"source {name!r} fits sources of different kinds ({found}); give the source "
                'as an object with its kind, e.g. {"name": ..., "kind": "organization"}'
            )
        if pool:
            return pool[0]
        return source_create(user=self.user, kind=Source.Kind.PERSON, name=name.strip())


def _changed_fields(existing: Article, record: ArticleRecord) -> dict[str, Any]:
    return {
        name: value
        for name, value in record.stored_values().items()
        if getattr(existing, name) != value
    }


def _validation_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            message if name == "__all__" else f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return list(error.messages)


def _database_message(error: DatabaseError) -> str:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"the database refused the record: {first_line}"
