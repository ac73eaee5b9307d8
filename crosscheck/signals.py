"""Keep findings and claim statuses current: every change that can alter a result queues
a recheck of what it touched, run once after the transaction commits."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from articles.signals import article_retraction_changed, spans_reanchored
from claims.models import Attribution, Claim, ClaimRelation
from crosscheck.models import Finding
from crosscheck.services import schedule_recheck
from sources.models import Source
from sources.signals import sources_merged

# Saves the recheck itself makes; reacting to them would only recheck again.
OWN_UPDATES = frozenset({"status", "updated_at"})


def _finding_ids(**links) -> list[int]:
    return list(Finding.objects.current().filter(**links).values_list("id", flat=True))


@receiver(post_save, sender=Attribution)
def attribution_saved(sender, instance, **kwargs):
    schedule_recheck(attribution_ids=[instance.pk], claim_ids=[instance.claim_id])


@receiver(pre_delete, sender=Attribution)
def attribution_deleted(sender, instance, **kwargs):
    schedule_recheck(
        claim_ids=[instance.claim_id],
        source_ids=[instance.source_id],
        finding_ids=_finding_ids(attributions=instance),
    )


@receiver(post_save, sender=Claim)
def claim_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= OWN_UPDATES:
        return
    schedule_recheck(claim_ids=[instance.pk])


@receiver(pre_delete, sender=Claim)
def claim_deleted(sender, instance, **kwargs):
    related = ClaimRelation.objects.filter(from_claim=instance).values_list("to_claim", flat=True)
    related_back = ClaimRelation.objects.filter(to_claim=instance).values_list(
        "from_claim", flat=True
    )
    schedule_recheck(
        claim_ids=[*related, *related_back],
        attribution_ids=instance.attributions.values_list("id", flat=True),
        finding_ids=_finding_ids(claims=instance),
    )


@receiver(post_save, sender=ClaimRelation)
@receiver(post_delete, sender=ClaimRelation)
def relation_changed(sender, instance, **kwargs):
    schedule_recheck(claim_ids=[instance.from_claim_id, instance.to_claim_id])


@receiver(post_save, sender=Source)
def source_saved(sender, instance, **kwargs):
    schedule_recheck(source_ids=[instance.pk])


@receiver(pre_delete, sender=Source)
def source_deleted(sender, instance, **kwargs):
    schedule_recheck(finding_ids=_finding_ids(sources=instance))


@receiver(spans_reanchored)
def spans_moved(sender, ids, **kwargs):
    if sender is Attribution:
        schedule_recheck(attribution_ids=ids)


@receiver(sources_merged)
def merged(sender, kept, merged_ids, **kwargs):
    schedule_recheck(source_ids=[kept.pk])


@receiver(article_retraction_changed)
def retraction_changed(sender, article, **kwargs):
    rows = Attribution.objects.filter(article=article)
    schedule_recheck(
        attribution_ids=rows.values_list("id", flat=True),
        claim_ids=rows.exclude(claim=None).values_list("claim_id", flat=True),
    )
