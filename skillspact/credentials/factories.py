"""Factories for credentials, for tests, demo data and benchmarks.

A credential is only ever made by `services.credential_issue`, so that it carries real proofs;
`CredentialFactory` calls it for a completed enrolment.
"""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from skillspact.accounts.factories import UserFactory
from skillspact.accounts.models import User
from skillspact.credentials.models import Credential, IssueBatch
from skillspact.training.factories import CourseFactory, EnrolmentFactory
from skillspact.training.models import Enrolment


class CompletedEnrolmentFactory(EnrolmentFactory):
    """An enrolment the provider recorded as completed and passed."""

    status = Enrolment.Status.COMPLETED
    result = Enrolment.Result.PASSED
    completed_at = factory.LazyFunction(timezone.now)


class CredentialFactory(factory.django.DjangoModelFactory):
    """A credential issued through the service, by a secretariat officer unless `actor` is
    given, for a fresh completed enrolment unless `enrolment` is given."""

    class Meta:
        model = Credential

    enrolment = factory.SubFactory(CompletedEnrolmentFactory)

    @classmethod
    def _create(cls, model_class: type[Credential], *args: Any, **kwargs: Any) -> Credential:
        from skillspact.credentials import services

        actor: User = kwargs.pop("actor", None) or UserFactory.create(is_secretariat=True)
        return services.credential_issue(enrolment=kwargs["enrolment"], actor=actor)


class IssueBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueBatch

    course = factory.SubFactory(CourseFactory)
    requested_by = factory.SubFactory(UserFactory, is_secretariat=True)
