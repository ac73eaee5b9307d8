"""Layout in a real Chromium: every fact-checker page is exactly as wide as the window on a
phone (400 pixels) and on a laptop (1,280), the reader's key draws each kind of highlight
as the body does, and the admin's article page and attribution list fit 1,280 pixels.

The data is the seed article, loaded as ``make run`` loads it (its findings computed on
commit)."""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, reverse

from access.roles import FACT_CHECKERS
from articles.anchoring import AnchorStatus
from articles.models import Article
from claims.models import Attribution, Claim
from crosscheck.models import Finding
from pages import urls as page_urls
from sources.models import Source
from tests.browser.conftest import PASSWORD
from tests.browser.test_pages import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pages that are not pages: forms' targets (POST only) and the JSON-LD feed.
# Form targets and redirects, not pages to look at.
NOT_PAGES = {
    "claim-relation-create",
    "claim-review-create",
    "claimreview-feed",
    "article-suggest",
    "article-annotate",
    "finding-bulk-triage",
}

# The elements sticking out of the window, for the failure message.
WIDER = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
    + ' ' + Math.round(e.getBoundingClientRect().right) + 'px')"""


@pytest.fixture
def seed(live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    call_command("load_seed", verbosity=0)
    UserFactory(username="fiona", roles=[FACT_CHECKERS])
    return Article.objects.get(headline__startswith="US-backed forces say ISIS")


def every_page(article: Article) -> list[str]:
    """Each page of pages/urls.py with the seed's rows: every source and claim, a few
    findings, a comparison, a quote check and a search that find something."""
    a, b = Attribution.objects.filter(article=article, kind="direct").order_by("pk")[:2]
    quote = Attribution.objects.get(source__name="Simone Awad", kind="direct").text
    rows = {
        "article-detail": [article.pk],
        "source-detail": list(Source.objects.values_list("pk", flat=True)),
        "claim-detail": list(Claim.objects.values_list("pk", flat=True)),
        "finding-detail": list(Finding.objects.order_by("pk").values_list("pk", flat=True)[:4]),
    }
    queries = {
        "search": ["?q=SDF", "?q=commander"],
        "compare": ["", f"?a={a.pk}&b={b.pk}"],
        "quote-check": ["", f"?q={quote}&name=Awad"],
        "finding-list": ["", "?state=all"],
        "article-list": ["", "?has_anonymous_sources=true"],
        "source-list": ["", "?kind=anonymous"],
    }
    urls = []
    for pattern in page_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        name = pattern.name
        if name in NOT_PAGES:
            continue
        if "<int:pk>" in str(pattern.pattern):
            assert rows.get(name), f"no rows to open pages:{name} with"
            urls += [reverse(f"pages:{name}", args=[pk]) for pk in rows[name]]
        else:
            urls += [reverse(f"pages:{name}") + query for query in queries.get(name, [""])]
    return urls


@pytest.mark.parametrize("width", [400, 1280])
def test_every_page_is_as_wide_as_the_window(page, live_server, seed, width):
    log_in(page, live_server)
    page.set_viewport_size({"width": width, "height": 900})
    wider = {}
    urls = every_page(seed)
    for url in urls:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        if page.evaluate("document.documentElement.scrollWidth") != width:
            wider[url] = page.evaluate(WIDER, width)
    assert wider == {}
    assert len(urls) > 40


def test_the_key_draws_each_kind_as_the_body_does(page, live_server, seed):
    """The swatch of each kind has the line its highlights have, and only a re-anchored
    span is boxed, as the key's sample of it is."""
    fuzzy = Attribution.objects.filter(article=seed, source__kind="anonymous").first()
    Attribution.objects.filter(pk=fuzzy.pk).update(anchor_status=AnchorStatus.FUZZY)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{seed.pk}/")
    drawn = page.evaluate(
        """() => {
      const line = s => [s.textDecorationLine, s.textDecorationStyle].join(' ');
      const kinds = {};
      for (const swatch of document.querySelectorAll('.hl-legend .hl-swatch')) {
        const kind = [...swatch.classList].find(c => c.startsWith('hl-') && c !== 'hl-swatch');
        const plain = ':not(.hl-flagged):not(.hl-finding)';
        const mark = document.querySelector(`#article-body mark.${kind}${plain}`);
        kinds[kind] = [line(getComputedStyle(swatch, '::before')),
                       mark ? line(getComputedStyle(mark)) : null];
      }
      const box = e => getComputedStyle(e).outlineStyle;
      const flagged = document.querySelectorAll('#article-body mark.hl-flagged');
      return {
        kinds,
        sample: box(document.querySelector('.hl-hint .hl-swatch.hl-flagged')),
        flagged: [...flagged].map(box),
        others: [...new Set([...document.querySelectorAll(
            '#article-body mark:not(.hl-flagged):not(.hl-finding)')].map(box))],
      };
    }"""
    )
    for kind, (swatch, mark) in drawn["kinds"].items():
        if mark is not None:  # the seed quotes no document
            assert swatch == mark, kind
    lines = [swatch for swatch, _ in drawn["kinds"].values()]
    assert len(set(lines)) == len(lines), "two kinds share a line"
    assert drawn["sample"] == "solid"
    assert drawn["flagged"]
    assert set(drawn["flagged"]) == {"solid"}
    assert drawn["others"] == ["none"]
    # No gap: the seed's three blank lines after its first paragraph are drawn as one.
    assert "\n\n\n" in seed.body
    assert "\n\n\n" not in page.locator("#article-body").text_content()


def test_admin_article_page_and_attribution_list_fit_1280_pixels(page, live_server, seed):
    UserFactory(username="edna", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/admin/articles/article/{seed.pk}/change/")
    assert page.evaluate("document.documentElement.scrollWidth") == 1280, page.evaluate(WIDER, 1280)
    rows = page.locator("#attributions-group .compact-row.has_original")
    assert rows.count() == 10
    assert page.locator("#attributions-group .inline-pages").first.is_visible()
    # Each row's fields sit within the window, wrapped if need be.
    right = page.evaluate(
        """() => Math.max(...[...document.querySelectorAll('#attributions-group .compact-field')]
        .map(e => e.getBoundingClientRect().right))"""
    )
    assert right <= 1280
    with page.expect_navigation():
        page.locator("#attributions-group .inline-pages a", has_text="3").first.click()
    assert page.locator("#attributions-group .compact-row.has_original").count() == 4

    page.goto(f"{live_server.url}/admin/claims/attribution/")
    assert page.evaluate("document.documentElement.scrollWidth") == 1280
    # The list does not scroll sideways: every column is in view.
    results = page.evaluate(
        """() => { const r = document.querySelector('#changelist-form .results');
        return [r.scrollWidth, r.clientWidth]; }"""
    )
    assert results[0] <= results[1]
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert [h.strip().lower() for h in headers[1:]] == [
        "text",
        "source",
        "article",
        "kind",
        "claim",
        "anchor",
        "review",
    ]
