from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from access.api import ServiceModelSerializer
from access.filters import MAX_ID, MIN_ID
from claims.models import Attribution, Claim
from claims.serializers import AttributionSerializer, _updater
from crosscheck import rules
from crosscheck.models import Finding
from crosscheck.services import finding_triage, thresholds
from sources.models import Source
from sources.selectors import sources_named


class FindingSerializer(ServiceModelSerializer):
    """A cross-check finding with its evidence. Fact-checkers triage it with PATCH
    (``state``, ``note``, ``assignee``); everything else is the engine's."""

    update_service = _updater(finding_triage, "finding")
    claims: "serializers.PrimaryKeyRelatedField[Claim]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    attributions: "serializers.PrimaryKeyRelatedField[Attribution]" = (
        serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    )
    sources: "serializers.PrimaryKeyRelatedField[Source]" = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    is_resolved = serializers.BooleanField(read_only=True)
    severity = serializers.ChoiceField(
        choices=[v.value for v in rules.Severity],
        read_only=True,
        help_text="How much it matters, set by its rule (high, medium, low).",
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        allow_null=True,
        required=False,
        help_text="The user (id) to look into it: a fact-checker or an editor; null unassigns.",
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "kind",
            "severity",
            "key",
            "summary",
            "details",
            "claims",
            "attributions",
            "sources",
            "state",
            "note",
            "assignee",
            "triaged_by",
            "triaged_at",
            "first_seen_at",
            "last_seen_at",
            "resolved_at",
            "is_resolved",
        ]
        read_only_fields = [
            "kind",
            "key",
            "summary",
            "details",
            "triaged_by",
            "triaged_at",
            "first_seen_at",
            "last_seen_at",
            "resolved_at",
        ]


class IndependenceGroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    # Shadows Field.label in the stubs only; DRF's metaclass takes declared fields off the
    # class.
    label = serializers.CharField()  # type: ignore[assignment]
    anonymous = serializers.BooleanField(help_text="Every source in the group is anonymous.")
    attribution_ids = serializers.ListField(child=serializers.IntegerField())
    source_ids = serializers.ListField(child=serializers.IntegerField())


class ClaimSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "text", "status"]


REASON_KINDS = ["counted", "not_counted", "contested"]
REASON_CODES = [
    "group",
    *(r.value for r in rules.NotCountedReason),
    *(r.value for r in rules.ContestReason),
]


class StatusReasonSerializer(serializers.Serializer):
    """One reason of a claim's status, in plain words and as data."""

    kind = serializers.ChoiceField(
        choices=REASON_KINDS,
        help_text="counted: an independence group that counts; not_counted: an attribution "
        "of the claim that counts toward nothing; contested: what contests the claim.",
    )
    code = serializers.ChoiceField(
        choices=REASON_CODES,
        help_text="Why. not_counted: retracted, declined, orphaned, unreviewed_suggestion, "
        "suggested_link (the claim link is only the claim matcher's), conflict (an open or "
        "confirmed conflict finding names it), copy (it repeats copy_of's words under "
        "another source). contested: denial, figures (a figure that cannot hold with the "
        "claim's), relation (a contradicting claim), finding (an open or confirmed "
        "misattribution, quote drift or numeric conflict). counted: group.",
    )
    text = serializers.CharField(help_text="The reason in plain words.")
    attribution = serializers.IntegerField(
        source="attribution.pk", allow_null=True, default=None, help_text="The attribution."
    )
    copy_of = serializers.IntegerField(
        source="copy_of.pk",
        allow_null=True,
        default=None,
        help_text="A copy: the attribution counted in its place.",
    )
    finding = serializers.IntegerField(
        source="finding.pk",
        allow_null=True,
        default=None,
        help_text="The conflict finding that holds the attribution back or contests the claim.",
    )
    claim = serializers.IntegerField(
        source="claim.pk", allow_null=True, default=None, help_text="A contradicting claim."
    )
    group = serializers.CharField(help_text="A counted group: its key (see groups).")
    figures = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Figures: each pair is the claim's figure and the attribution's, as written.",
    )


class ClaimCheckSerializer(serializers.Serializer):
    claim = ClaimSummarySerializer()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    explanation = serializers.CharField(help_text="Why the claim has its status, in a sentence.")
    reasons = StatusReasonSerializer(
        many=True,
        help_text="Each reason of the status: the groups that count, each attribution counted "
        "toward nothing and why, and what contests the claim.",
    )
    groups = IndependenceGroupSerializer(
        many=True, help_text="The independence groups of the counted supporting attributions."
    )
    supporting = AttributionSerializer(many=True, help_text="The attributions that count for it.")
    denying = AttributionSerializer(many=True, help_text="The attributions that deny it.")
    contradicting = AttributionSerializer(
        many=True,
        help_text="The attributions against it: its denials, and those whose figures cannot "
        "hold with the claim's ('three' against 'at least four').",
    )
    not_counted = AttributionSerializer(
        many=True,
        help_text="Attributions on record that count toward nothing (reasons says why): from "
        "retracted articles, a source that declined to comment, orphaned spans, suggestions "
        "no editor has confirmed, attributions an open conflict finding names, copies.",
    )
    contradicting_claims = ClaimSummarySerializer(many=True)
    findings = FindingSerializer(many=True)


class QuoteMatchSerializer(serializers.Serializer):
    attribution = AttributionSerializer()
    similarity = serializers.FloatField(help_text="0-100, after normalising the quotes.")


class CandidateCutSerializer(serializers.Serializer):
    too_common = serializers.ListField(
        child=serializers.CharField(),
        help_text=(
            "Words of the quote not searched for: each, alone or with the quote's other "
            "common words, is in too many quotes of the archive to read them all. A copy "
            "that also changes the words that were searched for would not be found."
        ),
    )
    ranked = serializers.IntegerField(
        allow_null=True,
        help_text=(
            "When more quotes held the words searched for than the index ranks: how many "
            "were ranked (those holding the quote's rarer words first); else null."
        ),
    )
    explanation = serializers.CharField(source="*", help_text="The same, in a sentence or two.")


class AttributionCheckSerializer(serializers.Serializer):
    attribution = AttributionSerializer()
    findings = FindingSerializer(many=True)
    near_identical = QuoteMatchSerializer(
        many=True, help_text="Near-identical quotes elsewhere in the archive, most alike first."
    )
    candidates_cut = CandidateCutSerializer(
        allow_null=True,
        help_text=(
            "Null unless the quote is made of words so common in the archive that the "
            "search for near-identical quotes was bounded: then how (as in the quote check)."
        ),
    )


class ComparisonSerializer(serializers.Serializer):
    a = AttributionSerializer()
    b = AttributionSerializer()
    similarity = serializers.FloatField()
    diff = serializers.ListField(
        child=serializers.DictField(), help_text="Word-level diff from a to b: op, old, new."
    )
    same_source = serializers.BooleanField()
    same_group = serializers.BooleanField(help_text="The same independence group.")
    same_claim = serializers.BooleanField()
    verdict = serializers.ChoiceField(choices=[v.value for v in rules.PairVerdict])
    explanation = serializers.CharField()


class CompareQuerySerializer(serializers.Serializer):
    a = serializers.IntegerField(
        min_value=MIN_ID,
        max_value=MAX_ID,
        help_text="An attribution id.",
    )
    b = serializers.IntegerField(
        min_value=MIN_ID,
        max_value=MAX_ID,
        help_text="The attribution id to compare it with.",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A quote and who it is said to be from",
            value={"text": "We will not rush the reopening of the bridge", "source": "Ilse Varnok"},
            request_only=True,
        ),
    ]
)
class QuoteCheckRequestSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=5000, help_text="The quote, at least TRACKER_MIN_QUOTE_WORDS (4) words."
    )
    # Shadows Field.source in the stubs only (see IndependenceGroupSerializer.label).
    source = serializers.CharField(  # type: ignore[assignment]
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Who the quote is said to be from: a source id, or a name or alias.",
    )

    def validate_text(self, value: str) -> str:
        minimum = thresholds().min_quote_words
        if not rules.quotable(value, minimum):
            raise serializers.ValidationError(
                f"Give at least {minimum} words: shorter phrases are too common to say who "
                "said them."
            )
        return value

    def validate_source(self, value: str):
        if not value:
            return None
        if value.isdigit():
            source = Source.objects.filter(pk=int(value)).first()
            if source is None:
                raise serializers.ValidationError(
                    f"No source has the id {value}.", code="does_not_exist"
                )
            return source
        found = list(sources_named(value, any_article=True, partial=True)[:2])
        if not found:
            raise serializers.ValidationError(
                f"No source is named {value!r}.", code="does_not_exist"
            )
        if len(found) > 1:
            raise serializers.ValidationError(
                f"Several sources are named {value!r}; give the source's id.", code="ambiguous"
            )
        return found[0]


class QuoteCheckMatchSerializer(QuoteMatchSerializer):
    source_matches = serializers.BooleanField(
        allow_null=True, help_text="Whether this match names the given source."
    )
    relation = serializers.ChoiceField(
        choices=[r.value for r in rules.QuoteRelation],
        help_text=(
            "How the checked text overlaps this quote: the same words, alike as a whole, a "
            "fragment of it, containing it, it with words left out (shortened), or the "
            "checked text with words left out (expanded)."
        ),
    )


class QuoteCheckSerializer(serializers.Serializer):
    text = serializers.CharField()
    verdict = serializers.ChoiceField(choices=[v.value for v in rules.QuoteVerdict])
    explanation = serializers.CharField()
    # Shadows Field.source in the stubs only (see IndependenceGroupSerializer.label).
    source = serializers.IntegerField(  # type: ignore[assignment]
        source="source.id", allow_null=True, default=None
    )
    source_name = serializers.CharField(source="source.display_name", allow_null=True, default=None)
    source_matches = serializers.BooleanField(
        allow_null=True, help_text="Whether the archive credits the quote to the given source."
    )
    matches = QuoteCheckMatchSerializer(many=True)
    first = QuoteCheckMatchSerializer(
        allow_null=True,
        help_text=(
            "The match said first: by the date it was said, else its article's publication "
            "date (null without matches or dates)."
        ),
    )
    nearest = QuoteCheckMatchSerializer(
        many=True,
        help_text="With no match: the closest candidates below the threshold, closest first.",
    )
    candidates_cut = CandidateCutSerializer(
        allow_null=True,
        help_text=(
            "Null unless the quote is made of words so common in the archive that its "
            "candidates were bounded (so that every check stays fast): then how, and so "
            "what may have been missed. A null here means every quote sharing the quote's "
            "rarer words was considered."
        ),
    )


class SourcingSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    attributions = serializers.IntegerField()
    attributions_by_kind = serializers.DictField(child=serializers.IntegerField())
    sources = serializers.IntegerField()
    sources_by_kind = serializers.DictField(child=serializers.IntegerField())
    sources_by_role_type = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="The article's sources by type of role; 'unknown' where none is recorded.",
    )
    attributions_by_role_type = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Attributed statements by their source's type of role ('unknown' as above).",
    )
    claims = serializers.IntegerField()
    claims_on_anonymous_sources_only = serializers.ListField(child=serializers.IntegerField())
    anonymous_only_share = serializers.FloatField(
        help_text="Share of the article's claims that rest, in it, on anonymous sources only."
    )
    unexplained_anonymous_sources = serializers.ListField(child=serializers.IntegerField())
    unattributed_statements = serializers.IntegerField()


class RecheckStatusSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=["in_process", "celery"],
        help_text=(
            "in_process: no task queue; a change's recheck finishes before its request "
            "returns, so findings are always current and no times are kept. celery: "
            "rechecks run on workers after the change is stored."
        ),
    )
    recomputing = serializers.BooleanField(
        help_text="Whether findings are being recomputed: a recheck is queued or running."
    )
    pending = serializers.IntegerField(help_text="Rechecks queued, not started.")
    running = serializers.IntegerField(help_text="Rechecks running on a worker.")
    oldest_pending_at = serializers.DateTimeField(
        allow_null=True, help_text="When the oldest unfinished recheck was asked for."
    )
    last_recheck_at = serializers.DateTimeField(
        allow_null=True, help_text="When the last recheck finished (null in_process)."
    )
    failed = serializers.IntegerField(
        help_text="Rechecks given up after their retries (see the log and the admin)."
    )
