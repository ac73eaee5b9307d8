"""Writing the archive: a header line, then one JSON object per row (see the package doc)."""

import datetime
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch
from django.utils import timezone

from articles.models import Article, Outlet
from articles.selectors import outlets_named
from interchange.exporting.registry import (
    ARCHIVE_APPS,
    archive_models,
    is_history_model,
    is_serialized,
)

FORMAT = "claim-tracker-archive"
VERSION = 1
# Rows read per query, and ids per ``IN (...)`` list.
CHUNK = 1000


class ArchiveError(Exception):
    """An archive that cannot be written or read; ``line`` is the 1-based line it is about."""

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class ArchiveEncoder(DjangoJSONEncoder):
    """Django's encoder, but keeping times to the microsecond (it cuts them to
    milliseconds), so that a datetime survives the round trip unchanged."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def dumps(data: Any) -> str:
    return json.dumps(data, cls=ArchiveEncoder, ensure_ascii=False, separators=(",", ":"))


class ArchiveSerializer(jsonl.Serializer):
    """Django's JSON Lines serializer with ids kept and natural keys added.

    References between archived rows stay ids (the archive keeps every id); references to
    rows outside it (users) are written as the referenced row's natural key (a username),
    which means the same thing in another database. Many-to-many ids are sorted.
    """

    def __init__(self, archived: set[type[models.Model]], external: "ExternalKeys") -> None:
        super().__init__()
        self.archived = archived
        self.external = external

    def _init_options(self):
        super()._init_options()
        self.json_kwargs.update(cls=ArchiveEncoder, separators=(",", ":"))

    def handle_fk_field(self, obj, field):
        value = getattr(obj, field.attname)
        if field.related_model not in self.archived and value is not None:
            value = self.external.natural_key(field.related_model, value)
        self._current[field.name] = value

    def handle_m2m_field(self, obj, field):
        super().handle_m2m_field(obj, field)
        if field.name in self._current:
            self._current[field.name] = sorted(self._current[field.name])

    def get_dump_object(self, obj):
        data: dict[str, Any] = {"model": obj._meta.label_lower, "pk": obj.pk}
        if hasattr(obj, "natural_key"):
            data["natural_key"] = list(obj.natural_key())
        data["fields"] = self._current
        return data


class ExternalKeys:
    """Natural keys of rows outside the archive (users), read once per model."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.cache: dict[type[models.Model], dict[Any, Any]] = {}

    def natural_key(self, model: type[models.Model], pk: Any) -> Any:
        if not hasattr(model, "natural_key"):
            return pk
        if model not in self.cache:
            self.cache[model] = {
                row.pk: list(row.natural_key()) for row in model._base_manager.using(self.using)
            }
        # A history row may name a user deleted since (its reference is not enforced):
        # nobody to name, so it is written empty.
        return self.cache[model].get(pk)


def select_articles(
    *,
    outlets: Sequence[int | str] = (),
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    article_ids: Sequence[int] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> models.QuerySet:
    """Articles of any of ``outlets`` (ids or names, any case), published between
    ``since`` and ``until`` (dates, both included), among ``article_ids``; each filter
    given narrows the selection. Raises ``ArchiveError`` for an unknown outlet or article."""
    articles = Article._base_manager.using(using).all()
    if outlets:
        outlet_ids = []
        for outlet in outlets:
            found = (
                Outlet._base_manager.using(using).filter(pk=int(outlet))
                if str(outlet).isdigit()
                else outlets_named(str(outlet), using=using)
            )
            pk = found.values_list("pk", flat=True).first()
            if pk is None:
                raise ArchiveError(f"No outlet with the id or name {outlet!r}.")
            outlet_ids.append(pk)
        articles = articles.filter(outlet__in=outlet_ids)
    if since is not None:
        articles = articles.filter(published_at__date__gte=since)
    if until is not None:
        articles = articles.filter(published_at__date__lte=until)
    if article_ids:
        known = set(
            Article._base_manager.using(using)
            .filter(pk__in=article_ids)
            .values_list("pk", flat=True)
        )
        missing = sorted(set(article_ids) - known)
        if missing:
            raise ArchiveError(f"No article with the id {', '.join(map(str, missing))}.")
        articles = articles.filter(pk__in=article_ids)
    return articles


def export_archive(
    stream: IO[str],
    *,
    outlets: Sequence[int | str] = (),
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    article_ids: Sequence[int] = (),
    with_history: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, int]:
    """Write the archive, or the part of it about the selected articles, to ``stream``
    (text, UTF-8 when it is a file) and return the number of rows of each model.

    With no filter, every row of every archived model. With filters, the selected
    articles and everything that makes the part self-contained (see
    ``interchange.exporting.selection``). ``with_history`` adds the historical rows of what is
    written. The rows are read in one transaction, so the header's counts hold.
    """
    filtered = bool(outlets or since or until or article_ids)
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and not _in_outer_transaction(connection):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        chosen = archive_models(with_history=with_history)
        if filtered:
            from interchange.exporting.selection import select_part

            articles = select_articles(
                outlets=outlets, since=since, until=until, article_ids=article_ids, using=using
            )
            part = select_part(articles, [m for m in chosen if not is_history_model(m)], using)
            selections = {model: _history_or_part(model, part, using) for model in chosen}
        else:
            selections = dict.fromkeys(chosen)
        counts = {
            model._meta.label_lower: (
                model._base_manager.using(using).count() if pks is None else len(pks)
            )
            for model, pks in selections.items()
        }
        header = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": timezone.now(),
            "with_history": with_history,
            "filters": _describe_filters(outlets, since, until, article_ids) if filtered else None,
            "schema": _schema_state(using),
            "counts": counts,
        }
        stream.write(dumps(header) + "\n")
        serializer = ArchiveSerializer(set(chosen), ExternalKeys(using))
        for model, pks in selections.items():
            serializer.serialize(_rows(model, pks, using), stream=stream)
    return counts


def _in_outer_transaction(connection) -> bool:
    # Inside our own atomic block: an outer one means a savepoint, too late to choose the
    # isolation level (and the caller's transaction decides what is seen).
    return len(connection.savepoint_ids) > 0 or not connection.commit_on_exit


def _history_or_part(model, part: dict, using: str) -> set | None:
    if not is_history_model(model):
        return part.get(model, set())
    recorded = part.get(model.instance_type, set())
    pk_name = model.instance_type._meta.pk.attname
    found: set = set()
    for chunk in chunks(sorted(recorded)):
        found.update(
            model._base_manager.using(using)
            .filter(**{f"{pk_name}__in": chunk})
            .values_list("pk", flat=True)
        )
    return found


def _rows(model: type[models.Model], pks: set | None, using: str) -> Iterator[models.Model]:
    manager = model._base_manager.using(using)
    prefetch = [
        Prefetch(field.name, queryset=field.related_model._base_manager.only("pk"))
        for field in model._meta.local_many_to_many
        if is_serialized(field)
    ]
    if pks is None:
        yield from manager.order_by("pk").prefetch_related(*prefetch).iterator(chunk_size=CHUNK)
        return
    for chunk in chunks(sorted(pks)):
        yield from manager.filter(pk__in=chunk).order_by("pk").prefetch_related(*prefetch)


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _describe_filters(outlets, since, until, article_ids) -> dict:
    return {
        "outlets": [str(o) for o in outlets],
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "articles": sorted(article_ids),
    }


def _schema_state(using: str) -> dict[str, str]:
    """The last migration applied in each archived app: what the rows' shape is."""
    latest: dict[str, str] = {}
    applied = MigrationRecorder(connections[using]).applied_migrations()
    for app, name in applied:
        if app in ARCHIVE_APPS and name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))
