"""The pages' forms: relations, reviews, finding triage, and the read-only tools (findings
filter, compare, quote check). Forms parse input; the views hand it to the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q

from access.forms import NormalizedTextField
from access.text import shorten
from claims.models import Attribution, Claim, ClaimRelation, Review
from crosscheck.models import Finding
from crosscheck.rules import Severity, quotable
from crosscheck.services import assignable_users, thresholds
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


# How many candidates an error lists when words match several rows.
CANDIDATES_SHOWN = 5


def _words_filter(field: str, text: str) -> Q:
    """Rows whose ``field`` holds every word of ``text``."""
    condition = Q()
    for word in text.split():
        condition &= Q(**{f"{field}__icontains": word})
    return condition


def _one_of(rows: list, what: str, describe) -> object:
    """The one row words matched, or a form error naming the candidates."""
    if not rows:
        raise ValidationError(f"No {what} has this number or these words.")
    if len(rows) > 1:
        shown = "; ".join(describe(row) for row in rows[:CANDIDATES_SHOWN])
        more = " and more" if len(rows) > CANDIDATES_SHOWN else ""
        raise ValidationError(
            f"Several {what}s match: {shown}{more}. Give more words or the number."
        )
    return rows[0]


class ClaimField(forms.CharField):
    """A claim given by its number, as shown on every claim page ("#12"), or by words of
    its text ("bridge reopens June"): one claim must match."""

    def clean(self, value):
        text = super().clean(value).strip()
        number = text.removeprefix("#")
        if number.isdigit():
            claim = Claim.objects.filter(pk=int(number)).first()
            if claim is None:
                raise ValidationError("No claim has this number.")
            return claim
        rows = list(Claim.objects.filter(_words_filter("text", text)).order_by("-id")[:6])
        return _one_of(rows, "claim", lambda c: f"#{c.pk} “{shorten(c.text, 60)}”")


class AttributionField(forms.CharField):
    """An attribution given by its number, or by words of its quote, optionally after who
    said it and a colon ("Afrin: large advance casualties"): one attribution must match.
    Cleans to its id."""

    def clean(self, value):
        text = super().clean(value).strip()
        number = text.removeprefix("#")
        if number.isdigit():
            return int(number)
        speaker, colon, words = text.partition(":")
        if not colon:
            speaker, words = "", text
        condition = _words_filter("text", words)
        if speaker.strip():
            condition &= _words_filter("source__name", speaker) | _words_filter(
                "source__description", speaker
            )
        rows = list(
            Attribution.objects.filter(condition)
            .select_related("source")
            .order_by("-id")
            .only("id", "text", "source__name", "source__description")[:6]
        )
        row = _one_of(
            rows,
            "attribution",
            lambda a: (
                f"#{a.pk} {a.source.display_name if a.source else 'no source'}: "
                f"“{shorten(a.text, 50)}”"
            ),
        )
        return row.pk


class ClaimRelationForm(PageForm):
    """``This claim <kind> claim #n``, with why."""

    kind = forms.ChoiceField(label="This claim", choices=ClaimRelation.Kind.choices)
    to_claim = ClaimField(
        label="Other claim",
        max_length=300,
        help_text="Its number (12) or words of its text; suggestions list related claims.",
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


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_username()


class FindingTriageForm(PageForm):
    """The state comes from the button pressed (confirm, dismiss, reopen, save)."""

    state = forms.ChoiceField(choices=Finding.State.choices)
    note = NormalizedTextField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = AssigneeField(
        queryset=get_user_model().objects.none(), required=False, empty_label="no one"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable_users()


KEEP_CHOICE = ""
UNASSIGN_CHOICE = "none"


class BulkTriageForm(PageForm):
    """One triage for the findings ticked on the list: a state, an assignee and a note,
    each left as it is unless chosen. Its fields are prefixed (``bulk-state``): the list's
    filter form, on the same page, has a state and an assignee too."""

    prefix = "bulk"
    findings = forms.ModelMultipleChoiceField(
        queryset=Finding.objects.all(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "Tick the findings to change."},
    )
    state = forms.ChoiceField(
        label="Set state",
        required=False,
        choices=[(KEEP_CHOICE, "keep as it is"), *Finding.State.choices],
    )
    assignee = forms.ChoiceField(label="Assign to", required=False)
    note = NormalizedTextField(label="Note (replaces each note)", required=False)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in (assignable_users() if users is None else users)}
        self.fields["assignee"].choices = [
            (KEEP_CHOICE, "keep as it is"),
            (UNASSIGN_CHOICE, "no one"),
            *((pk, u.get_username()) for pk, u in self.users.items()),
        ]

    def clean(self):
        data = super().clean()
        if (
            not data.get("state")
            and not data.get("assignee")
            and not data.get("note")
            and not self.errors
        ):
            raise forms.ValidationError("Choose a state, an assignee or a note to apply.")
        return data

    def changes(self) -> dict:
        """The keyword arguments of ``findings_triage`` for what was chosen."""
        data = self.cleaned_data
        changes: dict = {}
        if data["state"]:
            changes["state"] = data["state"]
        if data["note"]:
            changes["note"] = data["note"]
        if data["assignee"] == UNASSIGN_CHOICE:
            changes["assignee"] = None
        elif data["assignee"]:
            changes["assignee"] = self.users[data["assignee"]]
        return changes


ANY_STATE = "all"
ME = "me"


class FindingFilterForm(PageForm):
    """The triage list's filters. Without a state it lists the open findings: the work
    still to do."""

    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Finding.Kind.choices]
    )
    severity = forms.ChoiceField(
        label="Severity",
        required=False,
        choices=[("", "Any severity"), *((v.value, v.value) for v in Severity)],
    )
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[*Finding.State.choices, (ANY_STATE, "any state")],
    )
    assignee = forms.ChoiceField(label="Assigned to", required=False)
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    source = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    claim = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.users = {str(u.pk): u for u in (assignable_users() if users is None else users)}
        self.fields["assignee"].choices = [
            ("", "anyone or no one"),
            (ME, "me"),
            (UNASSIGN_CHOICE, "no one"),
            *((pk, u.get_username()) for pk, u in self.users.items()),
        ]

    def clean_state(self):
        return self.cleaned_data["state"] or Finding.State.OPEN


class CompareForm(PageForm):
    a = AttributionField(
        label="First attribution",
        max_length=300,
        help_text="Its number (12), or words of the quote, after who said it and a colon "
        "if you like (Afrin: large advance).",
    )
    b = AttributionField(
        label="Second attribution", max_length=300, help_text="The same, for the other one."
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
