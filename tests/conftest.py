import pytest
from django.core.management import call_command

from access.roles import EDITORS, FACT_CHECKERS, READERS
from claims.services import attribution_create, claim_relation_create
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    OutletFactory,
    SourceFactory,
    UserFactory,
)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, request, tmp_path_factory
):
    """On SQLite, a test database in a file when the session holds tests that start a
    Celery worker (marked ``worker``): a worker process cannot see an in-memory one."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and any(
        item.get_closest_marker("worker") for item in request.session.items
    ):
        path = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories hash a password for every user; PBKDF2 would dominate the tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # The suite sends thousands of requests from one address; the throttling tests turn
    # the limits on.
    settings.TRACKER_THROTTLE_RATES = {}


@pytest.fixture(autouse=True)
def _no_login_lockout(settings):
    # Tests log in with the test client, which authenticates without a request; the
    # lockout tests turn django-axes back on.
    settings.AXES_ENABLED = False
    settings.TRACKER_TOKEN_FAILURE_LIMIT = 0


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    # Background tasks run inline, so a test sees their result when the request returns;
    # tests of the background path turn this back on.
    settings.TRACKER_TASKS_IN_BACKGROUND = False


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", is_staff=True, roles=[EDITORS])


@pytest.fixture
def factchecker(db):
    return UserFactory(username="factchecker", roles=[FACT_CHECKERS])


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", roles=[READERS])


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def factchecker_client(client, factchecker):
    client.force_login(factchecker)
    return client


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


@pytest.fixture
def seed(db):
    """The seed article (the Baghouz report), loaded by the management command."""
    call_command("load_seed", verbosity=0)
    from articles.models import Article

    return Article.objects.get(headline__startswith="US-backed forces say ISIS")


@pytest.fixture
def invented_archive(db):
    """An invented archive: invented outlets, people and town (Quellbridge)."""
    courier = OutletFactory(name="Quellbridge Courier")
    wire = OutletFactory(name="Northmere Wire")
    varnok = SourceFactory(name="Ilse Varnok", role="mayor")
    molder = SourceFactory(name="Kasia Molder", role="opposition leader")
    brenn = SourceFactory(name="Tomas Brenn", role="council spokesman")
    aalt = SourceFactory(name="Juno Aalt", role="paramedic")
    quote = "We will rebuild the river bridge before the winter floods arrive"
    first = ArticleFactory(
        outlet=courier,
        body=f"Mayor Ilse Varnok said: “{quote}.” Council spokesman Tomas Brenn said at "
        "least four workers were injured. The bridge will reopen in June, Varnok said.",
    )
    second = ArticleFactory(
        outlet=wire,
        body="“We will rebuild the river bridge before the spring floods arrive,” Varnok "
        "said. Paramedic Juno Aalt said three workers were injured.",
    )
    third = ArticleFactory(
        outlet=wire,
        body=f"Opposition leader Kasia Molder said: “{quote}.” Molder said the bridge will "
        "stay closed until next year.",
    )
    injured = ClaimFactory(text="Workers were injured at the invented bridge site.")
    rebuild = ClaimFactory(text="The invented bridge will be rebuilt before the floods.")
    reopen = ClaimFactory(text="The invented bridge reopens in June.")
    closed = ClaimFactory(text="The invented bridge stays closed until next year.")
    rows = {
        "varnok_quote": attribution_create(
            article=first, source=varnok, claim=rebuild, kind="direct", text=quote
        ),
        "brenn_injured": attribution_create(
            article=first,
            source=brenn,
            claim=injured,
            kind="indirect",
            text="at least four workers were injured",
        ),
        "varnok_reopen": attribution_create(
            article=first,
            source=varnok,
            claim=reopen,
            kind="indirect",
            text="The bridge will reopen in June",
        ),
        "varnok_drifted": attribution_create(
            article=second,
            source=varnok,
            claim=rebuild,
            kind="direct",
            text="We will rebuild the river bridge before the spring floods arrive",
        ),
        "aalt_injured": attribution_create(
            article=second,
            source=aalt,
            claim=injured,
            kind="indirect",
            text="three workers were injured",
        ),
        "molder_quote": attribution_create(
            article=third, source=molder, claim=None, kind="direct", text=quote
        ),
        "molder_closed": attribution_create(
            article=third,
            source=molder,
            claim=closed,
            kind="indirect",
            text="the bridge will stay closed until next year",
        ),
    }
    claim_relation_create(from_claim=reopen, to_claim=closed, kind="contradicts")
    return rows
