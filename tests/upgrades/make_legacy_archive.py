"""Writes ``legacy_archive.json``: every row of a database made with the code of commit
65970f3, the last one before the models moved into one app per concern.

It is kept to show how the data was made; it imports that commit's modules, so it runs
only in a checkout of 65970f3 (``git worktree add /tmp/legacy 65970f3``, then, there,
``python /path/to/this/file OUT.json``). Everything in the archive is INVENTED except the
seed article: a generated archive of 300 attributions (``bench/corpus.py``), the seed, the
invented test articles, suggestions made and reviewed, a body edit, a source merge,
claim relations, reviews, finding triage, users in each role and an API token, all through
that commit's services so that their history rows are written too.
"""

import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path.cwd()
OUT = Path(sys.argv[1]).resolve()
DB = Path(tempfile.mkdtemp()) / "legacy.sqlite3"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
os.environ["DEBUG"] = "1"

import corpus  # noqa: E402

corpus.configure(str(DB))
corpus.migrate()
corpus.build(300, log=lambda *a, **k: None)

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from claims import services as claim_services  # noqa: E402
from claims.models import Attribution, Claim, Finding, Suggestion  # noqa: E402
from claims.suggestions import suggest_attributions, suggestion_accept, suggestion_reject  # noqa: E402
from sources import services as source_services  # noqa: E402
from sources.models import Article, Outlet, Source  # noqa: E402
from tracker.models import Checkpoint  # noqa: E402

cases = ROOT / "tests" / "claims" / "extraction_cases"
call_command("load_seed", verbosity=0)
call_command("load_seed", *sorted(str(p) for p in cases.glob("*.json")), verbosity=0)

editor = User.objects.create_user("editor", password="x" * 12)
editor.groups.add(Group.objects.get(name="Editors"))
checker = User.objects.create_user("checker", password="y" * 12)
checker.groups.add(Group.objects.get(name="Fact-checkers"))
reader = User.objects.create_user("reader", password="z" * 12)
reader.groups.add(Group.objects.get(name="Readers"))
Token.objects.create(user=reader)

# Unannotated articles, for suggestions.
outlet = Outlet.objects.create(name="Invented Evening Post", kind="newspaper")
for path in sorted((cases / "heldout").glob("*.json")):
    data = json.loads(path.read_text())
    for item in data["articles"]:
        article = source_services.article_create(
            user=editor,
            outlet=outlet,
            headline=item["headline"] + " (unannotated copy)",
            body=item["body"],
        )
        suggest_attributions(article=article, user=editor)
pending = list(Suggestion.objects.filter(state="pending").order_by("pk"))
claim = Claim.objects.order_by("pk").first()
for suggestion in pending[:3]:
    suggestion_accept(suggestion=suggestion, user=editor, claim=claim)
suggestion_reject(suggestion=pending[3], user=editor, note="not a quote")

# A body edit that moves every span, and a merge of two sources.
seed = Article.objects.get(headline__icontains="Baghouz")
source_services.article_update_body(article=seed, body="UPDATED. " + seed.body, user=editor)
source_services.article_correct(
    article=seed,
    published_at=datetime(2019, 3, 14, 9, 0, tzinfo=UTC),
    what_changed="The dateline was wrong.",
    body=seed.body.replace("UPDATED. ", "CORRECTED. "),
    user=editor,
)
named = list(Source.objects.filter(kind="person").order_by("pk")[:2])
source_services.source_merge(keep=named[0], others=[named[1]], user=editor)
source_services.source_add_identifier(
    source=named[0], scheme="wikidata", value="Q4115189", user=editor
)

claims = list(Claim.objects.order_by("pk")[:3])
claim_services.claim_relation_create(
    user=checker, from_claim=claims[0], to_claim=claims[1], kind="supports", note="same event"
)
claim_services.review_create(
    user=checker, claim=claims[2], rating="mostly_true", summary="Checked with the wire."
)
call_command("recheck", verbosity=0)
finding = Finding.objects.order_by("pk").first()
claim_services.finding_triage(finding=finding, state="confirmed", note="seen", user=checker)
Checkpoint.put("recheck", Attribution.objects.order_by("-pk").values_list("pk", flat=True)[0])

SKIP = {
    "django_migrations",
    "django_content_type",
    "auth_permission",
    "django_session",
    "django_admin_log",
    "auth_group",
    "auth_group_permissions",
    "sqlite_sequence",
    "sqlite_stat1",
}
tables = {}
with connection.cursor() as cursor:
    names = sorted(
        t.name
        for t in connection.introspection.get_table_list(cursor)
        if t.type == "t" and t.name not in SKIP and "_fts" not in t.name
    )
    for name in names:
        description = connection.introspection.get_table_description(cursor, name)
        columns = [c.name for c in description]
        types = {c.name: c.type_code for c in description}
        cursor.execute(f'SELECT * FROM "{name}" ORDER BY 1')
        rows = [list(r) for r in cursor.fetchall()]
        tables[name] = {"columns": columns, "types": types, "rows": rows}
    cursor.execute(
        "SELECT ug.user_id, g.name FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id"
    )
    memberships = [list(r) for r in cursor.fetchall()]
tables.pop("auth_user_groups")
OUT.write_text(
    json.dumps({"tables": tables, "memberships": memberships}, default=str, indent=0) + "\n"
)
print({k: len(v["rows"]) for k, v in tables.items()})
