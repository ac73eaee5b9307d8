"""The pages' forms: relations, reviews, finding triage, and the read-only tools (findings
filter, compare, quote check). Forms parse input; the views hand it to the services."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from access.forms import NormalizedTextField
from claims.models import Claim, ClaimRelation, Review
from crosscheck.models import Finding
from crosscheck.rules import quotable
from crosscheck.services import thresholds
from sources.models import Source
from sources.selectors import sources_named


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: under the field it names when the form
    has that field, otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields and field != NON_FIELD_ERRORS else None
        form.add_error(target, errors)


class PageForm(forms.Form):
    """A form of the pages: labels without a trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ClaimNumberField(forms.ModelChoiceField):
    """A claim given by its number, as shown on every claim page ("#12")."""

    default_error_messages = {"invalid_choice": "No claim has this number."}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.NumberInput(attrs={"min": 1}))
        super().__init__(queryset=Claim.objects.all(), **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("#")
        return super().to_python(value)


class ClaimRelationForm(PageForm):
    """``This claim <kind> claim #n``, with why."""

    kind = forms.ChoiceField(label="This claim", choices=ClaimRelation.Kind.choices)
    to_claim = ClaimNumberField(
        label="Other claim", help_text="Its number, e.g. 12; suggestions list related claims."
    )
    note = NormalizedTextField(
        label="Why", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, claim: Claim, **kwargs):
        super().__init__(*args, prefix="relation", **kwargs)
        self.claim = claim

    def clean_to_claim(self):
        other = self.cleaned_data["to_claim"]
        if other.pk == self.claim.pk:
            raise ValidationError("A claim cannot be related to itself.")
        return other


class ReviewForm(PageForm):
    rating = forms.ChoiceField(choices=[("", "Choose a rating"), *Review.Rating.choices])
    summary = NormalizedTextField(
        help_text="The verdict in a sentence or two.", widget=forms.Textarea(attrs={"rows": 3})
    )
    url = forms.URLField(
        label="Published at URL",
        required=False,
        assume_scheme="https",
        max_length=2000,
        help_text="Where the review is published, if it is.",
    )
    publish = forms.BooleanField(
        label="Publish now",
        required=False,
        help_text="A published review goes into the page's ClaimReview data for search engines.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="review", **kwargs)


class FindingTriageForm(PageForm):
    """The state comes from the button pressed (confirm, dismiss, reopen, save note)."""

    state = forms.ChoiceField(choices=Finding.State.choices)
    note = NormalizedTextField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


ANY_STATE = "all"


class FindingFilterForm(PageForm):
    """The triage list's filters. Without a state it lists the open findings: the work
    still to do."""

    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Finding.Kind.choices]
    )
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[*Finding.State.choices, (ANY_STATE, "any state")],
    )
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    source = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    claim = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_state(self):
        return self.cleaned_data["state"] or Finding.State.OPEN


class CompareForm(PageForm):
    a = forms.IntegerField(label="First attribution", min_value=1, help_text="Its number, e.g. 12.")
    b = forms.IntegerField(
        label="Second attribution", min_value=1, help_text="Its number, e.g. 15."
    )


class QuoteCheckForm(PageForm):
    q = forms.CharField(
        label="Quote",
        max_length=2000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Paste the words as they circulate; quote marks, case and punctuation "
        "do not matter.",
    )
    name = forms.CharField(
        label="Said by (optional)",
        required=False,
        max_length=300,
        help_text="A name or alias from the archive, e.g. Afrin.",
    )

    def clean_q(self):
        text = self.cleaned_data["q"]
        minimum = thresholds().min_quote_words
        if not quotable(text, minimum):
            raise ValidationError(
                f"Give at least {minimum} words: shorter phrases are too common to say who "
                "said them."
            )
        return text

    def clean_name(self) -> Source | None:
        """The source named: by full name or alias (any case), else by part of a name
        ("Varnok" for Ilse Varnok) when only one source fits."""
        name = self.cleaned_data["name"].strip()
        if not name:
            return None
        found = list(sources_named(name, any_article=True, partial=True)[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError("No source in the archive has this name or alias.")
        names = ", ".join(s.display_name for s in found[:5])
        raise ValidationError(f"This name fits several sources ({names}); give the full name.")
