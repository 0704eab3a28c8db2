"""Factories for people, for tests."""

from __future__ import annotations

import factory

from skillspact.accounts.models import User

PASSWORD = "correct-horse-battery-9"  # noqa: S105 - a test fixture, not a secret


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    has_confirmed_email = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()
