"""Forms the admin builds on: spans checked against an edited body, aliases, merging sources."""

import copy
from collections.abc import Iterable
from typing import cast

from django.utils.functional import cached_property

from access.forms import AdminModelForm, ParentInlineFormSet
from articles.anchoring import AnchorStatus
from articles.models import AnchoredSpan, Article

SPAN_FIELDS = ("start", "end", "text")


class ArticleForm(AdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "body" in self.fields:
            # Offsets count every character, leading and trailing whitespace included.
            self.fields["body"].strip = False
            self.fields["body"].widget.attrs.update(rows=16)
        if "headline" in self.fields:
            self.fields["headline"].widget.attrs["class"] = "vTextField vHeadline"


class SpanForm(AdminModelForm):
    """A stretch of an article's body: an attribution or a metadata span.

    A span the editor sets (start, end or text) is checked against the body as submitted,
    by the model's own check (``AnchoredSpan.resolve_span``), and counts as checked by
    them: a fuzzy or orphaned span becomes anchored again, as the services do.

    On an article's page (``SpanInlineFormSet``), a row whose span the editor left alone,
    on a submit that also edits the body, is not located in the new body here: it is
    checked where it stands, in the body as stored. The article service re-anchors it
    when the new body is saved (``articles.services.article_update``), and the formset
    then hands the row its new place (``take_reanchored``) before the row is saved.
    """

    span_formset: "SpanInlineFormSet | None" = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "text" in self.fields:
            self.fields["text"].strip = False

    def span_changed(self) -> bool:
        return any(name in self.changed_data for name in SPAN_FIELDS if name in self.fields)

    def left_to_reanchor(self) -> bool:
        """Whether the article service, not the editor, places this row in the new body."""
        return (
            self.span_formset is not None
            and self.instance.pk is not None
            and self.span_formset.body_changed
            and not self.span_changed()
        )

    def clean(self):
        cleaned = super().clean()
        if self.span_changed():
            self.instance.anchor_status = AnchorStatus.ANCHORED
        elif self.left_to_reanchor():
            # The row's article, which the model's checks read the body of (the inline
            # formset's key field puts it on the row).
            cleaned[self.span_formset.fk.name] = self.span_formset.stored_article
        return cleaned


class SpanInlineFormSet(ParentInlineFormSet):
    """The spans of one article, edited on the article's page. Each row holds the article
    with its body as submitted, except the rows left to re-anchor (see ``SpanForm``),
    which hold it as stored until the article is saved."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.span_formset = self
        return form

    @cached_property
    def stored_article(self) -> Article | None:
        """The article with its body as stored (None on an add page)."""
        if self.instance.pk is None:
            return None
        stored = copy.copy(self.instance)
        stored.body = (
            type(self.instance)
            ._default_manager.filter(pk=self.instance.pk)
            .values_list("body", flat=True)
        ).get()
        return stored

    @property
    def body_changed(self) -> bool:
        return self.stored_article is not None and self.stored_article.body != self.instance.body

    def take_reanchored(self, updated: Iterable[AnchoredSpan]) -> None:
        """Call once the article is saved: give each row left to re-anchor the article as
        saved and, if the article service moved, reworded or flagged it (``updated``, the
        rows it changed), its new place, so that a row saved for other changes keeps it."""
        moved = {row.pk: row for row in updated if type(row) is self.model}
        # The form of this formset's rows is SpanForm (SpanInlineMixin).
        for form in cast("list[SpanForm]", self.initial_forms):
            if not form.left_to_reanchor():
                continue
            form.instance.article = self.instance
            row = moved.get(form.instance.pk)
            if row is not None:
                for name in (*SPAN_FIELDS, "anchor_status"):
                    setattr(form.instance, name, getattr(row, name))
