"""The base every tracker model builds on, and access's own models: API tokens and
authentication events."""

import hashlib
import hmac
import re
import secrets
import string

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Adds when a row was created and last changed.

    Also moves a violated constraint's error onto a field: a constraint whose
    ``violation_error_code`` names a field of the model reports under that field, so forms
    and the API show it next to the input that caused it.
    """

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None) -> None:
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            field_names = {f.name for f in self._meta.fields}
            unique_messages = {
                str(constraint.violation_error_message)
                for constraint in self._meta.constraints
                if isinstance(constraint, models.UniqueConstraint)
            }
            remapped: dict[str, list[ValidationError]] = {}
            for key, errors in error.error_dict.items():
                for item in errors:
                    target = item.code if key == NON_FIELD_ERRORS else key
                    if str(item.message) in unique_messages:
                        # A duplicate of a stored row: the API answers it with a 409.
                        item = ValidationError(item.message, code="unique", params=item.params)
                    remapped.setdefault(target if target in field_names else key, []).append(item)
            raise ValidationError(remapped) from error


no_nul = ProhibitNullCharactersValidator()


# --- API tokens ---------------------------------------------------------------------------

KEY_LABEL = "trk"
# The public part of a key: lower-case letters and digits (no "_", which separates the parts).
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
# The secret part: 43 letters and digits, about 256 bits from ``secrets``.
SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 43
_KEY = re.compile(r"^trk_([a-z0-9]{6,16})_([A-Za-z0-9]{32,128})$")
# Keys of Django REST framework's authtoken (before ApiToken): 40 hexadecimal digits. The
# migration that moved them keeps only their digest; they are looked up by it.
_LEGACY_KEY = re.compile(r"^[0-9a-f]{40}$")


def key_digest(key: str) -> str:
    """SHA-256 of a key, in hexadecimal. Keys carry 256 random bits, so a fast hash is
    enough: there is nothing to guess that a slow one would protect."""
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str | None:
    """The prefix a key of the ``trk_<prefix>_<secret>`` form names, or None."""
    match = _KEY.match(key)
    return match.group(1) if match else None


def is_legacy_key(key: str) -> bool:
    return bool(_LEGACY_KEY.match(key))


def new_prefix() -> str:
    return "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))


def new_key(prefix: str) -> str:
    secret = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    return f"{KEY_LABEL}_{prefix}_{secret}"


class ApiTokenQuerySet(models.QuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def active(self, now=None):
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.unrevoked().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(TimeStampedModel):
    """A key a program sends to the API (``Authorization: Token trk_<prefix>_<secret>``)
    to act as a user, with the user's role.

    Only the key's SHA-256 digest is stored; the key itself is shown once, when the token
    is issued (``access.services.token_issue``). Tokens are revoked, never changed: by
    hand, or all of a user's at once when their password changes, when they are
    deactivated and when they lose their last role.
    """

    class State(models.TextChoices):
        ACTIVE = "active", "active"
        EXPIRED = "expired", "expired"
        REVOKED = "revoked", "revoked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The token acts as this user, with the user's role.",
    )
    name = models.CharField(
        max_length=100,
        validators=[no_nul],
        help_text=(
            "What the token is for (a script, a machine), unique among the user's tokens "
            "that are not revoked."
        ),
    )
    prefix = models.CharField(
        max_length=16,
        unique=True,
        editable=False,
        help_text=(
            "The token's public identifier: the part of its key after 'trk_'. It names the "
            "token in lists and commands; it is not a key."
        ),
    )
    digest = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the key, to check the keys sent; the key itself is not stored.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who issued the token in the admin; empty when a command issued it.",
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=(
            "When the token stops working (TRACKER_TOKEN_DAYS after it is issued unless "
            "given); empty only for a token deliberately issued without expiry."
        ),
    )
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The last request made with the token, to the minute.",
    )
    last_used_from = models.GenericIPAddressField(
        null=True, blank=True, editable=False, help_text="The address of that request."
    )
    revoked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the token was revoked; a revoked token never works again.",
    )
    revoked_reason = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="Who revoked it, or why it was revoked (a password change, a lost role).",
    )

    objects = ApiTokenQuerySet.as_manager()
    # Who issued and who revoked each token; neither the digest nor the last use (written
    # at most once a minute, without a history row) is kept there.
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at", "last_used_from"])

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_live_name_unique",
                violation_error_message="This user already has a token of that name.",
                violation_error_code="name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shown_prefix} ({self.name})"

    @property
    def shown_prefix(self) -> str:
        return f"{KEY_LABEL}_{self.prefix}"

    def state_at(self, now=None) -> "ApiToken.State":
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def state(self) -> "ApiToken.State":
        return self.state_at()

    def matches(self, key: str) -> bool:
        """Whether ``key`` is this token's key (a constant-time comparison of digests)."""
        return hmac.compare_digest(key_digest(key), self.digest)


# --- Authentication events ----------------------------------------------------------------


class AuthEvent(models.Model):
    """One authentication event: a login, a failed login, a logout, a lockout, or a token
    issued, used, revoked or refused. Editors read them in the admin; nothing changes them.

    Never holds a password or a key: a failed login keeps the username as typed, a token
    event the token (by its prefix).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "login"
        LOGIN_FAILED = "login_failed", "login failed"
        LOGOUT = "logout", "logout"
        LOCKOUT = "lockout", "lockout"
        TOKEN_CREATED = "token_created", "token created"
        TOKEN_USED = "token_used", "token used"
        TOKEN_REVOKED = "token_revoked", "token revoked"
        TOKEN_REFUSED = "token_refused", "token refused"

    at = models.DateTimeField(default=timezone.now, editable=False, help_text="When it happened.")
    kind = models.CharField(max_length=20, choices=Kind.choices, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The account concerned, when known (empty for a failed login).",
    )
    username = models.CharField(
        max_length=150,
        blank=True,
        editable=False,
        help_text="The username as typed at login, or the account's username.",
    )
    address = models.GenericIPAddressField(
        null=True, blank=True, editable=False, help_text="The address the request came from."
    )
    user_agent = models.CharField(
        max_length=200,
        blank=True,
        editable=False,
        help_text="The browser or program that sent the request (its first 200 characters).",
    )
    token = models.ForeignKey(
        ApiToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="events",
        help_text="The API token concerned, for token events.",
    )
    detail = models.CharField(
        max_length=300, blank=True, editable=False, help_text="What happened, in a sentence."
    )

    class Meta:
        verbose_name = "authentication event"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="authevent_at_idx"),
            models.Index(fields=["kind", "-at"], name="authevent_kind_at_idx"),
            models.Index(fields=["username", "-at"], name="authevent_username_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username or '-'} at {self.at:%Y-%m-%d %H:%M}"


# --- Queued work (the task queue's outbox) ------------------------------------------------


class QueuedTaskQuerySet(models.QuerySet["QueuedTask"]):
    def unfinished(self) -> "QueuedTaskQuerySet":
        return self.filter(state__in=[QueuedTask.State.QUEUED, QueuedTask.State.RUNNING])


class QueuedTask(models.Model):
    """One run of a task (``access.tasks``) sent to the task queue, written in the same
    transaction as the change that asked for it: a transactional outbox.

    The row is what the queue's message names, so nothing is lost between the commit and
    the broker: a broker that is down at commit time, or a worker killed mid-task, leaves a
    row still queued or running, and ``manage.py send_queued_tasks`` (also run every minute
    by Celery beat) sends it again. Pages and the API read their "findings are being
    recomputed" flag and "last recheck" time from these rows. Written only when a broker
    is configured (``CELERY_BROKER_URL``): without one, tasks run in-process, before the
    request that asked for them returns. Bookkeeping, not an edit: no history.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed (gave up)"

    name = models.CharField(
        max_length=100, editable=False, help_text="The task, by its registered name."
    )
    ids = models.JSONField(
        default=dict,
        editable=False,
        help_text="What the task is given: for each keyword, a sorted list of ids.",
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.QUEUED, editable=False
    )
    attempts = models.PositiveIntegerField(
        default=0, editable=False, help_text="Runs started so far (retries and redeliveries)."
    )
    queued_at = models.DateTimeField(
        default=timezone.now, editable=False, help_text="When the change that asked for it."
    )
    sent_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it was last handed to the broker (empty: not yet; the sweep sends it).",
    )
    started_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its last run started."
    )
    finished_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When it finished or was given up."
    )
    error = models.TextField(
        blank=True, editable=False, help_text="The last error, when a run failed."
    )

    objects = QueuedTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "queued task"
        ordering = ["-queued_at", "-id"]
        indexes = [
            # The sweep and the pending flag: unfinished runs of one task, oldest first.
            models.Index(fields=["state", "name", "queued_at"], name="queuedtask_state_idx"),
            # "Last recheck at": the latest finished run of one task; pruning old ones.
            models.Index(fields=["name", "-finished_at"], name="queuedtask_finished_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.state})"
