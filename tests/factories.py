"""factory_boy factories. Everything they make is invented: invented outlets, people and
places, never the seed article's."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.models import Article, MetadataSpan, Outlet
from claims.models import Attribution, Claim, ClaimRelation, Review
from sources.models import Source, SourceAlias, SourceIdentifier

INVENTED_BODY = (
    "Mayor Ilse Varnok of the invented town of Quellbridge said on Monday that the river "
    "bridge would reopen in June. “We will not rush it,” Varnok said. A council engineer, "
    "who asked not to be named, said the repairs were behind schedule."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Invented Gazette {n}")
    kind = Outlet.Kind.NEWSPAPER
    domain = factory.Sequence(lambda n: f"gazette{n}.example")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    outlet = factory.SubFactory(OutletFactory)
    headline = factory.Sequence(lambda n: f"Quellbridge bridge to reopen, invented report {n}")
    url = factory.Sequence(lambda n: f"https://gazette.example/articles/{n}")
    body = INVENTED_BODY
    language = "en"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    kind = Source.Kind.PERSON
    name = factory.Sequence(lambda n: f"Invented Person {n}")
    role = "official"


class OrganizationFactory(SourceFactory):
    kind = Source.Kind.ORGANIZATION
    name = factory.Sequence(lambda n: f"Invented Council {n}")
    role = ""


class AnonymousSourceFactory(SourceFactory):
    kind = Source.Kind.ANONYMOUS
    name = ""
    description = "a council engineer"
    anonymity_reason = "asked not to be named"
    article = factory.SubFactory(ArticleFactory)


class SourceAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceAlias

    source = factory.SubFactory(SourceFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class SourceIdentifierFactory(factory.django.DjangoModelFactory):
    """A website of an invented source (``.example`` domains never resolve)."""

    class Meta:
        model = SourceIdentifier

    source = factory.SubFactory(SourceFactory)
    scheme = SourceIdentifier.Scheme.WEBSITE
    value = factory.Sequence(lambda n: f"https://invented-{n}.example/")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"The invented Quellbridge bridge reopens in June ({n}).")


class AttributionFactory(factory.django.DjangoModelFactory):
    """An attribution of the phrase 'We will not rush it' in the invented body."""

    class Meta:
        model = Attribution

    article = factory.SubFactory(ArticleFactory)
    source = factory.SubFactory(SourceFactory)
    claim = factory.SubFactory(ClaimFactory)
    kind = Attribution.Kind.DIRECT
    text = "We will not rush it"
    start = factory.LazyAttribute(lambda a: a.article.body.find(a.text))
    end = factory.LazyAttribute(lambda a: None if a.start is None else a.start + len(a.text))
    cue = "said"


class MetadataSpanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MetadataSpan

    article = factory.SubFactory(ArticleFactory)
    kind = MetadataSpan.Kind.OTHER
    text = "Quellbridge"
    start = factory.LazyAttribute(lambda m: m.article.body.find(m.text))
    end = factory.LazyAttribute(lambda m: None if m.start is None else m.start + len(m.text))


class ClaimRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimRelation

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.SubFactory(ClaimFactory)
    kind = ClaimRelation.Kind.SUPPORTS


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    claim = factory.SubFactory(ClaimFactory)
    rating = Review.Rating.MOSTLY_TRUE
    summary = "The invented council confirmed the June date."
