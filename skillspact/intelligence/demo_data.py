"""The demo partnership's skills intelligence, for `seed_demo`. Everything here is synthetic and
flagged so (`is_synthetic=True`); the pages say "Synthetic demo data".

* The flash survey on digital and green skills in two waves ("2025" and "2026" of the series
  `flash-digital-green`), in English and French: the profile block, single, multiple, scale,
  number and free-text questions, a condition, and a skills matrix of 15 ESCO v1.1.1 digital
  and green skills relevant to health. Several thousand submitted responses across EU
  countries, regions, stakeholder types and health occupations; digital skills matter more to
  respondents in the second wave. Skill ratings are written as `respond.response_submit`
  writes them (profile copied on); a few free-text answers carry the skills found in them.
* Employer needs for the current year of member healthcare providers and industry members.
* 50,000 job ads over the last 36 months in EU countries, titled and written from health
  occupations and their skills, stored with known matches through `jobads.store_ads` (no
  engine), then counted with `jobads.monthly_counts_rebuild`. Planted trends: some digital and
  green skills rise (`RISING`), a few fall (`FALLING`), the rest is flat with seasonal noise.
* One finished forecast run computed on those ads, so the forecasts page has content.

Rows are bulk-created; no e-mail is sent and no audit entry is written.
"""

from __future__ import annotations

import datetime
import math
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

ESCO = "http://data.europa.eu/esco"
SERIES = "flash-digital-green"
WAVES = ("2025", "2026")
RESPONSES = 4000  # both waves together
JOB_ADS = 50_000
MONTHS = 36
NEEDS_ORGANISATIONS = 40

# The skills matrix: 15 digital and green skills of ESCO v1.1.1 relevant to health.
MATRIX = {
    "ehealth": ("use e-health and mobile health technologies", f"{ESCO}/skill/16636767-c215-4cf0-b126-e144fea20926", "digital"),  # noqa: E501
    "informatics": ("health informatics", f"{ESCO}/skill/fb82ae25-b59f-43fd-aacf-a8308afbe85e", "digital"),  # noqa: E501
    "ehr": ("use electronic health records in nursing", f"{ESCO}/skill/a46743b7-ff8c-49b6-99f7-7fa5bc241771", "digital"),  # noqa: E501
    "data_protection": ("data protection", f"{ESCO}/skill/a4346013-a967-4a58-a533-6b32ad1364c5", "digital"),  # noqa: E501
    "privacy": ("protect personal data and privacy", f"{ESCO}/skill/33a82b83-c838-4889-ae62-fae1317481eb", "digital"),  # noqa: E501
    "cyber": ("cyber security", f"{ESCO}/skill/8088750d-8388-4170-a76f-48354c469c44", "digital"),
    "ai": ("principles of artificial intelligence", f"{ESCO}/skill/e465a154-93f7-4973-9ce1-31659fe16dd2", "digital"),  # noqa: E501
    "analytics": ("data analytics", f"{ESCO}/skill/97bd1c21-66b2-4b7e-ad0f-e3cda590e378", "digital"),  # noqa: E501
    "manage_data": ("manage data", f"{ESCO}/skill/9ff9db9d-d14b-426e-83f3-e7449af6c79f", "digital"),  # noqa: E501
    "digital_literacy": ("teach digital literacy", f"{ESCO}/skill/c8fa4313-80b0-4f37-8b1b-1739707bc362", "digital"),  # noqa: E501
    "waste": ("manage waste", f"{ESCO}/skill/73a9561d-112c-4d8a-9d5f-b2c11c5bbd5f", "green"),
    "hazardous": ("dispose of hazardous waste", f"{ESCO}/skill/40fa39b5-0f69-432a-b5ea-b01b5d98649a", "green"),  # noqa: E501
    "procurement": ("implement sustainable procurement", f"{ESCO}/skill/6962058d-9808-4820-a6bc-d7cabce60cde", "green"),  # noqa: E501
    "energy": ("energy efficiency", f"{ESCO}/skill/83fc0b2b-6cd2-46af-b1ff-d3fc83604c26", "green"),
    "environment": ("environmental policy", f"{ESCO}/skill/081d7679-5070-4777-bece-a28c49f15636", "green"),  # noqa: E501
}  # fmt: skip
# Clinical skills that job ads ask for beside the digital and green ones.
CLINICAL = {
    "risk": ("manage clinical risk", f"{ESCO}/skill/16284f84-15c9-4542-b122-a6d584f937ee"),
    "infection": ("infection control", f"{ESCO}/skill/6d13053b-ee35-492c-8976-8178420df398"),
    "teams": ("work in multidisciplinary health teams", f"{ESCO}/skill/eba85523-6ad2-4cd9-9b27-a0b6a39b8cfa"),  # noqa: E501
    "communicate": ("communicate in healthcare", f"{ESCO}/skill/7110bf9f-b245-4adc-9159-5081013fd64d"),  # noqa: E501
    "images": ("interpret medical images", f"{ESCO}/skill/1be9dd4c-ea8d-485e-8a45-28e8a7ab36d3"),
    "lead": ("lead a team", f"{ESCO}/skill/1f1d2ff8-c4c1-45cc-9812-6a7ee84a73cb"),
    "first_aid": ("provide first aid", f"{ESCO}/skill/1d21f6ad-340f-45da-a0a3-4e83867f47a6"),
}  # fmt: skip
SKILL_URI = {key: value[1] for key, value in {**MATRIX, **CLINICAL}.items()}
SKILL_LABEL = {key: value[0] for key, value in {**MATRIX, **CLINICAL}.items()}

# Health occupations: English title, French title, share of ads, skills with their base chance.
OCCUPATIONS: dict[str, tuple[str, str, str, float, dict[str, float]]] = {
    "nurse": (f"{ESCO}/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50", "Registered nurse", "Infirmier/ère", 0.30,  # noqa: E501
              {"ehr": 0.35, "infection": 0.5, "teams": 0.4, "communicate": 0.4, "ehealth": 0.10, "digital_literacy": 0.08, "waste": 0.06}),  # noqa: E501
    "specialist_nurse": (f"{ESCO}/occupation/18e14e61-495b-44cc-a7c6-df4c625934ba", "Specialist nurse", "Infirmier/ère spécialisé(e)", 0.10,  # noqa: E501
                         {"ehr": 0.3, "risk": 0.35, "teams": 0.4, "ehealth": 0.12}),
    "radiographer": (f"{ESCO}/occupation/7639a601-6db0-41ed-9fb0-813d9b8beb05", "Radiographer", "Manipulateur/trice en radiologie", 0.08,  # noqa: E501
                     {"images": 0.7, "ai": 0.05, "data_protection": 0.15, "hazardous": 0.12}),
    "physiotherapist": (f"{ESCO}/occupation/006cc1f9-2841-41c3-991a-dc3f2f3bd533", "Physiotherapist", "Kinésithérapeute", 0.08,  # noqa: E501
                        {"communicate": 0.5, "teams": 0.3, "ehealth": 0.08}),
    "assistant": (f"{ESCO}/occupation/d38c2107-98f2-47b7-8bb4-f69750d51082", "Healthcare assistant", "Aide-soignant(e)", 0.14,  # noqa: E501
                  {"infection": 0.5, "first_aid": 0.3, "ehr": 0.12, "waste": 0.15}),
    "gp": (f"{ESCO}/occupation/71f09c8b-a172-408c-b9e7-32e580e39ff6", "General practitioner", "Médecin généraliste", 0.06,  # noqa: E501
           {"ehealth": 0.15, "risk": 0.3, "communicate": 0.4, "privacy": 0.1}),
    "pharmacist": (f"{ESCO}/occupation/5fd099da-218a-460e-bd5b-b42f1b76c67c", "Pharmacist", "Pharmacien(ne)", 0.05,  # noqa: E501
                   {"hazardous": 0.2, "communicate": 0.35, "procurement": 0.06}),
    "manager": (f"{ESCO}/occupation/4a29eab1-5f02-4723-a863-e2d5a0614dfa", "Healthcare manager", "Cadre de santé", 0.07,  # noqa: E501
                {"lead": 0.5, "analytics": 0.15, "energy": 0.04, "procurement": 0.08, "environment": 0.05}),  # noqa: E501
    "records": (f"{ESCO}/occupation/983c2816-a339-4817-97f4-151a9ff3e64d", "Medical records manager", "Responsable des dossiers médicaux", 0.05,  # noqa: E501
                {"manage_data": 0.4, "data_protection": 0.35, "cyber": 0.08, "informatics": 0.2}),
    "home_care": (f"{ESCO}/occupation/f4525ed8-54eb-4a3b-90db-55cc01b0d9fd", "Home care aide", "Aide à domicile", 0.07,  # noqa: E501
                  {"first_aid": 0.3, "ehealth": 0.05, "communicate": 0.3}),
}  # fmt: skip
# Planted trends: (occupation, skill) -> change of the chance per year.
RISING = {
    ("radiographer", "ai"): 0.10,
    ("nurse", "ehealth"): 0.06,
    ("records", "cyber"): 0.10,
    ("gp", "ehealth"): 0.08,
    ("manager", "energy"): 0.06,
    ("manager", "analytics"): 0.06,
    ("home_care", "ehealth"): 0.05,
    ("assistant", "waste"): 0.04,
}
FALLING = {
    ("nurse", "digital_literacy"): -0.02,
    ("pharmacist", "hazardous"): -0.05,
}
# The skills whose overall share of ads rises by construction (for the demo test).
RISING_SKILLS = ("ai", "ehealth", "cyber", "energy")

COUNTRIES = {
    "DE": (18, ["DE11", "DE21", "DE30", "DE60", "DE93", "DEA1"]),
    "FR": (15, ["FR10", "FRK2", "FRL0", "FRI1", "FRJ2"]),
    "IT": (12, ["ITC4", "ITI4", "ITF3", "ITH3"]),
    "ES": (11, ["ES30", "ES51", "ES61", "ES21"]),
    "PL": (8, ["PL91", "PL21", "PL22"]),
    "NL": (6, ["NL32", "NL33", "NL41"]),
    "BE": (4, ["BE10", "BE21", "BE33"]),
    "SE": (3, ["SE11", "SE22"]),
    "AT": (3, ["AT13", "AT22"]),
    "PT": (3, ["PT17", "PT11"]),
    "CZ": (3, ["CZ01", "CZ06"]),
    "RO": (3, ["RO32", "RO11"]),
    "EL": (3, ["EL30", "EL52"]),
    "IE": (2, ["IE06", "IE05"]),
    "FI": (2, ["FI1B", "FI1D"]),
    "DK": (2, ["DK01", "DK04"]),
    "HU": (2, ["HU11", "HU23"]),
}
STAKEHOLDERS = {
    "healthcare_provider": 60,
    "public_regional": 8,
    "public_national": 4,
    "industry_medtech": 6,
    "industry_pharma": 5,
    "industry_digital_health": 5,
    "education_vet": 5,
    "education_higher": 4,
    "research": 3,
}
SETTINGS = [
    ("hospital", "Hospital", "Hôpital"),
    ("primary", "Primary care", "Soins primaires"),
    ("long_term", "Long-term care", "Soins de longue durée"),
    ("home", "Home care", "Soins à domicile"),
    ("other", "Other", "Autre"),
]
TOOLS = [
    ("ehr", "Electronic health records", "Dossier patient informatisé"),
    ("telehealth", "Video consultations", "Téléconsultation"),
    ("apps", "Health apps for patients", "Applications de santé pour les patients"),
    ("ai", "AI-assisted decision support", "Aide à la décision par IA"),
    ("none", "None of these", "Aucun de ces outils"),
]
TEXT_ANSWERS = [
    (
        "I need to learn how to run video consultations and keep patient data safe.",
        ["ehealth", "privacy"],
    ),  # noqa: E501
    (
        "Our ward wastes too much: sorting hazardous waste properly would help.",
        ["hazardous", "waste"],
    ),  # noqa: E501
    ("Understanding what the AI tool in radiology actually does.", ["ai"]),
    ("Spotting phishing e-mails, we were attacked last year.", ["cyber"]),
    ("Reading the quality dashboards our managers send.", ["analytics"]),
    ("Saving energy in the operating theatre.", ["energy"]),
]


@dataclass
class Seeded:
    """What the seed created, with how long each part took."""

    surveys: int = 0
    responses: int = 0
    ratings: int = 0
    text_matches: int = 0
    needs: int = 0
    job_ads: int = 0
    monthly_counts: int = 0
    forecasts: int = 0
    beats_naive: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        timing = ", ".join(f"{name} {value:.1f} s" for name, value in self.seconds.items())
        return (
            f"intelligence: {self.surveys} survey waves, {self.responses} responses, "
            f"{self.ratings} skill ratings, {self.needs} employer needs, {self.job_ads} job ads "
            f"({self.monthly_counts} monthly counts), {self.forecasts} forecasts "
            f"({self.beats_naive} beat naive) — {timing}"
        )


def seed(
    *,
    seed: int = 2026,
    secretariat: Any = None,
    stdout: Any = None,
    responses: int = RESPONSES,
    job_ads: int = JOB_ADS,
    months: int = MONTHS,
    needs: int = NEEDS_ORGANISATIONS,
    now: datetime.datetime | None = None,
) -> Seeded:
    """Add the synthetic skills-intelligence data; the same `seed` gives the same data."""
    rng = random.Random(f"intelligence-{seed}")
    today = timezone.localdate(now or timezone.now())
    seeded = Seeded()

    def step(name: str, started: float) -> None:
        seeded.seconds[name] = time.perf_counter() - started
        if stdout is not None:
            stdout.write(f"intelligence demo: {name} in {seeded.seconds[name]:.1f} s")

    started = time.perf_counter()
    _surveys(rng, seeded, secretariat, responses, today)
    step("surveys", started)
    started = time.perf_counter()
    _needs(rng, seeded, secretariat, needs, today)
    step("employer needs", started)
    started = time.perf_counter()
    _job_ads(rng, seeded, secretariat, job_ads, months, today)
    step("job ads", started)
    started = time.perf_counter()
    _forecast(seeded, secretariat)
    step("forecasts", started)
    return seeded


# -- the flash survey --------------------------------------------------------------------------


def _texts(en: str, fr: str) -> dict[str, str]:
    return {"en": en, "fr": fr}


def _options(rows: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    return [{"value": value, "label": _texts(en, fr)} for value, en, fr in rows]


def _surveys(
    rng: random.Random, seeded: Seeded, secretariat: Any, total: int, today: datetime.date
) -> None:
    from skillspact.intelligence import summaries
    from skillspact.intelligence.models import (
        Answer,
        Question,
        Response,
        SkillRating,
        Survey,
        TextSkillMatch,
    )

    matrix_uris = [uri for _label, uri, _kind in MATRIX.values()]
    occupation_keys = list(OCCUPATIONS)
    occupation_weights = [OCCUPATIONS[key][3] for key in occupation_keys]
    countries = list(COUNTRIES)
    country_weights = [COUNTRIES[code][0] for code in countries]
    stakeholders = list(STAKEHOLDERS)
    stakeholder_weights = list(STAKEHOLDERS.values())
    text_pool = [(text, keys) for text, keys in TEXT_ANSWERS]
    for wave_index, wave in enumerate(WAVES):
        year = int(wave)
        opens = datetime.datetime(year, 3, 1, 9, tzinfo=datetime.UTC)
        closes = datetime.datetime(year, 4, 30, 18, tzinfo=datetime.UTC)
        if closes.date() > today:  # the current wave closes soon after today
            opens = timezone.now() - datetime.timedelta(days=40)
            closes = timezone.now() + datetime.timedelta(days=20)
        title = f"Flash survey on digital and green skills {wave}"
        survey = Survey.objects.create(
            slug=f"{SERIES}-{wave}",
            title=title,
            translations={
                "en": {
                    "title": title,
                    "introduction": "Ten minutes on the digital and green skills your work needs.",
                },  # noqa: E501
                "fr": {
                    "title": f"Enquête flash sur les compétences numériques et vertes {wave}",
                    "introduction": "Dix minutes sur les compétences numériques et vertes dont votre travail a besoin.",  # noqa: E501
                },  # noqa: E501
            },  # fmt: skip
            introduction="Ten minutes on the digital and green skills your work needs.",
            languages=["en", "fr"],
            default_language="en",
            series=SERIES,
            wave=wave,
            status=Survey.Status.CLOSED if closes < timezone.now() else Survey.Status.PUBLISHED,
            access=Survey.Access.OPEN,
            is_anonymous=True,
            asks_profile=True,
            opens_at=opens,
            closes_at=closes,
            published_at=opens,
            is_synthetic=True,
            created_by=secretariat,
        )
        seeded.surveys += 1
        questions = Question.objects.bulk_create(
            [
                Question(survey=survey, key="setting", position=1, kind=Question.Kind.SINGLE, is_required=True,  # noqa: E501
                         content={"text": _texts("Where do you mainly work?", "Où travaillez-vous principalement ?"), "options": _options(SETTINGS)}),  # noqa: E501
                Question(survey=survey, key="tools", position=2, kind=Question.Kind.MULTIPLE,
                         content={"text": _texts("Which digital tools do you use at work?", "Quels outils numériques utilisez-vous au travail ?"), "options": _options(TOOLS)}),  # noqa: E501
                Question(survey=survey, key="confidence", position=3, kind=Question.Kind.SCALE,
                         content={"text": _texts("How confident are you with the digital tools of your work?", "Quelle est votre aisance avec les outils numériques de votre travail ?"),  # noqa: E501
                                  "min": 1, "max": 5, "min_label": _texts("Not at all", "Pas du tout"), "max_label": _texts("Fully", "Tout à fait")}),  # noqa: E501
                Question(survey=survey, key="training_hours", position=4, kind=Question.Kind.NUMBER,
                         content={"text": _texts("Hours of training you received last year", "Heures de formation reçues l'an dernier"), "min": 0, "max": 500}),  # noqa: E501
                Question(survey=survey, key="green_plan", position=5, kind=Question.Kind.SINGLE,
                         content={"text": _texts("Does your hospital have a plan to cut its environmental footprint?", "Votre hôpital a-t-il un plan pour réduire son empreinte environnementale ?"),  # noqa: E501
                                  "options": _options([("yes", "Yes", "Oui"), ("no", "No", "Non"), ("unknown", "I don't know", "Je ne sais pas")])},  # noqa: E501
                         condition={"question": "setting", "values": ["hospital"]}),
                Question(survey=survey, key="skills", position=6, kind=Question.Kind.SKILLS_MATRIX, is_required=True,  # noqa: E501
                         content={"text": _texts("Rate your proficiency and the importance for your role of each skill", "Évaluez votre maîtrise et l'importance pour votre poste de chaque compétence")},  # noqa: E501
                         skill_uris=matrix_uris),
                Question(survey=survey, key="needed", position=7, kind=Question.Kind.TEXT,
                         content={"text": _texts("Which skill would help you most in the next two years?", "Quelle compétence vous aiderait le plus dans les deux prochaines années ?")}),  # noqa: E501
            ]
        )  # fmt: skip
        by_key = {question.key: question for question in questions}
        count = total // len(WAVES) + (total % len(WAVES) if wave_index else 0)
        span = max(1, int((min(closes, timezone.now()) - opens).total_seconds()))
        rows: list[Response] = []
        plans: list[dict[str, Any]] = []
        for _index in range(count):
            occupation = rng.choices(occupation_keys, occupation_weights)[0]
            country = rng.choices(countries, country_weights)[0]
            submitted = opens + datetime.timedelta(seconds=rng.randrange(span))
            rows.append(
                Response(
                    survey=survey,
                    language="fr" if country in ("FR", "BE") and rng.random() < 0.8 else "en",
                    status=Response.Status.SUBMITTED,
                    submitted_at=submitted,
                    country=country,
                    region=rng.choice(COUNTRIES[country][1]),
                    stakeholder_type=rng.choices(stakeholders, stakeholder_weights)[0],
                    job_title=OCCUPATIONS[occupation][1],
                    occupation_uri=OCCUPATIONS[occupation][0],
                    years_experience=min(45, int(rng.expovariate(1 / 12))),
                    is_synthetic=True,
                )
            )
            plans.append({"occupation": occupation})
        created = Response.objects.bulk_create(rows, batch_size=1000)
        if created and created[0].pk is None:
            created = list(Response.objects.filter(survey=survey).order_by("pk"))
        answers: list[Answer] = []
        ratings: list[SkillRating] = []
        texts: list[tuple[int, list[str]]] = []
        for response, plan in zip(created, plans, strict=True):
            setting = rng.choices([s[0] for s in SETTINGS], [50, 20, 12, 13, 5])[0]
            tools = [
                t[0]
                for t in TOOLS[:4]
                if rng.random() < (0.7 if t[0] == "ehr" else 0.3 + 0.1 * wave_index)
            ]  # noqa: E501
            values: dict[str, Any] = {
                "setting": setting,
                "tools": tools or ["none"],
                "confidence": max(1, min(5, round(rng.gauss(3.1 + 0.3 * wave_index, 1)))),
                "training_hours": max(0, int(rng.gauss(24, 14))),
            }
            if setting == "hospital":
                values["green_plan"] = rng.choices(["yes", "no", "unknown"], [40, 25, 35])[0]
            matrix: dict[str, dict[str, int]] = {}
            for key, (_label, uri, kind) in MATRIX.items():
                base = 3.2 if kind == "digital" else 2.7
                if kind == "digital":
                    base += 0.5 * wave_index  # digital skills matter more in the second wave
                if (plan["occupation"], key) in RISING:
                    base += 0.6
                importance = max(1, min(5, round(rng.gauss(base, 0.9))))
                proficiency = max(1, min(5, round(rng.gauss(base - 0.7, 0.9))))
                matrix[uri] = {"proficiency": proficiency, "importance": importance}
                ratings.append(
                    SkillRating(
                        response=response, question=by_key["skills"], survey=survey,
                        skill_uri=uri, proficiency=proficiency, importance=importance,
                        country=response.country, region=response.region,
                        stakeholder_type=response.stakeholder_type,
                        occupation_uri=response.occupation_uri,
                        submitted_on=response.submitted_at.date(),  # type: ignore[union-attr]
                    )
                )  # fmt: skip
            values["skills"] = matrix
            if rng.random() < 0.02:
                text, keys = rng.choice(text_pool)
                values["needed"] = text
                texts.append((len(answers) + len(values) - 1, keys))
            for key, value in values.items():
                answers.append(Answer(response=response, question=by_key[key], value=value))
        stored = Answer.objects.bulk_create(answers, batch_size=2000)
        SkillRating.objects.bulk_create(ratings, batch_size=5000)
        summaries.rating_sums_add(ratings=ratings)
        matches: list[TextSkillMatch] = []
        for position, keys in texts:
            answer = stored[position]
            if answer.pk is None:
                continue
            matches.extend(
                TextSkillMatch(
                    answer=answer, skill_uri=SKILL_URI[key], score=round(0.9 - 0.1 * i, 2)
                )  # noqa: E501
                for i, key in enumerate(keys)
            )
        TextSkillMatch.objects.bulk_create(matches)
        seeded.responses += len(created)
        seeded.ratings += len(ratings)
        seeded.text_matches += len(matches)


# -- employer needs ----------------------------------------------------------------------------


def _needs(
    rng: random.Random, seeded: Seeded, secretariat: Any, limit: int, today: datetime.date
) -> None:
    from skillspact.intelligence.models import EmployerNeed, NeedRole, NeedSkill
    from skillspact.organisations.models import Organisation

    # Read-only: the demo organisations the organisations seed created (no selector lists
    # members by type).
    employers = list(
        Organisation.objects.filter(
            status=Organisation.Status.MEMBER,
            stakeholder_type__in=[
                "healthcare_provider", "industry_medtech", "industry_pharma",
                "industry_digital_health",
            ],
        )
        .exclude(employer_needs__year=today.year)
        .order_by("slug")[:limit]
    )  # fmt: skip
    if not employers:
        return
    needs = EmployerNeed.objects.bulk_create(
        [
            EmployerNeed(
                organisation=organisation,
                year=today.year,
                notes="Synthetic demo data.",
                submitted_by=secretariat,
                is_synthetic=True,
            )
            for organisation in employers
        ]
    )
    if needs and needs[0].pk is None:
        needs = list(EmployerNeed.objects.filter(year=today.year, is_synthetic=True))
    roles, skills = [], []
    occupation_keys = list(OCCUPATIONS)
    for need, organisation in zip(needs, employers, strict=True):
        country = str(organisation.country or "BE")
        for key in rng.sample(occupation_keys, rng.randint(1, 3)):
            roles.append(
                NeedRole(
                    need=need,
                    occupation_uri=OCCUPATIONS[key][0],
                    kind=rng.choice([NeedRole.Kind.HIRE, NeedRole.Kind.RETRAIN]),
                    count=rng.randint(2, 60),
                    horizon_months=rng.choice([12, 36]),
                    country=country,
                    region=str(organisation.nuts2 or ""),
                )
            )
        for key in rng.sample(list(MATRIX), rng.randint(2, 5)):
            kind = MATRIX[key][2]
            difficulty = max(1, min(5, round(rng.gauss(3.8 if kind == "digital" else 3.0, 0.8))))
            skills.append(NeedSkill(need=need, skill_uri=MATRIX[key][1], difficulty=difficulty))
    NeedRole.objects.bulk_create(roles)
    NeedSkill.objects.bulk_create(skills)
    seeded.needs = len(needs)


# -- job ads -----------------------------------------------------------------------------------


def _month_start(today: datetime.date, back: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _job_ads(
    rng: random.Random,
    seeded: Seeded,
    secretariat: Any,
    total: int,
    months: int,
    today: datetime.date,
) -> None:
    from skillspact.intelligence import jobads
    from skillspact.intelligence.models import JobAdUpload

    if total <= 0:
        return
    upload = JobAdUpload.objects.create(
        file="intelligence/job-ads/synthetic-demo.jsonl",
        original_name="synthetic-demo.jsonl",
        file_format=JobAdUpload.Format.JSONL,
        source="Synthetic demo data",
        status=JobAdUpload.Status.RUNNING,
        total_rows=total,
        is_synthetic=True,
        uploaded_by=secretariat,
        started_at=timezone.now(),
    )
    first = _month_start(today, months)  # the last `months` full months before this one
    # Ads per month grow a little and dip in August and December.
    weights = []
    for index in range(months):
        calendar_month = (first.month - 1 + index) % 12 + 1
        dip = 0.75 if calendar_month in (8, 12) else 1.0
        weights.append((1 + 0.01 * index) * dip)
    scale = total / sum(weights)
    per_month = [int(weight * scale) for weight in weights]
    per_month[-1] += total - sum(per_month)
    occupation_keys = list(OCCUPATIONS)
    occupation_weights = [OCCUPATIONS[key][3] for key in occupation_keys]
    countries = list(COUNTRIES)
    country_weights = [COUNTRIES[code][0] for code in countries]
    line = 0
    rows: list[Any] = []
    matches: list[Any] = []
    for index, count in enumerate(per_month):
        month = _month_start(first, -index)
        days = (_month_start(month, -1) - month).days
        years = index / 12
        season = 0.015 * math.sin(2 * math.pi * index / 12)
        for _ad in range(count):
            line += 1
            key = rng.choices(occupation_keys, occupation_weights)[0]
            uri, title_en, title_fr, _share, profile = OCCUPATIONS[key]
            country = rng.choices(countries, country_weights)[0]
            found = []
            for skill, chance in profile.items():
                chance += RISING.get((key, skill), 0) * years + FALLING.get((key, skill), 0) * years
                if rng.random() < max(0.0, chance + season):
                    found.append(skill)
            is_french = country in ("FR", "BE") and rng.random() < 0.7
            title = title_fr if is_french else title_en
            text = (
                f"{title}. "
                + ("Compétences : " if is_french else "We are looking for: ")
                + "; ".join(SKILL_LABEL[skill] for skill in found)
                + "."
            )
            rows.append(
                jobads.AdRow(
                    line=line,
                    posted_on=month + datetime.timedelta(days=rng.randrange(days)),
                    title=f"{title} ({rng.choice(['full time', 'part time', 'permanent', 'fixed term'])})",  # noqa: E501
                    text=text,
                    country=country,
                    region=rng.choice(COUNTRIES[country][1]),
                    employer=f"Demo employer {rng.randint(1, 400)}",
                )
            )
            matches.append(
                jobads.AdMatch(
                    occupation_uri=uri,
                    occupation_score=round(rng.uniform(0.7, 0.98), 3),
                    skills=tuple(
                        (SKILL_URI[skill], round(rng.uniform(0.6, 0.95), 3)) for skill in found
                    ),  # noqa: E501
                )
            )
            if len(rows) >= 5000:
                seeded.job_ads += jobads.store_ads(upload, rows, matches)
                rows, matches = [], []
    seeded.job_ads += jobads.store_ads(upload, rows, matches)
    JobAdUpload.objects.filter(pk=upload.pk).update(
        status=JobAdUpload.Status.DONE,
        processed=total,
        loaded=seeded.job_ads,
        finished_at=timezone.now(),
    )
    seeded.monthly_counts = jobads.monthly_counts_rebuild()


# -- forecasts ---------------------------------------------------------------------------------


def _forecast(seeded: Seeded, secretariat: Any) -> None:
    from skillspact.intelligence import forecasts
    from skillspact.intelligence.models import ForecastRun

    run = ForecastRun.objects.create(requested_by=secretariat, horizon_months=36)
    done = forecasts.forecast_run_execute(run_id=run.pk)
    if done is not None:
        seeded.forecasts = int(done.summary.get("series", 0))
        seeded.beats_naive = int(done.summary.get("beats_naive", 0))
