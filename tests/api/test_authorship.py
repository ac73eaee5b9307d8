"""Reviews and finding notes are changed only by their author or an editor."""

import pytest
from django.contrib.auth.models import Group

from access.roles import FACT_CHECKERS
from crosscheck.models import Finding
from tests.api.conftest import token_client
from tests.api.test_crosscheck_api import recheck_everything
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_checker(db):

    user = UserFactory(username="other-checker")
    user.groups.add(Group.objects.get(name=FACT_CHECKERS))
    return user


def test_a_fact_checker_changes_their_own_review_but_not_an_editors(factchecker, editor, world):
    api = token_client(factchecker)
    own = ReviewFactory(claim=world.claim, reviewer=factchecker)
    theirs = ReviewFactory(claim=world.claim, reviewer=editor)
    assert api.patch(f"/api/reviews/{own.pk}/", {"rating": "false"}).status_code == 200
    refused = api.patch(f"/api/reviews/{theirs.pk}/", {"rating": "false"})
    assert refused.status_code == 403
    assert "author or an editor" in refused.json()["detail"]
    assert api.delete(f"/api/reviews/{theirs.pk}/").status_code == 403
    theirs.refresh_from_db()
    assert theirs.rating == "mostly_true"
    assert (
        token_client(editor).patch(f"/api/reviews/{own.pk}/", {"rating": "unproven"}).status_code
        == 200
    )


def test_a_finding_note_is_changed_by_its_author_or_an_editor(
    invented_archive, factchecker, other_checker, editor
):
    recheck_everything()
    finding = Finding.objects.first()
    url = f"/api/findings/{finding.pk}/"
    assert token_client(factchecker).patch(url, {"note": "Mine."}).status_code == 200
    other = token_client(other_checker)
    assert other.patch(url, {"note": "Overwritten."}).status_code == 403
    # The state stays open to every fact-checker; the note is kept.
    assert other.patch(url, {"state": "confirmed"}).status_code == 200
    finding.refresh_from_db()
    assert (finding.note, finding.state, finding.note_by) == ("Mine.", "confirmed", factchecker)
    assert token_client(editor).patch(url, {"note": "Edited."}).status_code == 200
