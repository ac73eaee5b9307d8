"""Reading an archive back: all of it in one transaction, or nothing."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.core.serializers import base, python
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, models, transaction
from django.db.models import F
from django.db.models.functions import Substr

from articles.models import AnchoredSpan, Article, body_hash
from interchange.exporting.export import FORMAT, VERSION, ArchiveError, chunks
from interchange.exporting.registry import (
    archive_models,
    constrained_foreign_keys,
    foreign_keys,
    serialized_field_names,
)
from sources.models import SourceAlias, normalize_name

# Rows written per INSERT.
BATCH = 500

# Fields a model's save() computes from its other fields. A raw load does not run save(),
# so an archive whose values disagree was edited by hand and is refused.
DERIVED_FIELDS = {
    Article: {"content_hash": lambda row: body_hash(row.body)},
    SourceAlias: {"normalized": lambda row: normalize_name(row.name)},
}


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    users_created: list[str] = field(default_factory=list)

    def summary(self) -> str:
        created = sum(self.created.values())
        unchanged = sum(self.unchanged.values())
        text = f"{created} row{'' if created == 1 else 's'} imported"
        if unchanged:
            text += f", {unchanged} already present and identical"
        if self.users_created:
            text += (
                f"; {len(self.users_created)} user{'' if len(self.users_created) == 1 else 's'}"
                f" created inactive: {', '.join(self.users_created)}"
            )
        return text + "."


@dataclass
class _Row:
    line: int
    obj: models.Model
    m2m: dict[str, list]


def import_archive(stream: IO, *, using: str = DEFAULT_DB_ALIAS) -> ImportReport:
    """Read an archive written by ``export_archive`` into the database.

    Rows keep their ids. A row already stored with the same id and the same data is left
    as it is; with different data, or another id for the same natural key, the archive
    is refused. Users are matched by username; a missing one is created inactive, with
    no usable password. Everything happens in one transaction: on any error (bad
    encoding, broken JSON, an unknown model, a missing field, a reference to a row that
    is neither in the file nor in the database, a span that does not match its article's
    body, fewer rows than the header announces) ``ArchiveError`` is raised, naming the
    line, and nothing is stored. Model ``save()`` methods and signals are not run: the
    rows, derived fields and history included, are stored as they were exported.
    """
    with transaction.atomic(using=using):
        return _Importer(using).run(stream)


# Model labels of archives written before the models moved into one app per concern.
LEGACY_LABELS = {
    **{
        f"sources.{model}": f"articles.{model}"
        for name in ("outlet", "article", "correction", "metadataspan")
        for model in (name, f"historical{name}")
    },
    "claims.finding": "crosscheck.finding",
    "claims.historicalfinding": "crosscheck.historicalfinding",
    "claims.suggestion": "suggestions.suggestion",
    "claims.historicalsuggestion": "suggestions.historicalsuggestion",
}


class _Importer:
    def __init__(self, using: str) -> None:
        self.using = using
        self.connection = connections[using]
        self.report = ImportReport()
        self.models = {m._meta.label_lower: m for m in archive_models(with_history=True)}
        self.archived = set(self.models.values())
        self.user_model = get_user_model()
        self.external: dict[tuple[type[models.Model], tuple], Any] = {}
        self.seen: dict[type[models.Model], dict[Any, int]] = defaultdict(dict)
        # target model -> {pk: (line, label of the referring field)}
        self.refs: dict[type[models.Model], dict[Any, tuple[int, str]]] = defaultdict(dict)
        self.had_rows: dict[type[models.Model], bool] = {}
        self.pending: list[_Row] = []
        self.pending_model: type[models.Model] | None = None
        self.inserted: set[type[models.Model]] = set()

    def run(self, stream: IO) -> ImportReport:
        header = None
        last = 0
        for number, raw in enumerate(stream, start=1):
            last = number
            text = self._decode(raw, number)
            if header is None:
                header = self._header(text, number)
                continue
            if not text.strip():
                continue
            self._row(self._parse(text, number), number)
        if header is None:
            raise ArchiveError("The file is empty: an archive starts with its header line.")
        self._flush()
        self._check_counts(header, last)
        self._check_references()
        self._check_spans()
        self._after_load()
        return self.report

    # Reading lines

    @staticmethod
    def _decode(raw: bytes | str, number: int) -> str:
        if isinstance(raw, str):
            return raw.removeprefix("\ufeff") if number == 1 else raw
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            hint = (
                " (it looks like UTF-16: save the file as UTF-8)"
                if number == 1 and raw[:2] in (b"\xff\xfe", b"\xfe\xff")
                else ""
            )
            raise ArchiveError(
                f"not UTF-8 text: byte 0x{raw[error.start]:02x} at position {error.start + 1}"
                f"{hint}. Archives are UTF-8.",
                line=number,
            ) from error
        return text.removeprefix("\ufeff") if number == 1 else text

    @staticmethod
    def _parse(text: str, number: int) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            # Every line is one object: one that does not end like one was cut short.
            cut = not text.rstrip().endswith("}")
            end = " (the line is cut short: is the file truncated?)" if cut else ""
            raise ArchiveError(
                f"not valid JSON: {error.msg} at column {error.colno}{end}.", line=number
            ) from error

    def _header(self, text: str, number: int) -> dict:
        if not text.strip():
            raise ArchiveError(
                "The file is empty: an archive starts with its header line.", line=number
            )
        header = self._parse(text, number)
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ArchiveError(
                f'not an archive header: the first line must be a JSON object with "format": '
                f'"{FORMAT}".',
                line=number,
            )
        if header.get("version") != VERSION:
            raise ArchiveError(
                f"archive version {header.get('version')!r}; this tracker reads version {VERSION}.",
                line=number,
            )
        counts = header.get("counts")
        if not isinstance(counts, dict) or not all(
            isinstance(n, int) and n >= 0 for n in counts.values()
        ):
            raise ArchiveError('the header has no "counts" of rows per model.', line=number)
        # Archives written before the models moved into their own apps name them by the
        # app they had then.
        header["counts"] = counts = {LEGACY_LABELS.get(k, k): n for k, n in counts.items()}
        for label in counts:
            if label not in self.models:
                raise ArchiveError(f"the header counts rows of an unknown model {label!r}.", line=1)
        return header

    # One row

    def _row(self, data: Any, number: int) -> None:
        model = self._model_of(data, number)
        fields = data["fields"]
        expected = serialized_field_names(model)
        missing = [name for name in expected if name not in fields]
        if missing:
            raise ArchiveError(
                f"{model._meta.label_lower} {data['pk']!r} lacks the field"
                f"{'s' if len(missing) > 1 else ''} {', '.join(missing)} (was the archive "
                "written by another version of the tracker? compare the header's schema "
                "with `manage.py showmigrations`).",
                line=number,
            )
        unknown = sorted(set(fields) - set(expected))
        if unknown:
            raise ArchiveError(
                f"{model._meta.label_lower} has no field {', '.join(unknown)}.", line=number
            )
        fields = dict(fields)
        for fk in foreign_keys(model):
            if fk.related_model not in self.archived and fields[fk.name] is not None:
                fields[fk.name] = self._external_pk(fk, fields[fk.name], number)
        try:
            (deserialized,) = python.Deserializer(
                [{"model": data["model"], "pk": data["pk"], "fields": fields}], using=self.using
            )
        except (base.DeserializationError, ValueError, TypeError) as error:
            raise ArchiveError(
                f"{model._meta.label_lower} {data['pk']!r}: {_plain(error)}", line=number
            ) from error
        obj = deserialized.object
        if obj.pk in self.seen[model]:
            raise ArchiveError(
                f"{model._meta.label_lower} {obj.pk} appears twice (first on line "
                f"{self.seen[model][obj.pk]}).",
                line=number,
            )
        self.seen[model][obj.pk] = number
        self._check_derived(model, obj, number)
        for fk in constrained_foreign_keys(model):
            value = getattr(obj, fk.attname)
            if fk.related_model in self.archived and value is not None:
                self.refs[fk.related_model].setdefault(
                    value, (number, f"{model._meta.label_lower}.{fk.name}")
                )
        for name, pks in deserialized.m2m_data.items():
            target = model._meta.get_field(name).related_model
            assert target is not None  # a many-to-many field
            for pk in pks:
                self.refs[target].setdefault(pk, (number, f"{model._meta.label_lower}.{name}"))
        if self.pending_model is not model or len(self.pending) >= BATCH:
            self._flush()
            self.pending_model = model
        self.pending.append(_Row(number, obj, deserialized.m2m_data))

    def _model_of(self, data: Any, number: int) -> type[models.Model]:
        if not isinstance(data, dict):
            raise ArchiveError("a row must be a JSON object.", line=number)
        absent = [key for key in ("model", "pk", "fields") if key not in data]
        if absent:
            raise ArchiveError(f"the row has no {', '.join(absent)}.", line=number)
        label = str(data["model"]).lower()
        model = self.models.get(LEGACY_LABELS.get(label, label))
        if model is None:
            raise ArchiveError(
                f"unknown model {data['model']!r}; an archive holds "
                f"{', '.join(sorted(self.models))}.",
                line=number,
            )
        data["model"] = model._meta.label_lower
        if not isinstance(data["fields"], dict):
            raise ArchiveError('"fields" must be a JSON object.', line=number)
        if data["pk"] is None:
            raise ArchiveError("the row has no id (pk).", line=number)
        return model

    def _external_pk(self, fk: models.ForeignKey, value: Any, number: int) -> Any:
        """The local id of a row outside the archive given by its natural key; a missing
        user is created inactive, without a usable password."""
        target = fk.related_model
        manager = target._default_manager.db_manager(self.using)
        if not hasattr(manager, "get_by_natural_key"):
            return value
        if not isinstance(value, list) or not value:
            raise ArchiveError(
                f"{fk.model._meta.label_lower}.{fk.name} must be given by natural key "
                f'(a list such as ["username"]), not {value!r}.',
                line=number,
            )
        key = (target, tuple(value))
        if key not in self.external:
            try:
                self.external[key] = manager.get_by_natural_key(*value).pk
            # DoesNotExist is declared per model, not on type[Model], in django-stubs.
            except target.DoesNotExist:  # type: ignore[attr-defined]
                if target is not self.user_model or len(value) != 1:
                    raise ArchiveError(
                        f"{fk.model._meta.label_lower}.{fk.name} refers to "
                        f"{target._meta.label_lower} {value!r}, which does not exist.",
                        line=number,
                    ) from None
                user = self.user_model(**{self.user_model.USERNAME_FIELD: value[0]})
                user.is_active = False
                user.set_unusable_password()
                user.save(using=self.using)
                self.report.users_created.append(value[0])
                self.external[key] = user.pk
        return self.external[key]

    @staticmethod
    def _check_derived(model, obj, number: int) -> None:
        for name, compute in DERIVED_FIELDS.get(model, {}).items():
            if getattr(obj, name) != compute(obj):
                raise ArchiveError(
                    f"{model._meta.label_lower} {obj.pk}: {name} does not match the rest of "
                    f"the row (it should be {compute(obj)!r}): a row edited by hand must keep "
                    f"{name} in step.",
                    line=number,
                )

    # Writing

    def _flush(self) -> None:
        rows, model = self.pending, self.pending_model
        self.pending = []
        if not rows or model is None:
            return
        manager = model._base_manager.using(self.using)
        if model not in self.had_rows:
            self.had_rows[model] = manager.exists()
        stored = manager.in_bulk([row.obj.pk for row in rows]) if self.had_rows[model] else {}
        new = []
        for row in rows:
            existing = stored.get(row.obj.pk)
            if existing is None:
                self._check_natural_key(model, row)
                new.append(row)
            else:
                self._check_same(model, existing, row)
                self.report.unchanged[model._meta.label_lower] += 1
        if new:
            self._insert(model, new)
            self.report.created[model._meta.label_lower] += len(new)
            self.inserted.add(model)

    def _check_natural_key(self, model, row: _Row) -> None:
        manager = model._default_manager.db_manager(self.using)
        if not (self.had_rows[model] and hasattr(row.obj, "natural_key")):
            return
        if not hasattr(manager, "get_by_natural_key"):
            return
        try:
            other = manager.get_by_natural_key(*row.obj.natural_key())
        except model.DoesNotExist:
            return
        raise ArchiveError(
            f"{model._meta.label_lower} {list(row.obj.natural_key())!r} is already stored "
            f"with the id {other.pk}; the file has it as {row.obj.pk}. Nothing was imported.",
            line=row.line,
        )

    def _check_same(self, model, existing: models.Model, row: _Row) -> None:
        for fld in model._meta.local_concrete_fields:
            ours, theirs = fld.value_from_object(existing), fld.value_from_object(row.obj)
            if ours != theirs:
                raise ArchiveError(
                    f"{model._meta.label_lower} {row.obj.pk} is already stored with different "
                    f"data ({fld.name}: {_short(ours)} in the database, {_short(theirs)} in "
                    "the file). Nothing was imported: import into an empty database, or "
                    "one without these rows.",
                    line=row.line,
                )
        for name, pks in row.m2m.items():
            stored = set(getattr(existing, name).using(self.using).values_list("pk", flat=True))
            if stored != set(pks):
                raise ArchiveError(
                    f"{model._meta.label_lower} {row.obj.pk} is already stored with "
                    f"different {name}. Nothing was imported.",
                    line=row.line,
                )
        row.m2m = {}

    def _insert(self, model, rows: list[_Row]) -> None:
        try:
            with transaction.atomic(using=self.using):
                self._raw_insert(model, rows)
        except IntegrityError:
            # Find the row the database refused, to name its line.
            for row in rows:
                try:
                    with transaction.atomic(using=self.using):
                        self._raw_insert(model, [row])
                except IntegrityError as error:
                    raise ArchiveError(
                        f"the database refused {model._meta.label_lower} {row.obj.pk}: "
                        f"{_plain(error)}. Nothing was imported.",
                        line=row.line,
                    ) from error
            raise
        links: defaultdict[type[models.Model], list[models.Model]] = defaultdict(list)
        for row in rows:
            for name, pks in row.m2m.items():
                fld = model._meta.get_field(name)
                through = fld.remote_field.through
                source = through._meta.get_field(fld.m2m_field_name()).attname
                target = through._meta.get_field(fld.m2m_reverse_field_name()).attname
                links[through].extend(through(**{source: row.obj.pk, target: pk}) for pk in pks)
        for through, objs in links.items():
            through._base_manager.using(self.using).bulk_create(objs, batch_size=BATCH)

    def _raw_insert(self, model, rows: list[_Row]) -> None:
        # What Model.save_base(raw=True) does, as loaddata uses it, but for many rows at
        # once, without the signals (the history would record the load as new changes) and
        # without the services (the cross-check would recompute the findings being
        # loaded). ``raw`` keeps auto_now fields as given.
        fields = list(model._meta.local_concrete_fields)
        objs = [row.obj for row in rows]
        manager = model._base_manager.using(self.using)
        size = self.connection.ops.bulk_batch_size(fields, objs) or len(objs)
        for start in range(0, len(objs), size):
            manager._insert(objs[start : start + size], fields=fields, raw=True, using=self.using)

    # After every row

    def _check_counts(self, header: dict, last_line: int) -> None:
        announced = header["counts"]
        for label in sorted(set(announced) | {m._meta.label_lower for m in self.seen}):
            expected = announced.get(label, 0)
            found = len(self.seen.get(self.models[label], ()))
            if found != expected:
                cause = (
                    f"the file ends at line {last_line}: it is truncated"
                    if found < expected
                    else "the file was edited"
                )
                raise ArchiveError(
                    f"The header announces {expected} row{'' if expected == 1 else 's'} of "
                    f"{label}, the file has {found}: {cause}. Nothing was imported."
                )

    def _check_references(self) -> None:
        for target, refs in self.refs.items():
            missing = set(refs) - set(self.seen[target])
            for chunk in chunks(sorted(missing, key=str)):
                found = set(
                    target._base_manager.using(self.using)
                    .filter(pk__in=chunk)
                    .values_list("pk", flat=True)
                )
                for pk in chunk:
                    if pk not in found:
                        line, where = refs[pk]
                        raise ArchiveError(
                            f"{where} refers to {target._meta.label_lower} {pk}, which is "
                            "neither in the file nor in the database. Nothing was imported.",
                            line=line,
                        )

    def _check_spans(self) -> None:
        for model, lines in self.seen.items():
            if not (issubclass(model, AnchoredSpan) and model in self.inserted):
                continue
            for chunk in chunks(sorted(lines)):
                wrong = (
                    model._base_manager.using(self.using)
                    .filter(pk__in=chunk, start__isnull=False)
                    .exclude(text=Substr("article__body", F("start") + 1, F("end") - F("start")))
                    .values_list("pk", flat=True)
                    .order_by("pk")
                    .first()
                )
                if wrong is not None:
                    raise ArchiveError(
                        f"{model._meta.label_lower} {wrong}: its text is not what its "
                        "article's body holds between its offsets. Nothing was imported.",
                        line=lines[wrong],
                    )

    def _after_load(self) -> None:
        if not self.inserted:
            return
        if self.connection.vendor == "postgresql":
            tables = sorted(self.inserted, key=lambda m: m._meta.db_table)
            statements = self.connection.ops.sequence_reset_sql(no_style(), tables)
            with self.connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                # Fresh planner statistics (the quote index picks trigrams by them).
                for model in tables:
                    cursor.execute(
                        f"ANALYZE {self.connection.ops.quote_name(model._meta.db_table)}"
                    )


def _plain(error: Exception) -> str:
    return " ".join(str(error).split()) or error.__class__.__name__


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
