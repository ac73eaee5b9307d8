"""Forms the admin builds on: spans checked against an edited body, aliases, merging sources."""

from django.conf import settings
from django.utils.functional import cached_property

from access.forms import AdminModelForm, ParentInlineFormSet
from articles.anchoring import Anchor, AnchorStatus, Span, reanchor

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

    A span the editor sets (start, end or text) is checked against the body as submitted and
    counts as checked by them: a fuzzy or orphaned span becomes anchored again, as the
    services do. A row whose span the editor left alone, on a submit that also edits the body,
    is not checked against the new body: it is re-anchored in memory exactly as the article
    service re-anchors it when the body is saved (see ``SpanInlineFormSet``).
    """

    span_formset = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "text" in self.fields:
            self.fields["text"].strip = False

    def span_changed(self) -> bool:
        return any(name in self.changed_data for name in SPAN_FIELDS if name in self.fields)

    def clean(self):
        cleaned = super().clean()
        if self.span_changed():
            self.instance.anchor_status = AnchorStatus.ANCHORED
        elif self.span_formset is not None and self.instance.pk is not None:
            anchor = self.span_formset.carried_anchor(self)
            if anchor is not None:
                cleaned.update(start=anchor.start, end=anchor.end, text=anchor.text)
                self.instance.anchor_status = anchor.status
        return cleaned


class SpanInlineFormSet(ParentInlineFormSet):
    """The spans of one article, edited on the article's page. Each row holds the article
    with its body as submitted."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.span_formset = self
        return form

    @cached_property
    def stored_body(self) -> str | None:
        if self.instance.pk is None:
            return None
        articles = type(self.instance)._default_manager.filter(pk=self.instance.pk)
        return articles.values_list("body", flat=True).first()

    @cached_property
    def _carried_anchors(self) -> dict[int, Anchor]:
        """Where the rows whose span the editor left alone stand in the submitted body."""
        old_body, new_body = self.stored_body, self.instance.body
        if old_body is None or old_body == new_body:
            return {}
        forms_ = [
            f for f in self.initial_forms if f.instance.pk is not None and not f.span_changed()
        ]
        # The initial values are the stored ones; instances of rows already cleaned are not.
        spans = [
            Span(f.initial.get("start"), f.initial.get("end"), f.initial.get("text", ""))
            for f in forms_
        ]
        anchors = reanchor(
            old_body, new_body, spans, fuzzy_threshold=settings.TRACKER_REANCHOR_FUZZY_THRESHOLD
        )
        return {f.instance.pk: anchor for f, anchor in zip(forms_, anchors, strict=True)}

    def carried_anchor(self, form: SpanForm) -> Anchor | None:
        return self._carried_anchors.get(form.instance.pk)
