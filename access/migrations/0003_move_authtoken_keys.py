"""Move the keys of Django REST framework's authtoken (no longer installed) into ApiToken.

Each old key becomes an ApiToken named "migrated token" that keeps working: only its
SHA-256 digest is stored (the old keys, 40 hexadecimal digits, are looked up by digest),
it gets a prefix to be named by, and it expires TRACKER_TOKEN_DAYS after the upgrade.
The old table, which held the keys in clear, is dropped, with authtoken's migration
records and content types (and so its permissions).

A database that never had authtoken (a new one) has nothing to move.
"""

import hashlib
import secrets
import string
from datetime import UTC, timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.dateparse import parse_datetime

OLD_TABLE = "authtoken_token"
ALPHABET = string.ascii_lowercase + string.digits


def _aware(value):
    """The old row's creation time: a datetime (PostgreSQL) or its text (SQLite), in UTC."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def move_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, user_id, created FROM {quote(OLD_TABLE)}")
        rows = cursor.fetchall()
    # The keys in clear go first, with the records of the app that held them.
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")
    schema_editor.execute("DELETE FROM django_migrations WHERE app = %s", ["authtoken"])
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="authtoken").delete()

    ApiToken = apps.get_model("access", "ApiToken")
    expires_at = timezone.now() + timedelta(days=settings.TRACKER_TOKEN_DAYS)
    taken = set(ApiToken.objects.values_list("prefix", flat=True))
    for key, user_id, created in rows:
        prefix = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while prefix in taken:
            prefix = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(prefix)
        token = ApiToken.objects.create(
            user_id=user_id,
            name="migrated token",
            prefix=prefix,
            digest=hashlib.sha256(key.encode()).hexdigest(),
            expires_at=expires_at,
        )
        if _aware(created) is not None:
            ApiToken.objects.filter(pk=token.pk).update(created_at=_aware(created))


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0002_api_tokens_and_auth_events"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    # Irreversible in effect: the old keys are gone, only their digests are kept.
    operations = [migrations.RunPython(move_authtoken_keys, migrations.RunPython.noop)]
