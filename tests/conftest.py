import pytest
from django.core.management import call_command

from tests.factories import UserFactory
from tracker.roles import EDITORS, FACT_CHECKERS, READERS


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories hash a password for every user; PBKDF2 would dominate the tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    from sources.models import Article

    return Article.objects.get(headline__startswith="US-backed forces say ISIS")
