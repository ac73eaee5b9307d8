from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from access.models import TimeStampedModel
from claims.models import Attribution, Claim
from crosscheck.rules import SEVERITY, FindingKind, Severity
from sources.models import Source


class Checkpoint(models.Model):
    """Where a long-running command stopped, so it can resume there."""

    name = models.CharField(max_length=100, unique=True)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table kept its name when the model moved here from ``tracker``.
        db_table = "tracker_checkpoint"

    def __str__(self) -> str:
        return f"{self.name} at {self.position}"

    @classmethod
    def get(cls, name: str) -> int:
        return cls.objects.filter(name=name).values_list("position", flat=True).first() or 0

    @classmethod
    def put(cls, name: str, position: int) -> None:
        cls.objects.update_or_create(name=name, defaults={"position": position})

    @classmethod
    def clear(cls, name: str) -> None:
        cls.objects.filter(name=name).delete()


# Most severe first: the order ``Severity`` declares.
SEVERITY_ORDER = tuple(Severity)


class FindingQuerySet(models.QuerySet["Finding"]):
    def current(self):
        """Findings that still hold (not resolved by a later recomputation)."""
        return self.filter(resolved_at__isnull=True)

    def of_severity(self, *severities: str):
        """Findings whose rule gives them one of ``severities`` (high, medium, low)."""
        return self.filter(kind__in=[k for k, v in SEVERITY.items() if v in severities])

    def by_severity(self):
        """High first, then medium, then low; the newest first within each."""
        rank = models.Case(
            *(
                models.When(kind=kind, then=models.Value(SEVERITY_ORDER.index(severity)))
                for kind, severity in SEVERITY.items()
            ),
            default=models.Value(len(SEVERITY_ORDER)),
            output_field=models.IntegerField(),
        )
        return self.alias(severity_rank=rank).order_by("severity_rank", "-id")

    def get_by_natural_key(self, key: str) -> "Finding":
        return self.get(key=key)

    def with_related(self):
        return self.select_related("triaged_by", "assignee").prefetch_related(
            "claims", "sources", models.Prefetch("attributions", Attribution.objects.only("id"))
        )


class Finding(TimeStampedModel):
    """What the cross-check found, with its evidence, and a fact-checker's triage.

    The engine names each finding by ``key``; a recomputation that finds it again updates it
    in place, so its triage survives. A finding that no longer holds is marked resolved,
    never deleted.
    """

    class Kind(models.TextChoices):
        MISATTRIBUTION = "misattribution", "misattribution"
        QUOTE_DRIFT = "quote_drift", "quote drift"
        CONTRADICTION = "contradiction", "contradiction"
        NUMERIC_CONFLICT = "numeric_conflict", "numeric conflict"
        ANONYMOUS_ONLY = "anonymous_only", "anonymous sources only"
        SINGLE_SOURCE = "single_source", "single source"
        UNEXPLAINED_ANONYMITY = "unexplained_anonymity", "unexplained anonymity"
        UNATTRIBUTED = "unattributed", "unattributed statement"

    class State(models.TextChoices):
        OPEN = "open", "open"
        CONFIRMED = "confirmed", "confirmed"
        DISMISSED = "dismissed", "dismissed"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    key = models.CharField(
        max_length=255, unique=True, editable=False, help_text="The engine's name for it."
    )
    summary = models.CharField(max_length=500, blank=True)
    details = models.JSONField(
        default=dict, blank=True, help_text="The evidence: similarity, word diff, figures."
    )
    claims = models.ManyToManyField(
        Claim, blank=True, related_name="findings", db_table="claims_finding_claims"
    )
    attributions = models.ManyToManyField(
        Attribution, blank=True, related_name="findings", db_table="claims_finding_attributions"
    )
    sources = models.ManyToManyField(
        Source, blank=True, related_name="findings", db_table="claims_finding_sources"
    )
    state = models.CharField(
        max_length=10,
        choices=State.choices,
        default=State.OPEN,
        help_text="The fact-checker's verdict. A misattribution, quote drift or numeric "
        "conflict that is open or confirmed contests the claims of its attributions and keeps "
        "them from counting; dismissed, it no longer does.",
    )
    note = models.TextField(blank=True, help_text="The fact-checker's note on the triage.")
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="triaged_findings",
        editable=False,
    )
    triaged_at = models.DateTimeField(null=True, blank=True, editable=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_findings",
        help_text="The fact-checker or editor who is to look into it.",
    )
    note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="finding_notes",
        editable=False,
        help_text="Who wrote the note: only they or an editor may change it.",
    )
    first_seen_at = models.DateTimeField(auto_now_add=True, editable=False)
    last_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a recomputation stopped finding it; empty while it holds.",
    )

    objects = FindingQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["last_seen_at"], table_name="claims_historicalfinding"
    )

    class Meta:
        # The table kept its name when the model moved here from ``claims``.
        db_table = "claims_finding"
        ordering = ["-id"]
        indexes = [
            # The triage list: current findings by state and kind, newest first.
            models.Index(
                fields=["state", "kind", "-id"],
                condition=Q(resolved_at__isnull=True),
                name="finding_triage_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.summary or f"{self.get_kind_display()} ({self.key})"

    @property
    def severity(self) -> str:
        """How much it matters, by its rule (``crosscheck.rules.SEVERITY``)."""
        return str(SEVERITY[FindingKind(self.kind)])

    def get_absolute_url(self) -> str:
        return reverse("pages:finding-detail", args=[self.pk])

    def natural_key(self) -> tuple[str]:
        return (self.key,)

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class RecomputeRun(models.Model):
    """One full recomputation in shards (``crosscheck.services.recompute``): its plan, and
    when it finished. Its tasks, blocks and pairs are the run's working store: blocks and
    pairs are deleted when it finishes, the task records kept as its log.

    Bookkeeping of the command, like :class:`Checkpoint`: no history (the findings and
    claim statuses it writes keep theirs)."""

    shards = models.PositiveIntegerField(help_text="Pair and check shards.")
    chunks = models.PositiveIntegerField(help_text="Map chunks: attribution id ranges.")
    chunk_size = models.PositiveIntegerField()
    sample_stride = models.PositiveIntegerField(
        help_text="Word pairs were counted in every n-th quote (1: all of them)."
    )
    # The common word pairs and their counts in the sample (packed, compressed): the one
    # global order of word pairs every shard sorts by.
    word_pair_counts = models.BinaryField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "crosscheck_recompute_run"

    def __str__(self) -> str:
        return f"recompute run {self.pk} ({self.shards} shards)"


class RecomputeTask(models.Model):
    """One task of a run: which worker took it, when, and what it reported. A finished
    task is not run again when the run resumes."""

    class Phase(models.TextChoices):
        MAP = "map", "map"
        PAIR = "pair", "pair"
        CHECK = "check", "check"

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="tasks")
    phase = models.CharField(max_length=5, choices=Phase.choices)
    number = models.PositiveIntegerField()
    worker = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "crosscheck_recompute_task"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "phase", "number"], name="recompute_task_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} {self.phase} {self.number}"


class RecomputeChunk(models.Model):
    """The normalised quotes of one map chunk (packed, compressed), stored once: each
    pair shard reads from it the texts of the quotes its blocks name."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="chunk_texts")
    chunk = models.PositiveIntegerField()
    texts = models.BinaryField()

    class Meta:
        db_table = "crosscheck_recompute_chunk"
        constraints = [
            models.UniqueConstraint(fields=["run", "chunk"], name="recompute_chunk_unique"),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} chunk {self.chunk}"


class RecomputeBlock(models.Model):
    """What one map chunk sends one pair shard: its quotes holding a blocking key the
    shard owns, with those keys (packed, compressed; the texts are in the chunk's
    :class:`RecomputeChunk`)."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="blocks")
    shard = models.PositiveIntegerField()
    chunk = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        db_table = "crosscheck_recompute_block"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "shard", "chunk"], name="recompute_block_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} shard {self.shard} chunk {self.chunk}"


class RecomputePair(models.Model):
    """Two attributions whose quotes the rules must compare (``low`` < ``high``), found by
    a pair shard; each pair once, whichever shards found it."""

    run = models.ForeignKey(RecomputeRun, on_delete=models.CASCADE, related_name="pairs")
    low = models.BigIntegerField()
    high = models.BigIntegerField()

    class Meta:
        db_table = "crosscheck_recompute_pair"
        constraints = [
            models.UniqueConstraint(fields=["run", "low", "high"], name="recompute_pair_unique"),
        ]
        indexes = [
            # A check shard reads the pairs of its attributions from either side.
            models.Index(fields=["run", "high"], name="recompute_pair_high_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"
