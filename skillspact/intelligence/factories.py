"""Factories for surveys, questions, invitations, responses and answers, for tests and demo data."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from skillspact.intelligence.models import (
    Answer,
    Question,
    Response,
    SkillRating,
    Survey,
    SurveyInvitation,
    TextSkillMatch,
)


class SurveyFactory(factory.django.DjangoModelFactory):
    """A draft open survey in English and French."""

    class Meta:
        model = Survey

    slug = factory.Sequence(lambda n: f"flash-survey-{n}")
    title = factory.Sequence(lambda n: f"Flash survey on digital and green skills {n}")
    introduction = "Ten minutes on the skills your work needs."
    languages = factory.LazyFunction(lambda: ["en", "fr"])
    default_language = "en"
    translations = factory.LazyAttribute(
        lambda o: {
            "en": {"title": o.title, "introduction": o.introduction},
            "fr": {"title": f"Enquête {o.title}", "introduction": "Dix minutes."},
        }
    )
    access = Survey.Access.OPEN
    status = Survey.Status.DRAFT


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question written in English and French."""

    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    key = factory.Sequence(lambda n: f"q{n}")
    position = factory.Sequence(lambda n: n + 1)
    kind = Question.Kind.SINGLE
    content = factory.LazyFunction(
        lambda: {
            "text": {"en": "Do you use telehealth?", "fr": "Utilisez-vous la télésanté ?"},
            "options": [
                {"value": "yes", "label": {"en": "Yes", "fr": "Oui"}},
                {"value": "no", "label": {"en": "No", "fr": "Non"}},
            ],
        }
    )


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyInvitation

    survey = factory.SubFactory(SurveyFactory, access=Survey.Access.INVITATION)
    email = factory.Sequence(lambda n: f"nurse{n}@hospital.example.eu")
    sent_at = factory.LazyFunction(timezone.now)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A submitted response from a nurse in Spain."""

    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    language = "en"
    status = Response.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    country = "ES"
    region = "ES21"
    stakeholder_type = "healthcare_provider"
    years_experience = 7


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)
    value = "yes"


class SkillRatingFactory(factory.django.DjangoModelFactory):
    """A submitted matrix rating with the response's profile copied on."""

    class Meta:
        model = SkillRating

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SKILLS_MATRIX)
    survey = factory.LazyAttribute(lambda o: o.response.survey)
    skill_uri = "http://data.europa.eu/esco/skill/example"
    proficiency = 3
    importance = 4
    country = factory.LazyAttribute(lambda o: o.response.country)
    region = factory.LazyAttribute(lambda o: o.response.region)
    stakeholder_type = factory.LazyAttribute(lambda o: o.response.stakeholder_type)
    occupation_uri = factory.LazyAttribute(lambda o: o.response.occupation_uri)
    submitted_on = factory.LazyFunction(lambda: datetime.date.today())

    @classmethod
    def _create(cls, model_class: type[SkillRating], *args: Any, **kwargs: Any) -> SkillRating:
        # Like every writer of ratings, add it to the summaries the gap pages read.
        from skillspact.intelligence import summaries

        rating = super()._create(model_class, *args, **kwargs)
        summaries.rating_sums_add(ratings=[rating])
        return rating


class TextSkillMatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TextSkillMatch

    answer = factory.SubFactory(AnswerFactory)
    skill_uri = "http://data.europa.eu/esco/skill/example"
    score = 0.8
