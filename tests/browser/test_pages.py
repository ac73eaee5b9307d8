"""A fact-checker's day on the seed article, in a real headless Chromium: log in, read the
article with its highlights and follow one to its source, triage a finding, add a review,
run a quote check; a script in an article body shows as text; keyboard and labels.

Screenshots of the dashboard, the reader and the claim page go to artifacts/screenshots/.
"""

import json
import re

import pytest
from django.core.management import call_command

from access.roles import EDITORS, FACT_CHECKERS
from articles.models import Article
from claims.models import Attribution, Claim, Review
from crosscheck.models import Finding
from sources.models import Source
from tests.browser.conftest import PASSWORD
from tests.factories import ArticleFactory, AttributionFactory, SourceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"

# Every input a person fills in has a label (or an accessible name given another way).
UNLABELLED = """() => Array.from(
  document.querySelectorAll('input:not([type=hidden]), select, textarea')
).filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
  && !el.getAttribute('aria-labelledby')).map(el => el.name || el.id || el.outerHTML)"""


@pytest.fixture
def seeded(live_server, settings):
    """The seed loaded as ``make run`` loads it (its findings computed on commit), and a
    fact-checker. Cookies are not marked Secure: the live server speaks plain HTTP."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    call_command("load_seed", verbosity=0)
    UserFactory(username="fiona", roles=[FACT_CHECKERS])
    return Article.objects.get(headline__startswith="US-backed forces say ISIS")


def log_in(page, live_server) -> None:
    """Log in with the keyboard only: type, Tab to the next field, Enter to submit."""
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").focus()
    page.keyboard.type("fiona")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()


def assert_labelled(page) -> None:
    assert page.evaluate(UNLABELLED) == [], page.url


def test_fact_checker_reads_the_seed_article_and_follows_a_highlight(
    page, live_server, seeded, screenshot
):
    log_in(page, live_server)
    assert page.get_by_role("link", name="unattributed statement").is_visible()
    assert_labelled(page)
    screenshot(page, "dashboard")

    page.get_by_role("link", name=seeded.headline).first.click()
    page.wait_for_url(re.compile(r"/articles/\d+/$"))
    body = page.locator("#article-body")
    marks = body.locator("mark.hl")
    assert marks.count() >= Attribution.objects.filter(article=seeded).count()
    assert body.locator("mark.hl-anonymous").count() >= 4
    assert body.locator("mark.hl-official_account").count() >= 2
    assert body.locator(".hl-label").count() == 24
    assert page.locator(".reader-side").get_by_text("Sourcing profile").is_visible()
    screenshot(page, "reader")

    # With JavaScript, clicking highlighted words jumps to their entry in the list below.
    quote = Attribution.objects.get(source__name="Simone Awad", kind="direct")
    body.locator(f"mark.hl-at-{quote.pk}").click()
    page.wait_for_url(re.compile(rf"#attribution-{quote.pk}$"))
    assert page.locator(f"#attribution-{quote.pk}").get_by_text("Claim #").is_visible()

    afrin = Source.objects.get(name="Adnan Afrin")
    body.get_by_role("link", name="Adnan Afrin", exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/sources/{afrin.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Adnan Afrin"
    assert page.get_by_text("Statements, in time order").is_visible()
    assert page.dialogs == []


def test_fact_checker_triages_a_finding_and_adds_a_review(page, live_server, seeded, screenshot):
    log_in(page, live_server)
    page.get_by_role("link", name="Findings", exact=True).click()
    page.get_by_label("Kind").select_option("anonymous_only")
    page.get_by_role("button", name="Filter").click()
    first = page.locator("li.finding").first
    finding_id = int(first.get_attribute("id").removeprefix("finding-"))
    assert first.get_by_text("Independent groups supporting the claim").is_visible()
    assert_labelled(page)
    first.get_by_label(f"Note on finding {finding_id}").fill("Two commanders, one side.")
    first.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("status").filter(has_text=f"Finding #{finding_id} is confirmed.")
    finding = Finding.objects.get(pk=finding_id)
    assert finding.state == "confirmed"
    assert finding.note == "Two commanders, one side."

    claim = finding.claims.get()
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert page.locator(".status-anonymous_only").first.is_visible()
    assert_labelled(page)
    form = page.locator("form", has=page.get_by_role("heading", name="Add a review"))
    form.get_by_label("Rating").select_option("unproven")
    form.get_by_label("Summary").fill("Only anonymous SDF commanders say so.")
    form.get_by_label("Publish now").check()
    form.get_by_role("button", name="Add review").click()
    page.wait_for_url(re.compile(r"#reviews$"))
    assert page.get_by_text("Review published.").is_visible()
    assert page.locator("#reviews").get_by_text("Only anonymous SDF commanders say so.")
    review = Review.objects.get(claim=claim)
    assert review.published_at is not None
    data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.text
    screenshot(page, "claim", full_page=True)


def test_fact_checker_checks_a_quote_against_the_archive(page, live_server, seeded):
    log_in(page, live_server)
    quote = Attribution.objects.get(source__name="Simone Awad", kind="direct").text
    page.get_by_role("link", name="Quote check").click()
    assert_labelled(page)
    page.get_by_role("textbox", name="Quote", exact=True).fill(f"“{quote}”")
    page.get_by_label("Said by (optional)").fill("Awad")
    page.get_by_role("button", name="Check").click()
    verdict = page.locator("#verdict-title")
    assert verdict.inner_text() == "Attributed"
    assert page.get_by_text("the archive credits these words to them").is_visible()
    assert page.locator(".match").count() == 1

    page.get_by_label("Said by (optional)").fill("Adnan Afrin")
    page.get_by_role("button", name="Check").click()
    assert page.locator("#verdict-title").inner_text() == "Conflicting"


@pytest.mark.parametrize(
    ("pasted", "relation"),
    [
        ("“for you to make a large advance, you will have to”", "fragment"),
        ("In this small area … you will have to have a lot of casualties", "shortened"),
    ],
)
def test_a_fragment_and_a_shortened_quote_are_found_with_who_said_it_first(
    page, live_server, seeded, pasted, relation
):
    log_in(page, live_server)
    page.get_by_role("link", name="Quote check").click()
    page.get_by_role("textbox", name="Quote", exact=True).fill(pasted)
    page.get_by_role("button", name="Check").click()

    assert page.locator("#verdict-title").inner_text() == "Attributed"
    first = page.get_by_test_id("first-said")
    assert first.is_visible()
    assert first.inner_text().startswith("First said by Adnan Afrin")
    assert page.locator(".match .relation").first.inner_text() == relation


def test_a_script_in_an_article_body_shows_as_text(page, live_server, seeded, screenshot):
    article = ArticleFactory(
        headline=f"Invented report {HOSTILE}",
        body=f"An invented official wrote {HOSTILE} on an invented wall.",
    )
    AttributionFactory(
        article=article,
        source=SourceFactory(name=f"Invented {HOSTILE}"),
        text=HOSTILE,
        start=article.body.index(HOSTILE),
    )
    log_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    body = page.locator("#article-body")
    assert HOSTILE in body.inner_text()
    assert body.locator("script, img").count() == 0
    assert page.locator("h1").inner_text() == f"Invented report {HOSTILE}"
    screenshot(page, "escaped-body")
    page.goto(f"{live_server.url}/search/?q=invented")
    assert page.get_by_role("link", name=f"Invented report {HOSTILE}").is_visible()
    assert page.locator("main img, main script").count() == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []


def test_keyboard_reaches_every_part_and_focus_is_visible(page, live_server, seeded):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{seeded.pk}/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Tab from the top of the content to the first highlight's label, and follow it.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#article-body')"):
            break
    else:
        pytest.fail("Tab never reached a highlight in the article body")
    name = page.evaluate("document.activeElement.textContent")
    assert name == "org: Syrian Democratic Forces"
    page.keyboard.press("Enter")
    sdf = Source.objects.get(name="Syrian Democratic Forces")
    page.wait_for_url(f"{live_server.url}/sources/{sdf.pk}/")

    for path in ("/articles/", "/compare/", f"/claims/{Claim.objects.first().pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert_labelled(page)
        assert page.locator("main").count() == 1
        assert page.locator("header nav[aria-label=Main]").count() == 1


def test_fact_checker_triages_several_findings_at_once(page, live_server, seeded):
    log_in(page, live_server)
    page.get_by_role("link", name="Findings", exact=True).click()
    rows = page.locator("li.finding")
    ids = [int(rows.nth(i).get_attribute("id").removeprefix("finding-")) for i in range(2)]
    assert rows.first.locator(".severity").inner_text().endswith("severity")
    for finding_id in ids:
        page.get_by_label(f"Tick finding {finding_id}").check()
    bulk = page.get_by_role("form", name="Triage the ticked findings")
    bulk.get_by_label("Set state").select_option("dismissed")
    bulk.get_by_label("Assign to").select_option(label="fiona")
    bulk.get_by_role("button", name="Apply to the ticked findings").click()

    assert page.get_by_role("status").filter(has_text="2 findings changed.")
    assert page.url.endswith("#findings")
    for finding_id in ids:
        assert page.locator(f"#finding-{finding_id}").count() == 0
        finding = Finding.objects.get(pk=finding_id)
        assert (finding.state, finding.assignee.username) == ("dismissed", "fiona")


def test_a_span_with_an_open_finding_is_marked_and_links_to_it(page, live_server, seeded):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/articles/{seeded.pk}/")
    marked = page.locator(".article-body mark.hl-finding").first
    assert marked.is_visible()
    decoration = marked.evaluate("e => getComputedStyle(e).textDecorationLine")
    assert "underline" in decoration
    link = page.locator(".article-body a.hl-finding-link").first
    finding_id = int(link.inner_text().removeprefix("finding #"))
    link.click()
    page.wait_for_url(re.compile(rf"/findings/{finding_id}/$"))
    assert page.locator(".finding-title").first.is_visible()


def test_an_editor_selects_text_in_the_reader_and_annotates_it(page, live_server, seeded):
    UserFactory(username="edna", is_staff=True, roles=[EDITORS])
    body = (
        "The council met on Tuesday. “We will rebuild the river bridge before the floods,” "
        "Mayor Ilse Varnok said on Monday. The council meets again in June."
    )
    article = ArticleFactory(body=body, headline="Invented bridge article")
    varnok = SourceFactory(name="Ilse Varnok")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    quote = "We will rebuild the river bridge before the floods"

    # Select the quote in the body, as a mouse drag would.
    page.evaluate(
        """(quote) => {
            const node = document.getElementById("article-body").firstChild;
            const start = node.data.indexOf(quote);
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + quote.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        quote,
    )
    link = page.get_by_role("link", name="Annotate the selection")
    link.wait_for(state="visible")
    link.click()

    page.wait_for_url(re.compile(r"/admin/claims/attribution/add/"))
    start = body.index(quote)
    assert page.locator("#id_start").input_value() == str(start)
    assert page.locator("#id_end").input_value() == str(start + len(quote))
    assert page.locator("#id_cue").input_value() == "said"
    page.locator("#id_source").evaluate(
        "(select, id) => { select.add(new Option('Ilse Varnok', id, true, true)); }",
        str(varnok.pk),
    )
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/claims/attribution/$"))
    saved = Attribution.objects.get(article=article)
    assert (saved.start, saved.end, saved.text) == (start, start + len(quote), quote)
    assert saved.source == varnok
