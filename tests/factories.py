"""Factories for the people and things the tests need."""

import factory
from allauth.account.models import EmailAddress

from members.models import Member, User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True
    first_name = "Hanne"
    last_name = "Koordinator"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Organisation"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Arbeidsgiver {n} AS")


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Competence"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kompetanse {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Job"

    title = factory.Sequence(lambda n: f"Stilling {n}")
    description = "Vi søker en erfaren kollega."
    location = "Bergen"


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.NewsItem"

    title = factory.Sequence(lambda n: f"Nyhet {n}")
    body = "Dette har skjedd siden sist."


class GuidelinesVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.GuidelinesVersion"

    text_nb = "Vi tar vare på hverandre."
    text_en = "We look after each other."
