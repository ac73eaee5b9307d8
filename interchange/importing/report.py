"""What an import did: the status of each record, the problems found and the report with
its summary."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

from articles.models import Article
from crosscheck.services import RecheckReport

# Problems kept in the report for display; all of them go to ``on_problem``.
MAX_PROBLEMS_KEPT = 500


class Status(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    CONFLICT = "conflict"
    FAILED = "failed"


@dataclass
class Problem:
    """A record that was not imported (failed) or not changed (conflict), and why."""

    status: Status
    file: str
    line: int | None
    messages: list[str]
    url: str = ""
    headline: str = ""
    article_id: int | None = None

    @property
    def location(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def as_json(self) -> str:
        data = {
            "file": self.file,
            "line": self.line,
            "status": str(self.status),
            "errors": self.messages,
            "url": self.url,
            "headline": self.headline,
            "article": self.article_id,
        }
        return json.dumps(data, ensure_ascii=False)


@dataclass
class Outcome:
    status: Status
    article: Article | None = None
    reason: str = ""
    messages: list[str] = field(default_factory=list)
    attributions: int = 0
    detail: str = ""


@dataclass
class ImportReport:
    """What an import did. Counts are exact; ``problems`` keeps the first
    ``MAX_PROBLEMS_KEPT`` failures and conflicts (``problem_count`` counts them all)."""

    dry_run: bool = False
    files: int = 0
    records: int = 0
    created: int = 0
    updated: int = 0
    skipped: Counter = field(default_factory=Counter)
    conflicts: int = 0
    failed: int = 0
    attributions: int = 0
    outlets_created: list[str] = field(default_factory=list)
    # What updates did to spans ("file:line: article #12: Spans: 3 anchored, 1 fuzzy."),
    # the first MAX_PROBLEMS_KEPT.
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    rechecked: RecheckReport | None = None
    seconds: float = 0.0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def ok(self) -> bool:
        return not (self.failed or self.conflicts)

    @property
    def problems_not_shown(self) -> int:
        return self.problem_count - len(self.problems)

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def headline(self) -> str:
        verb = "Checked" if self.dry_run else "Imported"
        parts = [
            f"{self.created:,} created",
            f"{self.updated:,} updated",
            f"{self.skipped_total:,} skipped",
            f"{self.conflicts:,} conflicts",
            f"{self.failed:,} failed",
        ]
        files = f"{self.files:,} file{'' if self.files == 1 else 's'}"
        records = f"{self.records:,} record{'' if self.records == 1 else 's'}"
        text = f"{verb} {records} from {files}: {', '.join(parts)}."
        if self.dry_run:
            text += " Dry run: nothing was stored."
        return text

    def summary_lines(self, *, problems_shown: int = 50) -> list[str]:
        lines = [self.headline()]
        if self.attributions:
            lines.append(f"Attributions created: {self.attributions:,}.")
        if self.outlets_created:
            lines.append("New outlets: " + ", ".join(self.outlets_created) + ".")
        for reason, n in self.skipped.most_common():
            lines.append(f"Skipped {n:,}: {reason}.")
        lines += [f"Updated {note}" for note in self.notes[:problems_shown]]
        if self.rechecked is not None:
            r = self.rechecked
            lines.append(
                f"Cross-check of {r.attributions:,} attributions: findings {r.created:,} new, "
                f"{r.updated:,} updated, {r.resolved:,} resolved; "
                f"{r.statuses_changed:,} claim statuses changed."
            )
        shown = self.problems[:problems_shown]
        for problem in shown:
            label = "conflict" if problem.status == Status.CONFLICT else "failed"
            lines.append(f"{problem.location}: {label}: " + "; ".join(problem.messages))
        hidden = self.problem_count - len(shown)
        if hidden > 0:
            lines.append(f"... and {hidden:,} more problems.")
        return lines


def write_problems(stream: IO[str]) -> Callable[[Problem], None]:
    """An ``on_problem`` callback writing each problem as a JSON line to ``stream``."""

    def write(problem: Problem) -> None:
        stream.write(problem.as_json() + "\n")

    return write
