"""Commitments, reporting windows and three years of progress reports for the demo partnership.

`seed_demo` calls `seed()` once it has built the organisations and people. Like the rest of the
demo data, the rows are built with the models, not the services: the past reporting windows are
closed, so `services.report_save()` would refuse their reports. The rules the services keep hold
by construction instead (a test checks every report against them): people reached are at least
the people trained, a gender breakdown adds up to its total, figures by occupation and the
figures of included organisations stay within the report's own, published commitments have a
publication date, and submitted reports a submission date.

What the demo shows:

* the demo contact's university hospital with two published commitments (one of them has a
  draft report in the open window, the other is still to be started) and one draft commitment;
* member organisations with published commitments, two of them waiting in the secretariat's
  review queue;
* windows for 2023, 2024 and 2025 (closed) and 2026 (open), with submitted reports;
* two umbrella networks whose reports include their members' figures: a member that also
  reports itself (the roll-up sets the network's copy aside), a member that both networks
  include in 2024 (settled by the secretariat) and again in 2025 (a conflict awaiting it).

Every target occupation and skill is a real ESCO v1.1.1 concept, or one of the local roles
that `taxonomy.seed` ships; a test checks each URI, label and collection against the shipped
ESCO copy.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from skillspact.accounts.models import User
from skillspact.commitments import services
from skillspact.commitments.models import (
    METRICS,
    TARGET_YEAR,
    Commitment,
    CommitmentConcept,
    CommitmentTarget,
    OverlapResolution,
    Principle,
    ProgressReport,
    ProgressStatus,
    ReportInclusion,
    ReportingWindow,
    ReportOccupation,
)
from skillspact.core.text import search_text
from skillspact.organisations.models import Affiliation, Organisation

CURRENT_YEAR = 2026
PAST_YEARS = (2023, 2024, 2025)
ESCO_VERSION = "v1.1.1"
BRUSSELS = ZoneInfo("Europe/Brussels")
ESCO = "http://data.europa.eu/esco"
LOCAL = "urn:skillspact:occupation:"


@dataclass(frozen=True)
class Concept:
    """A target occupation or skill as a commitment stores it."""

    uri: str
    label: str
    isco_major: str = ""
    is_green: bool = False
    is_digital: bool = False

    @property
    def is_local(self) -> bool:
        return self.uri.startswith(LOCAL)


def _occupation(uuid: str, label: str, isco: str) -> Concept:
    return Concept(f"{ESCO}/occupation/{uuid}", label, isco_major=isco[:1])


def _skill(uuid: str, label: str, *, green: bool = False, digital: bool = False) -> Concept:
    return Concept(f"{ESCO}/skill/{uuid}", label, is_green=green, is_digital=digital)


OCCUPATIONS: dict[str, Concept] = {
    "nurse": _occupation(
        "8d3e8aaa-791b-4c75-a465-f3f827028f50", "nurse responsible for general care", "2221"
    ),
    "specialist_nurse": _occupation(
        "18e14e61-495b-44cc-a7c6-df4c625934ba", "specialist nurse", "2221"
    ),
    "nurse_practitioner": _occupation(
        "36494988-69d2-4420-9db4-eb56605ac983", "advanced nurse practitioner", "2221"
    ),
    "midwife": _occupation("95cda6a9-a70a-4a93-9442-11d573cb4a02", "midwife", "2222"),
    "nurse_assistant": _occupation(
        "87d0795a-d41f-47ee-979f-0ab7d73836e7", "nurse assistant", "5321"
    ),
    "healthcare_assistant": _occupation(
        "d38c2107-98f2-47b7-8bb4-f69750d51082", "healthcare assistant", "5321"
    ),
    "older_adult_care": _occupation(
        "50743f62-3d5b-4ef6-b706-00d2b1adfcc3", "residential home older adult care worker", "3412"
    ),
    "community_health": _occupation(
        "c7ad889f-10fc-4346-b740-bd479ad82b47", "community health worker", "3253"
    ),
    "physiotherapist": _occupation(
        "006cc1f9-2841-41c3-991a-dc3f2f3bd533", "physiotherapist", "2264"
    ),
    "radiographer": _occupation("7639a601-6db0-41ed-9fb0-813d9b8beb05", "radiographer", "2269"),
    "lab_assistant": _occupation(
        "0044c991-c26f-4261-a213-4bd1c0564a4c", "medical laboratory assistant", "3212"
    ),
    "device_technician": _occupation(
        "30641348-f9f2-4fe5-ab8c-fe6ff9931a54", "medical device engineering technician", "3114"
    ),
    "hospital_pharmacist": _occupation(
        "5fd099da-218a-460e-bd5b-b42f1b76c67c", "hospital pharmacist", "2262"
    ),
    "porter": _occupation("a30734bb-2f10-4747-a94c-75f5ec3c63a4", "hospital porter", "5329"),
    "institution_manager": _occupation(
        "4a29eab1-5f02-4723-a863-e2d5a0614dfa", "healthcare institution manager", "1342"
    ),
    "clinical_informatics": Concept(
        f"{LOCAL}clinical-informatics-specialist", "clinical informatics specialist", isco_major="2"
    ),
    "telehealth_coordinator": Concept(
        f"{LOCAL}telehealth-coordinator", "telehealth coordinator", isco_major="3"
    ),
    "sustainability_lead": Concept(
        f"{LOCAL}sustainability-lead-in-healthcare",
        "sustainability lead in healthcare",
        isco_major="1",
    ),
}

SKILLS: dict[str, Concept] = {
    "e_health": _skill(
        "16636767-c215-4cf0-b126-e144fea20926",
        "use e-health and mobile health technologies",
        digital=True,
    ),
    "ehr_nursing": _skill(
        "a46743b7-ff8c-49b6-99f7-7fa5bc241771",
        "use electronic health records in nursing",
        digital=True,
    ),
    "ehr_system": _skill(
        "53141450-2fa9-4890-a64e-7ffd4e1144be",
        "use electronic health records management system",
        digital=True,
    ),
    "health_informatics": _skill(
        "fb82ae25-b59f-43fd-aacf-a8308afbe85e", "health informatics", digital=True
    ),
    "personal_data": _skill(
        "33a82b83-c838-4889-ae62-fae1317481eb", "protect personal data and privacy", digital=True
    ),
    "cyber_security": _skill(
        "8088750d-8388-4170-a76f-48354c469c44", "cyber security", digital=True
    ),
    "data_analytics": _skill(
        "97bd1c21-66b2-4b7e-ad0f-e3cda590e378", "data analytics", digital=True
    ),
    "imaging_equipment": _skill(
        "8d17898e-cd9c-444d-b084-8708a5447747", "operate medical imaging equipment", digital=True
    ),
    "imaging_technology": _skill(
        "5645b349-2b67-48cf-b290-bbb029e59dcf", "medical imaging technology", digital=True
    ),
    "ai_principles": _skill(
        "e465a154-93f7-4973-9ce1-31659fe16dd2",
        "principles of artificial intelligence",
        digital=True,
    ),
    "health_data_systems": _skill(
        "99814cb0-5f6c-4663-99a4-af28b11d5d2f", "healthcare data systems", digital=True
    ),
    "medical_information": _skill(
        "d70701ca-d3be-44cb-963e-8e7142555144", "transfer medical information", digital=True
    ),
    "medical_waste": _skill(
        "6f900dcb-c7ff-4d97-8015-9c45b99f7097", "dispose medical waste", green=True
    ),
    "energy_efficiency": _skill(
        "83fc0b2b-6cd2-46af-b1ff-d3fc83604c26", "energy efficiency", green=True
    ),
    "sustainability": _skill(
        "469e19ed-a0bd-445a-ae2d-4ba9430e296b", "promote sustainability", green=True
    ),
    "sustainable_procurement": _skill(
        "6962058d-9808-4820-a6bc-d7cabce60cde", "implement sustainable procurement", green=True
    ),
    "waste_training": _skill(
        "e5f77488-7561-475a-9888-decd2443d37a", "train staff on waste management", green=True
    ),
    "facility_energy": _skill(
        "885808f7-f42b-406e-95f2-28efcd45ddda",
        "carry out energy management of facilities",
        green=True,
    ),
    "person_centred": _skill("7a63f944-6948-4ae4-9c1f-d08e492535c9", "apply person-centred care"),
    "infection_control": _skill("6d13053b-ee35-492c-8976-8178420df398", "infection control"),
    "multidisciplinary": _skill(
        "eba85523-6ad2-4cd9-9b27-a0b6a39b8cfa", "work in multidisciplinary health teams"
    ),
    "quality_standards": _skill(
        "98eb1f3b-3480-416b-bd4b-811946f7e347",
        "comply with quality standards related to healthcare practice",
    ),
    "first_aid": _skill("1d21f6ad-340f-45da-a0a3-4e83867f47a6", "provide first aid"),
    "mentoring": _skill("a584a638-a2c0-4b3c-bdf3-a64f87225be9", "mentor individuals"),
}


@dataclass(frozen=True)
class Theme:
    """A kind of commitment: how it is named and described, and what it targets."""

    key: str
    titles: tuple[str, ...]  # {people}: how many people by 2030
    description: str
    principles: tuple[str, ...]
    occupations: tuple[str, ...]
    skills: tuple[str, ...]


THEMES: dict[str, Theme] = {
    theme.key: theme
    for theme in [
        Theme(
            "digital",
            (
                "Digital skills for {people} nurses and healthcare assistants by 2030",
                "Electronic health records training for {people} ward staff",
                "Telehealth-ready teams: {people} nurses trained in e-health",
            ),
            "Hands-on courses in electronic health records, telehealth and data protection for "
            "nurses and healthcare assistants, taught on the wards by trained digital champions "
            "and recognised as continuing professional development.",
            (Principle.LIFELONG_LEARNING, Principle.PARTNERSHIPS),
            ("nurse", "specialist_nurse", "healthcare_assistant", "telehealth_coordinator"),
            ("e_health", "ehr_nursing", "personal_data", "ehr_system", "cyber_security"),
        ),
        Theme(
            "green",
            (
                "Green hospital: waste and energy skills for {people} staff",
                "Sustainable care: {people} staff trained in resource-efficient practice",
            ),
            "A programme on the segregation of medical waste, energy saving on the wards and "
            "sustainable procurement, with a sustainability lead in every department and yearly "
            "measurement of the results.",
            (Principle.LIFELONG_LEARNING, Principle.INTELLIGENCE),
            ("porter", "institution_manager", "sustainability_lead", "nurse"),
            (
                "medical_waste",
                "energy_efficiency",
                "sustainability",
                "waste_training",
                "sustainable_procurement",
                "facility_energy",
            ),
        ),
        Theme(
            "care",
            (
                "Person-centred long-term care: {people} care workers upskilled",
                "Community care academy for {people} care workers and nurse assistants",
            ),
            "Modular training in person-centred care, infection control and first aid for care "
            "workers in residential and home care, with a recognised certificate after each "
            "module and places reserved for people returning to work.",
            (Principle.LIFELONG_LEARNING, Principle.EQUALITY),
            ("older_adult_care", "nurse_assistant", "community_health"),
            ("person_centred", "infection_control", "first_aid", "multidisciplinary"),
        ),
        Theme(
            "diagnostics",
            (
                "Imaging and laboratory upskilling for {people} technicians",
                "AI-assisted diagnostics: {people} radiographers and lab staff trained",
            ),
            "Training on new imaging equipment, laboratory data and the safe use of AI-assisted "
            "tools, run with equipment manufacturers and a university partner.",
            (Principle.LIFELONG_LEARNING, Principle.INTELLIGENCE, Principle.PARTNERSHIPS),
            ("radiographer", "lab_assistant", "device_technician"),
            ("imaging_equipment", "imaging_technology", "data_analytics", "ai_principles"),
        ),
        Theme(
            "data",
            (
                "Health data literacy for {people} clinicians and pharmacists",
                "Clinical informatics pathway: {people} professionals trained",
            ),
            "A pathway in health data: from recording and sharing clinical information safely "
            "to analysing it for better care, with a specialisation for future clinical "
            "informatics specialists.",
            (Principle.INTELLIGENCE, Principle.PARTNERSHIPS),
            ("clinical_informatics", "hospital_pharmacist", "nurse_practitioner"),
            ("health_data_systems", "medical_information", "health_informatics", "data_analytics"),
        ),
        Theme(
            "mentoring",
            (
                "Mentoring {people} newly qualified nurses and midwives",
                "Preceptorship for {people} new health professionals",
            ),
            "Every newly qualified nurse, midwife and physiotherapist gets a trained mentor for "
            "the first year, with a focus on quality standards and teamwork.",
            (Principle.LIFELONG_LEARNING, Principle.EQUALITY),
            ("nurse", "midwife", "physiotherapist"),
            ("mentoring", "quality_standards", "multidisciplinary", "person_centred"),
        ),
    ]
}
OTHER_THEMES = ["digital", "care", "green", "diagnostics", "data", "mentoring"]
# How many commitments each committing member makes, in turn.
COMMITMENTS_PER_MEMBER = (2, 1, 1, 3, 1)
# The year each member organisation's commitments were published, in turn (never before the
# organisation joined).
PUBLISHED_YEARS = (2021, 2022, 2023, 2022, 2024, 2025, 2021, 2023)

NARRATIVES = {
    ProgressStatus.ON_TRACK: (
        "{trained} people completed the training this year across {programmes} programmes; "
        "enrolment for next year is open.",
        "The programme ran as planned: {trained} staff trained, with good feedback from the "
        "wards and a waiting list for the next cohort.",
    ),
    ProgressStatus.DELAYED: (
        "Staff shortages delayed two cohorts; {trained} people were trained and the rest are "
        "scheduled for the first half of next year.",
        "Procurement of the training platform took longer than planned; {trained} people "
        "trained so far.",
    ),
    ProgressStatus.COMPLETED: (
        "The commitment reached its goal this year: {trained} more people trained, and the "
        "courses are now part of the regular training offer.",
    ),
    ProgressStatus.NOT_STARTED: (
        "Preparations only this year: curriculum and partners agreed, first cohort next year.",
    ),
    ProgressStatus.STOPPED: ("The programme was paused after a reorganisation of the service.",),
}
UMBRELLA_TITLES = {
    "digital": "Network-wide digital upskilling of {people} staff in member hospitals",
    "care": "Shared care academy: {people} care workers trained across our members",
}


@dataclass
class Seeded:
    """What `seed()` created, for the command's closing report."""

    commitments: Counter[str] = field(default_factory=Counter)
    windows: list[ReportingWindow] = field(default_factory=list)
    reports: Counter[str] = field(default_factory=Counter)
    inclusions: int = 0
    overlaps: list[str] = field(default_factory=list)

    def text(self) -> str:
        statuses = ", ".join(
            f"{status} {self.commitments[status]}"
            for status in Commitment.Status
            if self.commitments[status]
        )
        windows = ", ".join(
            f"{w.year} {'open' if w.is_open() else 'closed'}" for w in sorted(self.windows, key=str)
        )
        lines = [
            f"  commitments     {sum(self.commitments.values())} ({statuses})",
            f"  report windows  {windows}",
            f"  reports         {sum(self.reports.values())} (submitted "
            f"{self.reports['submitted']}, draft {self.reports['draft']}; "
            f"{self.inclusions} inclusions of other organisations' figures)",
        ]
        lines += [f"  overlap         {line}" for line in self.overlaps]
        return "\n".join(lines)


@dataclass
class _Plan:
    """A commitment before it is saved, with what its reports need."""

    commitment: Commitment
    theme: Theme
    yearly_people: int
    published_year: int | None
    reports_yearly: bool = True


class _Builder:
    def __init__(self, rng: random.Random, today: date, secretariat: User) -> None:
        self.rng = rng
        self.today = today
        self.now = datetime.combine(today, time(12, 0), tzinfo=BRUSSELS)
        self.secretariat = secretariat
        self.seeded = Seeded()
        self.contacts: dict[int, User] = {}
        self.concepts: dict[int, list[CommitmentConcept]] = {}

    # -- moments -----------------------------------------------------------------------------

    def _moment(self, start: date, end: date) -> datetime:
        """A working-hours moment between two days, never in the future."""
        end = min(end, self.today)
        days = max(0, (end - start).days)
        day = start + timedelta(days=self.rng.randint(0, days))
        hour = self.rng.randint(8, 17)
        moment = time(hour, self.rng.choice([0, 15, 30, 45]), tzinfo=BRUSSELS)
        return min(self.now, datetime.combine(day, moment))

    # -- windows -----------------------------------------------------------------------------

    def windows(self) -> dict[int, ReportingWindow]:
        """Past years closed (in the first quarter after the year, or earlier if that is not
        over yet), the current year open now; existing windows are kept as they are."""
        wanted: dict[int, tuple[date, date]] = {}
        for year in PAST_YEARS:
            closes = date(year + 1, 3, 31)
            if closes >= self.today:
                closes = self.today - timedelta(days=30 + 120 * (PAST_YEARS[-1] - year))
            wanted[year] = (closes - timedelta(days=75), closes)
        wanted[CURRENT_YEAR] = (self.today - timedelta(days=21), self.today + timedelta(days=60))
        windows: dict[int, ReportingWindow] = {}
        for year, (opens, closes) in wanted.items():
            window, _created = ReportingWindow.objects.get_or_create(
                year=year,
                defaults={
                    "opens_on": opens,
                    "closes_on": closes,
                    "reminder_days": [14, 3],
                    "reminders_sent": [14, 3] if closes < self.today else [],
                    "created_by": self.secretariat,
                },
            )
            windows[year] = window
        self.seeded.windows = list(windows.values())
        return windows

    # -- commitments -------------------------------------------------------------------------

    def plan(
        self,
        organisation: Organisation,
        theme: Theme,
        *,
        status: str,
        published_year: int | None,
        title: str = "",
        yearly_people: int | None = None,
    ) -> _Plan:
        rng = self.rng
        people = yearly_people or rng.choice([40, 60, 80, 120, 150, 200, 300, 450, 600])
        start = published_year or CURRENT_YEAR
        total = people * (TARGET_YEAR - start + 1)
        title = (title or rng.choice(theme.titles)).format(people=f"{total:,}")
        countries = [str(organisation.country)]
        if rng.random() < 0.25:
            countries.append(rng.choice(["AT", "BE", "FR", "IT", "NL", "PL", "PT", "SE"]))
        countries = sorted(set(countries))
        contact = self.contacts.get(organisation.pk)
        commitment = Commitment(
            organisation=organisation,
            title=title[:200],
            # A multiple CountryField takes a list of codes (the stubs see a CharField).
            countries=countries,  # type: ignore[misc]
            description=theme.description,
            principles=[p.value for p in Principle if p in theme.principles],
            regions=[organisation.nuts2] if organisation.nuts2 else [],
            status=status,
            created_by=contact,
            search_text=search_text(f"{title} {theme.description}"),
        )
        if status == Commitment.Status.PUBLISHED:
            assert published_year is not None
            joined = (
                organisation.joined_at.astimezone(BRUSSELS).date()
                if organisation.joined_at
                else None
            )
            start_day = date(published_year, 1, 15)
            if joined is not None:
                start_day = max(start_day, joined + timedelta(days=14))
            published = self._moment(start_day, date(published_year, 11, 30))
            commitment.submitted_at = published - timedelta(days=rng.randint(5, 30))
            commitment.published_at = published
        elif status == Commitment.Status.SUBMITTED:
            commitment.submitted_at = self.now - timedelta(days=rng.randint(2, 12), hours=3)
        return _Plan(commitment, theme, people, published_year)

    def save_commitments(self, plans: list[_Plan], partners: list[Organisation]) -> None:
        Commitment.objects.bulk_create([plan.commitment for plan in plans])
        concepts: list[CommitmentConcept] = []
        targets: list[CommitmentTarget] = []
        for plan in plans:
            commitment, theme, rng = plan.commitment, plan.theme, self.rng
            occupations = [theme.occupations[0]] + rng.sample(
                theme.occupations[1:], rng.randint(0, min(2, len(theme.occupations) - 1))
            )
            skills = rng.sample(theme.skills, rng.randint(2, min(4, len(theme.skills))))
            for kind, keys, catalogue in (
                (CommitmentConcept.Kind.OCCUPATION, occupations, OCCUPATIONS),
                (CommitmentConcept.Kind.SKILL, skills, SKILLS),
            ):
                for key in keys:
                    concept = catalogue[key]
                    concepts.append(
                        CommitmentConcept(
                            commitment=commitment,
                            kind=kind,
                            uri=concept.uri,
                            esco_version="local" if concept.is_local else ESCO_VERSION,
                            label=concept.label,
                            is_green=concept.is_green,
                            is_digital=concept.is_digital,
                            isco_major=concept.isco_major,
                        )
                    )
            start = plan.published_year or CURRENT_YEAR
            cost = rng.choice([250, 400, 600, 900])
            for year in range(start, TARGET_YEAR + 1):
                people = int(plan.yearly_people * (1 + 0.1 * (year - start)))
                targets.append(
                    CommitmentTarget(
                        commitment=commitment,
                        year=year,
                        people=people,
                        programmes=max(1, people // 120),
                        euros=round(people * cost, -3),
                    )
                )
            self.seeded.commitments[commitment.status] += 1
        CommitmentConcept.objects.bulk_create(concepts)
        CommitmentTarget.objects.bulk_create(targets)
        through = Commitment.partners.through
        links = []
        for index, plan in enumerate(plans):
            others = [p for p in partners if p.pk != plan.commitment.organisation_id]
            if others and index % 3 == 1:
                links.append(
                    through(
                        commitment_id=plan.commitment.pk, organisation_id=self.rng.choice(others).pk
                    )
                )
        through.objects.bulk_create(links)
        for plan in plans:
            commitment = plan.commitment
            created = (commitment.submitted_at or self.now) - timedelta(
                days=self.rng.randint(3, 40)
            )
            Commitment.objects.filter(pk=commitment.pk).update(
                created_at=created,
                updated_at=commitment.published_at or commitment.submitted_at or created,
            )

    # -- reports -----------------------------------------------------------------------------

    def report(
        self, plan: _Plan, window: ReportingWindow, *, status: str = ProgressReport.Status.SUBMITTED
    ) -> tuple[ProgressReport, list[ReportOccupation]]:
        """A report whose figures obey every rule of `services.report_save`."""
        rng = self.rng
        commitment = plan.commitment
        year = window.year
        assert plan.published_year is not None
        first_year = year == plan.published_year
        if first_year and rng.random() < 0.12:
            progress = ProgressStatus.NOT_STARTED
        elif year == PAST_YEARS[-1] and plan.published_year <= 2022 and rng.random() < 0.2:
            progress = ProgressStatus.COMPLETED
        else:
            progress = rng.choices(
                [ProgressStatus.ON_TRACK, ProgressStatus.DELAYED, ProgressStatus.STOPPED],
                weights=[76, 21, 3],
            )[0]
        share = {
            ProgressStatus.NOT_STARTED: 0.0,
            ProgressStatus.DELAYED: rng.uniform(0.25, 0.6),
            ProgressStatus.STOPPED: rng.uniform(0.0, 0.2),
        }.get(progress, rng.uniform(0.7, 1.2))
        growth = 1 + 0.1 * (year - plan.published_year)
        trained = int(plan.yearly_people * growth * share)
        report = ProgressReport(
            commitment=commitment,
            window=window,
            organisation=commitment.organisation,
            status=status,
            progress_status=progress,
            people_trained=trained,
            people_reached=trained + int(trained * rng.uniform(0.2, 2.0)),
            programmes=0 if not trained else rng.randint(1, 2 + trained // 150),
            stakeholders=0 if not trained else rng.randint(2, 14),
            euros=0 if not trained else round(trained * rng.randint(180, 900), -2),
            narrative=rng.choice(NARRATIVES[progress]),
            submitted_by=self.contacts.get(commitment.organisation_id),
        )
        report.narrative = report.narrative.format(trained=trained, programmes=report.programmes)
        if trained and rng.random() < 0.8:
            women = int(trained * rng.uniform(0.6, 0.82))
            other = 1 if trained > 150 and rng.random() < 0.3 else 0
            unknown = int(trained * rng.uniform(0.0, 0.05))
            report.trained_women = women
            report.trained_other_gender = other
            report.trained_gender_unknown = unknown
            report.trained_men = trained - women - other - unknown
        domain = commitment.organisation.website_domain
        if domain and trained and rng.random() < 0.6:
            report.evidence_links = [f"https://www.{domain}/skills/report-{year}.pdf"]
        if status == ProgressReport.Status.SUBMITTED:
            report.submitted_at = self._moment(window.opens_on, window.closes_on)
        figures: list[ReportOccupation] = []
        occupations = [c for c in self.concepts[commitment.pk] if c.kind == "occupation"]
        if trained and occupations and rng.random() < 0.5:
            left = trained
            for concept in occupations:
                people = int(left * rng.uniform(0.4, 0.7))
                left -= people
                figures.append(
                    ReportOccupation(
                        report=report, uri=concept.uri, label=concept.label, people_trained=people
                    )
                )
        return report, figures

    def save_reports(
        self, reports: list[tuple[ProgressReport, list[ReportOccupation]]]
    ) -> list[ProgressReport]:
        saved = ProgressReport.objects.bulk_create([report for report, _figures in reports])
        ReportOccupation.objects.bulk_create(
            [figure for _report, figures in reports for figure in figures]
        )
        for report in saved:
            moment = report.submitted_at or self.now - timedelta(days=2)
            ProgressReport.objects.filter(pk=report.pk).update(
                created_at=moment - timedelta(days=self.rng.randint(1, 20)), updated_at=moment
            )
            self.seeded.reports[report.status] += 1
        return saved

    def include(self, report: ProgressReport, organisation: Organisation, share: float) -> None:
        """Say that `share` of the report's figures belong to `organisation`."""
        report.includes_other_organisations = True
        report.save(update_fields=["includes_other_organisations"])
        ReportInclusion.objects.create(
            report=report,
            organisation=organisation,
            **{metric: int((getattr(report, metric) or 0) * share) for metric in METRICS},
        )
        self.seeded.inclusions += 1

    def load_concepts(self, plans: list[_Plan]) -> None:
        self.concepts = {plan.commitment.pk: [] for plan in plans}
        for concept in CommitmentConcept.objects.filter(
            commitment__in=[plan.commitment for plan in plans]
        ).order_by("commitment_id", "kind", "id"):
            self.concepts[concept.commitment_id].append(concept)


def _contacts() -> dict[int, User]:
    contacts: dict[int, User] = {}
    for affiliation in (
        Affiliation.objects.filter(role=Affiliation.Role.CONTACT)
        .select_related("user")
        .order_by("id")
    ):
        contacts.setdefault(affiliation.organisation_id, affiliation.user)
    return contacts


def seed(
    *,
    seed: int,
    flagship: Organisation,
    secretariat: User,
    today: date | None = None,
) -> Seeded:
    """Add the commitments, windows, reports and overlaps of the demo; the same `seed` and
    organisations give the same data."""
    builder = _Builder(random.Random(f"commitments-{seed}"), today or date.today(), secretariat)
    builder.contacts = _contacts()
    windows = builder.windows()
    members = list(
        Organisation.objects.filter(status=Organisation.Status.MEMBER)
        .exclude(pk=flagship.pk)
        .order_by("pk")
    )
    umbrellas: list[Organisation] = list(
        Organisation.objects.filter(status=Organisation.Status.MEMBER)
        .exclude(pk=flagship.pk)
        .annotate(
            members=Count(
                "network_members", filter=Q(network_members__status=Organisation.Status.MEMBER)
            )
        )
        .filter(members__gt=0)
        .order_by("-members", "pk")[:2]
    )
    umbrella_ids = {u.pk for u in umbrellas}
    network_of = {
        u.pk: [
            m
            for m in u.network_members.filter(status=Organisation.Status.MEMBER).order_by("pk")
            if m.pk != flagship.pk and m.pk not in umbrella_ids
        ]
        for u in umbrellas
    }
    # A member both umbrellas include and that does not report itself: their conflict.
    shared: Organisation | None = None
    if len(umbrellas) == 2:
        first, second = network_of[umbrellas[0].pk], network_of[umbrellas[1].pk]
        in_both = [m for m in first if m in second]
        if in_both:
            shared = in_both[0]
        elif first:
            shared = first[-1]
        if shared is not None and shared not in second:
            shared.networks.add(umbrellas[1])  # it joined the second network too
    # A member the first umbrella includes that also reports itself.
    # A member the first umbrella includes that also reports itself: the earliest to join, so
    # that it has reports in the closed years.
    candidates = (
        [m for m in network_of.get(umbrellas[0].pk, []) if m != shared] if umbrellas else []
    )
    self_reporting = min(candidates, key=lambda m: (m.joined_at or builder.now, m.pk), default=None)

    eligible = [m for m in members if m.pk not in umbrella_ids and m != shared]
    wanted = min(len(eligible), max(10, len(members) // 8))
    rest = [m for m in eligible if m != self_reporting]
    chosen = sorted(
        builder.rng.sample(rest, max(0, wanted - (1 if self_reporting else 0))), key=lambda o: o.pk
    )
    committing = ([self_reporting] if self_reporting else []) + chosen

    Status = Commitment.Status
    flagship_plans = [
        builder.plan(
            flagship,
            THEMES["digital"],
            status=Status.PUBLISHED,
            published_year=2021,
            title=THEMES["digital"].titles[0],
            yearly_people=120,
        ),
        builder.plan(
            flagship,
            THEMES["green"],
            status=Status.PUBLISHED,
            published_year=2023,
            title=THEMES["green"].titles[0],
            yearly_people=80,
        ),
        builder.plan(flagship, THEMES["data"], status=Status.DRAFT, published_year=None),
    ]
    umbrella_plans = [
        builder.plan(
            umbrella,
            THEMES[theme],
            status=Status.PUBLISHED,
            published_year=2022,
            title=UMBRELLA_TITLES[theme],
            yearly_people=900,
        )
        for umbrella, theme in zip(umbrellas, ("digital", "care"), strict=False)
    ]
    member_plans: list[_Plan] = []
    submitted_left = 2
    for index, organisation in enumerate(committing):
        joined = (
            organisation.joined_at.astimezone(BRUSSELS).year if organisation.joined_at else 2021
        )
        count = COMMITMENTS_PER_MEMBER[index % len(COMMITMENTS_PER_MEMBER)]
        for number in range(count):
            theme = THEMES[OTHER_THEMES[(index + number) % len(OTHER_THEMES)]]
            is_last = number == count - 1
            if is_last and index in (1, 2) and submitted_left:
                submitted_left -= 1
                member_plans.append(
                    builder.plan(organisation, theme, status=Status.SUBMITTED, published_year=None)
                )
                continue
            pattern = PUBLISHED_YEARS[(index + number) % len(PUBLISHED_YEARS)]
            year = min(CURRENT_YEAR, max(pattern if index else 2021, joined))
            member_plans.append(
                builder.plan(organisation, theme, status=Status.PUBLISHED, published_year=year)
            )
    plans = flagship_plans + umbrella_plans + member_plans
    builder.save_commitments(plans, partners=committing[:8] + [flagship])
    builder.load_concepts(plans)

    # Three closed years of submitted reports; in the open year, a few early ones and drafts.
    reports: list[tuple[ProgressReport, list[ReportOccupation]]] = []
    member_plan_ids = {id(plan) for plan in member_plans}
    for index, plan in enumerate(plans):
        if plan.commitment.status != Status.PUBLISHED:
            continue
        assert plan.published_year is not None
        for year in PAST_YEARS:
            # Now and then a member did not report on a year.
            skipped = id(plan) in member_plan_ids and (index + year) % 11 == 0
            if plan.published_year <= year and not skipped:
                reports.append(builder.report(plan, windows[year]))
        if id(plan) in member_plan_ids and index % 3 == 0 and plan.published_year < CURRENT_YEAR:
            reports.append(builder.report(plan, windows[CURRENT_YEAR]))
    draft, _figures = builder.report(
        flagship_plans[0], windows[CURRENT_YEAR], status=ProgressReport.Status.DRAFT
    )
    draft.stakeholders = draft.euros = None  # still to be filled in
    reports.append((draft, []))
    saved = builder.save_reports(reports)

    if umbrellas:
        _overlaps(builder, saved, umbrellas, umbrella_plans, network_of, shared, self_reporting)
    for year in {report.window.year for report in saved if report.status == "submitted"}:
        services.kpis_changed(year)
    return builder.seeded


def _overlaps(
    builder: _Builder,
    saved: list[ProgressReport],
    umbrellas: list[Organisation],
    umbrella_plans: list[_Plan],
    network_of: dict[int, list[Organisation]],
    shared: Organisation | None,
    self_reporting: Organisation | None,
) -> None:
    """The umbrellas' reports include members: one that reports itself, one that both include
    (settled by the secretariat in 2024, awaiting it in 2025)."""
    by_key: dict[tuple[int, int], ProgressReport] = {
        (report.commitment_id, report.window.year): report for report in saved
    }
    first = umbrella_plans[0].commitment
    for year in PAST_YEARS:
        report = by_key.get((first.pk, year))
        if report is None:
            continue
        if self_reporting is not None:
            builder.include(report, self_reporting, 0.12)
        if shared is not None:
            builder.include(report, shared, 0.08)
    if self_reporting is not None:
        both = sorted(
            {
                report.window.year
                for report in saved
                if report.organisation_id == self_reporting.pk
                and report.status == ProgressReport.Status.SUBMITTED
                and (first.pk, report.window.year) in by_key
            }
        )
        builder.seeded.overlaps.append(
            f"{umbrellas[0].legal_name} includes {self_reporting.legal_name}, which reports "
            f"itself ({', '.join(map(str, both)) or 'no year yet'})"
        )
    if len(umbrellas) < 2 or shared is None:
        return
    second = umbrella_plans[1].commitment
    others = [m for m in network_of[umbrellas[1].pk] if m != shared]
    for year in (2024, 2025):
        report = by_key.get((second.pk, year))
        if report is None:
            continue
        builder.include(report, shared, 0.1)
        if others:
            builder.include(report, others[0], 0.15)
    counted = by_key.get((first.pk, 2024))
    if counted is not None:
        OverlapResolution.objects.create(
            year=2024,
            organisation=shared,
            counted_report=counted,
            reason=(
                f"{shared.legal_name} confirmed that its staff trained under the "
                f"{umbrellas[0].legal_name} programme."
            ),
            decided_by=builder.secretariat,
        )
    builder.seeded.overlaps.append(
        f"{umbrellas[0].legal_name} and {umbrellas[1].legal_name} both include "
        f"{shared.legal_name} (2024 settled, 2025 awaiting the secretariat)"
    )
