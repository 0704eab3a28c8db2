"""Fill an empty database with a fictional health-ecosystem partnership to demonstrate and test.

`python -m skillspact seed_demo [--if-empty] [--organisations N] [--seed S]`

The data is built in bulk, not through the services: the services audit and e-mail every change
one row at a time, which is right for people and far too slow for 10,000 organisations. The
command keeps the rules the services keep (valid regions, unique slugs and domains, `left_at`
only when left, approved applications linked to their organisation) by construction.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import models, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from skillspact.accounts.models import User
from skillspact.commitments import demo_data as commitments_demo
from skillspact.consultations import demo_data as consultations_demo
from skillspact.credentials import demo_data as credentials_demo
from skillspact.events import demo_data as events_demo
from skillspact.intelligence import demo_data as intelligence_demo
from skillspact.organisations import demo_data, normalise, regions, selectors, services
from skillspact.organisations.models import (
    Affiliation,
    ApplicationMessage,
    Interest,
    MembershipApplication,
    Organisation,
    SizeBand,
    StakeholderType,
    WorkingGroup,
    WorkingGroupDocument,
    WorkingGroupMeeting,
    WorkingGroupMembership,
)
from skillspact.pathways import demo_data as pathways_demo
from skillspact.training import demo_data as training_demo

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published on purpose: it opens the demo
SECRETARIAT_EMAIL = "secretariat@demo.skillspact.eu"
CONTACT_EMAIL = "contact@demo.skillspact.eu"
WORKER_EMAIL = "worker@demo.skillspact.eu"

BRUSSELS = ZoneInfo("Europe/Brussels")
FIRST_JOIN = datetime(2021, 1, 4, 9, 0, tzinfo=BRUSSELS)
LAST_JOIN = datetime(2026, 10, 30, 17, 0, tzinfo=BRUSSELS)
BATCH_SIZE = 1000
NETWORK_COUNT = 10

# The first organisations take every stakeholder type once, so even a small seed shows them all.
TYPE_ORDER = [
    StakeholderType.HEALTHCARE_PROVIDER,
    *[value for value in StakeholderType if value != StakeholderType.HEALTHCARE_PROVIDER],
]
NETWORK_TYPES = (
    StakeholderType.PROFESSIONAL_ASSOCIATION,
    StakeholderType.SOCIAL_PARTNER_EMPLOYERS,
    StakeholderType.SOCIAL_PARTNER_TRADE_UNION,
    StakeholderType.CIVIL_SOCIETY,
)

# Size bands (micro, small, medium, large, none) by kind of organisation.
SIZE_WEIGHTS: dict[str, tuple[int, int, int, int, int]] = {
    "hospital": (0, 5, 30, 62, 3),
    "vet": (2, 30, 55, 10, 3),
    "university": (0, 0, 15, 82, 3),
    "national": (0, 5, 35, 57, 3),
    "regional": (0, 5, 40, 52, 3),
    "local": (5, 35, 45, 12, 3),
    "research": (5, 40, 40, 12, 3),
    "medtech": (15, 35, 30, 17, 3),
    "digital": (30, 45, 17, 5, 3),
}
DEFAULT_SIZE_WEIGHTS = (25, 45, 20, 7, 3)
SIZES = [SizeBand.MICRO, SizeBand.SMALL, SizeBand.MEDIUM, SizeBand.LARGE, ""]
ACRONYM_CHANCE = {
    "university": 0.6,
    "national": 0.7,
    "regional": 0.4,
    "research": 0.5,
    "association": 0.6,
    "employers": 0.6,
    "union": 0.6,
}

ALL_TYPES = [str(value) for value in StakeholderType]
TYPE_WEIGHTS = [demo_data.TYPE_WEIGHTS[value] for value in StakeholderType]

PHRASES = {item.slug: item.phrase for item in demo_data.INTERESTS}

# The demo contact's organisation.
FLAGSHIP = {
    "legal_name": "Universitätsklinikum Nordheide",
    "place": "Nordheide",
    "acronym": "UKN",
    "nuts2": "DE93",
    "size_band": SizeBand.LARGE,
}

T = TypeVar("T")


class Command(BaseCommand):
    help = "Load a fictional Pact for Skills health partnership: members, people, applications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database has any organisation or person already",
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=300,
            metavar="N",
            help="how many organisations to create (default 300)",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed; the same seed gives the same data"
        )
        parser.add_argument(
            "--job-ads",
            type=int,
            default=50_000,
            metavar="N",
            help="how many synthetic job ads to create (default 50,000)",
        )
        parser.add_argument(
            "--survey-responses",
            type=int,
            default=4_000,
            metavar="N",
            help="how many synthetic survey responses to create over both waves (default 4,000)",
        )

    def handle(
        self,
        *args: Any,
        if_empty: bool,
        organisations: int,
        seed: int,
        job_ads: int,
        survey_responses: int,
        **options: Any,
    ) -> None:
        if organisations < 1:
            raise CommandError("--organisations must be at least 1.")
        if if_empty and (Organisation.objects.exists() or User.objects.exists()):
            self.stdout.write("database already has data; demo data not loaded")
            return
        if User.objects.filter(email__in=[SECRETARIAT_EMAIL, CONTACT_EMAIL, WORKER_EMAIL]).exists():
            raise CommandError("The demo logins exist already: the demo data is loaded.")
        progress = Progress(self.stderr, is_shown=options["verbosity"] > 0 and self.stderr.isatty())
        with transaction.atomic():
            summary = DemoBuilder(random.Random(seed), progress).build(organisations)
            summary.commitments = commitments_demo.seed(
                seed=seed,
                flagship=Organisation.objects.get(affiliations__user__email=CONTACT_EMAIL),
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
            ).text()
            summary.consultations = consultations_demo.seed(
                seed=seed,
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
                worker=User.objects.filter(email=WORKER_EMAIL).first(),
            ).text()
            summary.events = events_demo.seed(
                seed=seed,
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
                worker=User.objects.filter(email=WORKER_EMAIL).first(),
                contact_organisation=Organisation.objects.filter(
                    affiliations__user__email=CONTACT_EMAIL
                ).first(),
            ).text()
            summary.training = training_demo.seed(
                seed=seed,
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
                contact_organisation=Organisation.objects.filter(
                    affiliations__user__email=CONTACT_EMAIL
                ).first(),
            ).text()
            summary.credentials = credentials_demo.seed(
                seed=seed,
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
                worker=User.objects.filter(email=WORKER_EMAIL).first(),
            ).text()
            summary.pathways = pathways_demo.seed(
                seed=seed,
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
                worker=User.objects.filter(email=WORKER_EMAIL).first(),
            ).text()
            summary.intelligence = intelligence_demo.seed(
                seed=seed,
                secretariat=User.objects.get(email=SECRETARIAT_EMAIL),
                stdout=None,
                job_ads=job_ads,
                responses=survey_responses,
            ).text()
        progress.finish()
        selectors.directory_stats_forget()
        self.stdout.write(summary.text(seed))


class Progress:
    """A percentage on one terminal line, rewritten in place; silent when not on a terminal."""

    def __init__(self, stream: OutputWrapper, *, is_shown: bool) -> None:
        self.stream = stream
        self.is_shown = is_shown
        self.percent = -1

    def show(self, fraction: float) -> None:
        percent = min(100, int(fraction * 100))
        if self.is_shown and percent != self.percent:
            self.percent = percent
            self.stream.write(f"\rloading demo data: {percent:3d}%", style_func=str, ending="")
            self.stream.flush()

    def finish(self) -> None:
        if self.is_shown and self.percent >= 0:
            self.stream.write("\r" + " " * 30 + "\r", style_func=str, ending="")
            self.stream.flush()


@dataclass
class Summary:
    """What the seed created, for the closing report."""

    organisations: int = 0
    members: int = 0
    left: int = 0
    listed: int = 0
    network_links: int = 0
    networks: int = 0
    people: int = 0
    affiliations: int = 0
    interests: int = 0
    applications: Counter[str] = field(default_factory=Counter)
    groups: int = 0
    group_memberships: int = 0
    meetings: int = 0
    documents: int = 0
    commitments: str = ""  # the lines of `commitments.demo_data.Seeded.text()`
    consultations: str = ""  # the lines of `consultations.demo_data.Seeded.text()`
    events: str = ""  # the lines of `events.demo_data.Seeded.text()`
    training: str = ""  # the lines of `training.demo_data.Seeded.text()`
    credentials: str = ""  # the line of `credentials.demo_data.Seeded.text()`
    pathways: str = ""  # the lines of `pathways.demo_data.Seeded.text()`
    intelligence: str = ""  # the lines of `intelligence.demo_data.Seeded.text()`

    def text(self, seed: int) -> str:
        states = ", ".join(
            f"{status} {self.applications[status]}" for status in MembershipApplication.Status
        )
        return "\n".join(
            [
                f"Demo data loaded (seed {seed}):",
                f"  organisations   {self.organisations} ({self.members} members, "
                f"{self.left} former; {self.listed} listed)",
                f"  networks        {self.networks}, with {self.network_links} member links",
                f"  people          {self.people} ({self.affiliations} affiliations)",
                f"  interests       {self.interests}",
                f"  applications    {sum(self.applications.values())} ({states})",
                f"  working groups  {self.groups} ({self.group_memberships} members, "
                f"{self.meetings} meetings, {self.documents} documents)",
                *([self.commitments] if self.commitments else []),
                *([self.consultations] if self.consultations else []),
                *([self.events] if self.events else []),
                *([self.training] if self.training else []),
                *([self.credentials] if self.credentials else []),
                *([self.pathways] if self.pathways else []),
                *([self.intelligence] if self.intelligence else []),
                f"Demo logins, all with the password {DEMO_PASSWORD}:",
                f"  {SECRETARIAT_EMAIL}  secretariat and admin",
                f"  {CONTACT_EMAIL}      contact of a member organisation",
                f"  {WORKER_EMAIL}       health worker",
            ]
        )


@dataclass
class Plan:
    """One organisation before it is saved, with what it needs after."""

    organisation: Organisation
    interests: list[str]  # slugs


class DemoBuilder:
    """Builds the demo partnership with one random generator, so a seed always gives the same."""

    def __init__(self, rng: random.Random, progress: Progress) -> None:
        self.rng = rng
        self.progress = progress
        self.now = timezone.now()
        self.last_join = min(LAST_JOIN, self.now - timedelta(days=1))
        self.summary = Summary()
        self.password_hash = make_password(DEMO_PASSWORD)
        # Existing rows, so that a seed into a database with data does not collide with them.
        self.names: set[str] = set(Organisation.objects.values_list("legal_name", flat=True))
        self.slugs: set[str] = set(Organisation.objects.values_list("slug", flat=True))
        self.domains: set[str] = set(Organisation.objects.values_list("website_domain", flat=True))
        self.emails: set[str] = {
            email.lower() for email in User.objects.values_list("email", flat=True)
        }
        self.refs: set[str] = set()
        self.interests: dict[str, Interest] = {}
        self.plans: list[Plan] = []
        self.network_plans: list[Plan] = []

    # -- the whole -----------------------------------------------------------------------------

    def build(self, count: int) -> Summary:
        self.interests = self._interests()
        secretariat, contact, _worker = self._demo_people()
        self.progress.show(0.02)
        plans = self._plan_organisations(count)
        self.progress.show(0.25)
        organisations = self._save_organisations(plans)
        self.progress.show(0.45)
        self._save_networks(organisations)
        people = self._save_people(organisations, flagship_contact=contact)
        self.progress.show(0.85)
        self._save_applications(
            organisations, people, secretariat=secretariat, flagship_contact=contact
        )
        self.progress.show(0.9)
        self._save_working_groups(organisations, secretariat=secretariat)
        self.progress.show(1.0)
        return self.summary

    # -- areas of interest and the demo logins -------------------------------------------------

    def _interests(self) -> dict[str, Interest]:
        existing = {interest.slug: interest for interest in Interest.objects.all()}
        missing = [
            Interest(slug=item.slug, name=item.name)
            for item in demo_data.INTERESTS
            if item.slug not in existing
        ]
        Interest.objects.bulk_create(missing)
        self.summary.interests = len(demo_data.INTERESTS)
        return {interest.slug: interest for interest in Interest.objects.all()}

    def _demo_people(self) -> tuple[User, User, User]:
        def person(email: str, full_name: str, **flags: bool) -> User:
            user = User(
                email=email,
                full_name=full_name,
                password=self.password_hash,
                has_confirmed_email=True,
                date_joined=FIRST_JOIN,
                **flags,
            )
            user.save()
            self.emails.add(email)
            self.summary.people += 1
            return user

        return (
            person(
                SECRETARIAT_EMAIL,
                "Sofia Marques",
                is_secretariat=True,
                is_staff=True,
                is_superuser=True,
            ),
            person(CONTACT_EMAIL, "Lukas Weber"),
            person(WORKER_EMAIL, "Ana Novak"),
        )

    # -- organisations -------------------------------------------------------------------------

    def _countries(self, count: int) -> list[str]:
        """`count` country codes: a few for every country, the rest by population.

        The first is Germany, for the demo contact's university hospital.
        """
        count -= 1
        codes = sorted(demo_data.COUNTRIES)
        floor = min(3, count // len(codes))
        allocation = dict.fromkeys(codes, floor)
        rest = count - floor * len(codes)
        total = sum(data.population for data in demo_data.COUNTRIES.values())
        shares = {
            code: rest * data.population / total for code, data in demo_data.COUNTRIES.items()
        }
        for code in codes:
            allocation[code] += int(shares[code])
        # Largest remainders take the seats rounding left over.
        leftover = count - sum(allocation.values())
        for code in sorted(codes, key=lambda code: shares[code] - int(shares[code]))[::-1][
            :leftover
        ]:
            allocation[code] += 1
        countries = [code for code in codes for _ in range(allocation[code])]
        self.rng.shuffle(countries)
        return ["DE", *countries]

    def _joined_at(self, *, early: bool = False) -> datetime:
        # More members join each year than the year before: the member line rises ever faster.
        span = (self.last_join - FIRST_JOIN).total_seconds()
        fraction = self.rng.random() * 0.1 if early else self.rng.random() ** 0.6
        moment = FIRST_JOIN + timedelta(seconds=int(span * fraction))
        return moment.replace(
            hour=self.rng.randint(8, 17), minute=self.rng.choice([0, 15, 30, 45]), second=0
        )

    def _unique(self, base: str, taken: set[str], joiner: str = "-") -> str:
        value, number = base, 2
        while value in taken:
            value = f"{base}{joiner}{number}"
            number += 1
        taken.add(value)
        return value

    def _name(self, stakeholder_type: str, country: str) -> tuple[str, str]:
        """A name no other organisation has, and the place it names (or "")."""
        for attempt in range(8):
            name, place = demo_data.organisation_name(
                self.rng, stakeholder_type, country, qualify=attempt >= 4
            )
            if name not in self.names:
                self.names.add(name)
                return name, place
        return self._unique(name, self.names, joiner=" "), place

    def _region(self, country: str, place: str) -> str:
        """The region of a real place, a random region of the country otherwise, or rarely ""."""
        code = demo_data.PLACE_REGIONS.get(place, "")
        if code and regions.is_valid_region(code, country):
            return code
        country_regions = regions.regions_for_country(country)
        if not country_regions or self.rng.random() < 0.04:
            return ""
        return self.rng.choice(country_regions).code

    def _random_type(self) -> str:
        return self.rng.choices(ALL_TYPES, weights=TYPE_WEIGHTS)[0]

    def _kind(self, stakeholder_type: str) -> str:
        return demo_data.INDUSTRY_KIND.get(stakeholder_type) or demo_data.KIND_OF_TYPE.get(
            stakeholder_type, "other"
        )

    def _ref(self, year: int) -> str:
        while True:
            ref = f"PfS-{year}-{self.rng.randint(1, 99_999):05d}"
            if ref not in self.refs:
                self.refs.add(ref)
                return ref

    def _profile(
        self, stakeholder_type: str, country: str, *, fixed: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """The fields an organisation and an application share, filled in plausibly.

        `fixed` gives the name, place, acronym, region or size instead of drawing them.
        """
        rng = self.rng
        fixed = fixed or {}
        kind = self._kind(stakeholder_type)
        name, place = (
            (fixed["legal_name"], fixed.get("place", ""))
            if "legal_name" in fixed
            else self._name(stakeholder_type, country)
        )
        self.names.add(name)
        acronym = demo_data.acronym_of(name) if rng.random() < ACRONYM_CHANCE.get(kind, 0.2) else ""
        acronym = fixed.get("acronym", acronym)
        nuts2 = fixed.get("nuts2") or self._region(country, place)
        size = rng.choices(SIZES, weights=SIZE_WEIGHTS.get(kind, DEFAULT_SIZE_WEIGHTS))[0]
        size = fixed.get("size_band", size)
        short = demo_data.slug_of(f"{acronym} {place}" if acronym else name, 40)
        domain, number = f"{short}.example", 2
        while domain in self.domains:
            domain, number = f"{short}-{number}.example", number + 1
        self.domains.add(domain)
        website = f"https://www.{domain}" if rng.random() < 0.7 else f"https://{domain}"
        preferred = demo_data.PREFERRED_INTERESTS.get(kind, ())
        interests: list[str] = []
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4])):
            pool = preferred if preferred and rng.random() < 0.7 else list(self.interests)
            choice = rng.choice(pool)
            if choice not in interests and choice in self.interests:
                interests.append(choice)
        return {
            "legal_name": name,
            "acronym": acronym,
            "stakeholder_type": stakeholder_type,
            "country": country,
            "nuts2": nuts2,
            "size_band": size,
            "website": website,
            "website_domain": normalise.website_domain(website),
            "description": self._description(kind, country, nuts2, interests),
            "interests": interests,
        }

    def _description(self, kind: str, country: str, nuts2: str, interests: list[str]) -> str:
        rng = self.rng
        country_name = demo_data.COUNTRIES[country].name
        # "Prov. Namur" reads "Namur" and "Centro (PT)" reads "Centro" in a sentence.
        region = regions.region_name(nuts2).removeprefix("Prov. ").split(" (")[0] or country_name
        topics = [PHRASES[slug] for slug in interests] or [PHRASES["digital-health"]]
        second = topics[-1] if len(topics) > 1 else PHRASES["cpd"]
        first = topics[0] if topics[0] != second else PHRASES["digital-health"]
        sentences = [
            rng.choice(demo_data.WHAT_IT_IS[kind]).format(region=region, country=country_name)
        ]
        if rng.random() < 0.9:
            sentences.append(rng.choice(demo_data.WHAT_IT_DOES).format(first=first, second=second))
        if rng.random() < 0.4:
            count = rng.choice([60, 120, 250, 400, 800, 1500])
            sentences.append(rng.choice(demo_data.WHAT_IT_PLEDGED).format(count=count))
        return " ".join(sentences)

    def _plan_organisations(self, count: int) -> list[Plan]:
        rng = self.rng
        countries = self._countries(count)
        plans: list[Plan] = []
        for index, country in enumerate(countries):
            # The first organisations take every type once; the rest follow the weights.
            stakeholder_type = TYPE_ORDER[index] if index < len(TYPE_ORDER) else self._random_type()
            profile = self._profile(
                stakeholder_type, country, fixed=FLAGSHIP if index == 0 else None
            )
            interests = profile.pop("interests")
            joined_at = (
                datetime(2021, 3, 15, 10, 0, tzinfo=BRUSSELS) if index == 0 else self._joined_at()
            )
            slug = self._unique(demo_data.slug_of(profile["legal_name"], 80), self.slugs)
            organisation = Organisation(
                **profile,
                slug=slug,
                status=Organisation.Status.MEMBER,
                is_listed=index == 0 or rng.random() < 0.9,
                joined_at=joined_at,
                pact_registration_ref=self._ref(joined_at.year - rng.choice([0, 0, 1])),
                search_text=normalise.search_text(
                    profile["legal_name"], profile["acronym"], profile["description"]
                ),
            )
            plans.append(Plan(organisation, interests))
            if index % 500 == 0:
                self.progress.show(0.02 + 0.23 * index / count)
        self._choose_networks(plans)
        self._choose_leavers(plans)
        return plans

    def _choose_networks(self, plans: list[Plan]) -> None:
        """Umbrella networks are associations that joined early; others belong to them."""
        candidates = sorted(
            (plan for plan in plans[1:] if plan.organisation.stakeholder_type in NETWORK_TYPES),
            key=lambda plan: NETWORK_TYPES.index(plan.organisation.stakeholder_type),
        )
        self.network_plans = candidates[:NETWORK_COUNT]
        for plan in self.network_plans:
            joined_at = self._joined_at(early=True)
            plan.organisation.joined_at = joined_at
            plan.organisation.pact_registration_ref = self._ref(joined_at.year)
            plan.organisation.is_listed = True

    def _choose_leavers(self, plans: list[Plan]) -> None:
        networks = {id(plan) for plan in self.network_plans}
        candidates = [
            plan
            for plan in plans[1:]
            if id(plan) not in networks
            and plan.organisation.joined_at is not None
            and plan.organisation.joined_at < self.now - timedelta(days=120)
        ]
        wanted = min(max(5, len(plans) // 60), max(0, (len(plans) - 1) // 4), len(candidates))
        for plan in self.rng.sample(candidates, wanted):
            organisation = plan.organisation
            assert organisation.joined_at is not None
            stayed = (self.now - organisation.joined_at).days - 30
            organisation.status = Organisation.Status.LEFT
            organisation.left_at = organisation.joined_at + timedelta(
                days=self.rng.randint(min(60, stayed), stayed), hours=self.rng.randint(0, 8)
            )

    def _save_organisations(self, plans: list[Plan]) -> list[Organisation]:
        organisations = [plan.organisation for plan in plans]
        saved: list[Organisation] = []
        for batch in _batches(organisations, BATCH_SIZE):
            saved += Organisation.objects.bulk_create(batch)
            self.progress.show(0.25 + 0.12 * len(saved) / len(organisations))
        _require_pks(saved)
        Organisation.objects.filter(
            pk__gte=saved[0].pk, pk__lte=saved[-1].pk, created_at__gte=self.now
        ).update(created_at=F("joined_at"), updated_at=Coalesce("left_at", "joined_at"))
        through = Organisation.interests.through
        through.objects.bulk_create(
            (
                through(organisation_id=plan.organisation.pk, interest_id=self.interests[slug].pk)
                for plan in plans
                for slug in plan.interests
            ),
            batch_size=BATCH_SIZE,
        )
        self.plans = plans
        self.summary.organisations = len(saved)
        self.summary.left = sum(1 for org in saved if org.status == Organisation.Status.LEFT)
        self.summary.members = len(saved) - self.summary.left
        self.summary.listed = sum(1 for org in saved if org.is_listed and org.is_member)
        return saved

    def _save_networks(self, organisations: list[Organisation]) -> None:
        networks = [plan.organisation for plan in self.network_plans]
        if not networks:
            return
        network_ids = {network.pk for network in networks}
        through = Organisation.networks.through
        links = []
        for organisation in organisations:
            if organisation.pk in network_ids or self.rng.random() >= 0.3:
                continue
            weights = [4 if net.country == organisation.country else 1 for net in networks]
            chosen = {
                net.pk for net in self.rng.choices(networks, weights, k=self.rng.choice([1, 1, 2]))
            }
            links += [
                through(from_organisation_id=organisation.pk, to_organisation_id=network_id)
                for network_id in sorted(chosen)
            ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)
        self.summary.networks = len(networks)
        self.summary.network_links = len(links)

    # -- people --------------------------------------------------------------------------------

    def _email(self, full_name: str, domain: str) -> str:
        local = ".".join(
            re.sub(r"[^a-z0-9]+", "", demo_data.ascii_fold(part).lower())
            for part in full_name.split(" ", 1)
        )
        email, number = f"{local}@{domain}", 2
        while email in self.emails:
            email, number = f"{local}{number}@{domain}", number + 1
        self.emails.add(email)
        return email

    def _person(self, country: str, domain: str, joined: datetime) -> User:
        full_name = demo_data.person_name(self.rng, country)
        return User(
            email=self._email(full_name, domain),
            full_name=full_name,
            # Only the three demo logins can sign in; the others are there to be seen.
            password=f"{UNUSABLE_PASSWORD_PREFIX}{self.rng.getrandbits(128):032x}",
            has_confirmed_email=True,
            date_joined=joined - timedelta(days=self.rng.randint(1, 20)),
        )

    def _save_people(
        self, organisations: list[Organisation], *, flagship_contact: User
    ) -> dict[int, list[User]]:
        """Contacts (and some members) of every organisation; returns contacts by organisation."""
        users: list[User] = []
        roles: list[tuple[int, int, str]] = []  # (organisation index, user index, role)
        for index, organisation in enumerate(organisations):
            assert organisation.joined_at is not None
            contacts = 1 if index == 0 else self.rng.choice([1, 1, 2])
            members = 1 if index == 0 or self.rng.random() < 0.3 else 0
            for role, number in (
                (Affiliation.Role.CONTACT, contacts),
                (Affiliation.Role.MEMBER, members),
            ):
                for _ in range(number):
                    if index == 0 and role == Affiliation.Role.CONTACT:
                        roles.append((index, -1, role))  # the demo contact, saved already
                        continue
                    users.append(
                        self._person(
                            str(organisation.country),
                            organisation.website_domain,
                            organisation.joined_at,
                        )
                    )
                    roles.append((index, len(users) - 1, role))
        saved: list[User] = []
        for batch in _batches(users, BATCH_SIZE):
            saved += User.objects.bulk_create(batch)
            self.progress.show(0.45 + 0.3 * len(saved) / max(1, len(users)))
        _require_pks(saved)
        contacts_by_org: dict[int, list[User]] = {}
        affiliations = []
        for org_index, user_index, role_name in roles:
            user = flagship_contact if user_index < 0 else saved[user_index]
            organisation = organisations[org_index]
            affiliations.append(Affiliation(organisation=organisation, user=user, role=role_name))
            if role_name == Affiliation.Role.CONTACT:
                contacts_by_org.setdefault(organisation.pk, []).append(user)
        Affiliation.objects.bulk_create(affiliations, batch_size=BATCH_SIZE)
        self.summary.people += len(saved)
        self.summary.affiliations = len(affiliations)
        return contacts_by_org

    # -- membership applications ---------------------------------------------------------------

    def _save_applications(
        self,
        organisations: list[Organisation],
        contacts: dict[int, list[User]],
        *,
        secretariat: User,
        flagship_contact: User,
    ) -> None:
        rng = self.rng
        Status = MembershipApplication.Status
        Kind = ApplicationMessage.Kind
        # (application, its interests, when it was started)
        applications: list[tuple[MembershipApplication, list[str], datetime]] = []
        # (application index, kind, author, text, when)
        messages: list[tuple[int, str, User | None, str, datetime]] = []

        def add(application: MembershipApplication, interests: list[str], started: datetime) -> int:
            applications.append((application, interests, started))
            return len(applications) - 1

        # Approved: the application each of a few members once made, the demo contact's first.
        network_pks = {plan.organisation.pk for plan in self.network_plans}
        members = [
            org
            for org in organisations[1:]
            if org.is_member and org.pk in contacts and org.pk not in network_pks
        ]
        approved = [organisations[0], *rng.sample(members, min(len(members), rng.randint(2, 4)))]
        by_pk = {plan.organisation.pk: plan for plan in self.plans}
        for organisation in approved:
            assert organisation.joined_at is not None
            applicant = (
                flagship_contact
                if organisation.pk == organisations[0].pk
                else contacts[organisation.pk][0]
            )
            decided = organisation.joined_at
            submitted = decided - timedelta(days=rng.randint(3, 25), hours=rng.randint(1, 6))
            application = MembershipApplication(
                **{name: getattr(organisation, name) for name in services.PROFILE_FIELDS},
                applicant=applicant,
                status=Status.APPROVED,
                pact_registration_ref=organisation.pact_registration_ref,
                has_consented_to_charter=True,
                motivation=rng.choice(demo_data.APPLICATION_MOTIVATIONS),
                website_domain=organisation.website_domain,
                submitted_at=submitted,
                decided_at=decided,
                decided_by=secretariat,
                organisation=organisation,
            )
            text = rng.choice(demo_data.APPROVAL_MESSAGES)
            application.decision_reason = "" if text.startswith("Approved.") else text
            index = add(
                application, by_pk[organisation.pk].interests, submitted - timedelta(days=2)
            )
            messages.append((index, Kind.DECISION, secretariat, text, decided))

        # The other states are organisations that are not members (yet).
        for status in (
            Status.DRAFT,
            Status.SUBMITTED,
            Status.INFO_REQUESTED,
            Status.REJECTED,
            Status.WITHDRAWN,
        ):
            for number in range(rng.randint(3, 5)):
                application, interests, started = self._new_application(status, number, secretariat)
                index = add(application, interests, started)
                messages += self._application_messages(index, application, number, secretariat)

        saved = MembershipApplication.objects.bulk_create([app for app, _, _ in applications])
        _require_pks(saved)
        through = MembershipApplication.interests.through
        through.objects.bulk_create(
            through(membershipapplication_id=app.pk, interest_id=self.interests[slug].pk)
            for app, slugs, _ in applications
            for slug in slugs
        )
        _backdate(
            MembershipApplication,
            {app.pk: started for app, (_, _, started) in zip(saved, applications, strict=True)},
            {
                app.pk: app.decided_at or app.submitted_at or started
                for app, (_, _, started) in zip(saved, applications, strict=True)
            },
        )
        saved_messages = ApplicationMessage.objects.bulk_create(
            ApplicationMessage(application=saved[index], author=author, kind=kind, text=text)
            for index, kind, author, text, _when in messages
        )
        _require_pks(saved_messages)
        _backdate(
            ApplicationMessage,
            {msg.pk: when for msg, (*_, when) in zip(saved_messages, messages, strict=True)},
            fields=("created_at",),
        )
        self.summary.applications = Counter(str(app.status) for app in saved)
        self.summary.people += sum(1 for app in saved if app.status != Status.APPROVED)

    def _new_application(
        self, status: str, number: int, secretariat: User
    ) -> tuple[MembershipApplication, list[str], datetime]:
        rng = self.rng
        Status = MembershipApplication.Status
        countries = list(demo_data.COUNTRIES)
        country = rng.choices(
            countries, weights=[demo_data.COUNTRIES[code].population for code in countries]
        )[0]
        stakeholder_type = self._random_type()
        profile = self._profile(stakeholder_type, country)
        interests = profile.pop("interests")
        # Recent for open applications; spread over the last two years for decided ones.
        days_ago = rng.randint(10, 45) if status != Status.REJECTED else rng.randint(20, 700)
        submitted = self.now.replace(second=0, microsecond=0) - timedelta(
            days=days_ago, hours=rng.randint(0, 9)
        )
        applicant = self._person(country, profile["website_domain"], submitted)
        applicant.save()
        is_complete = status != Status.DRAFT or number % 2 == 0
        application = MembershipApplication(
            **profile,
            applicant=applicant,
            status=status,
            pact_registration_ref=self._ref(submitted.year) if is_complete else "",
            has_consented_to_charter=is_complete,
            motivation=rng.choice(demo_data.APPLICATION_MOTIVATIONS) if is_complete else "",
            submitted_at=None
            if status == Status.DRAFT or (status == Status.WITHDRAWN and number == 0)
            else submitted,
        )
        if status == Status.DRAFT and number == 1:
            application.nuts2 = ""
            application.description = ""
        if status == Status.REJECTED:
            application.decided_at = submitted + timedelta(days=rng.randint(3, 15))
            application.decided_by = secretariat
            application.decision_reason = demo_data.REJECTION_REASONS[
                number % len(demo_data.REJECTION_REASONS)
            ]
        return application, interests, submitted - timedelta(days=rng.randint(1, 4))

    def _application_messages(
        self, index: int, application: MembershipApplication, number: int, secretariat: User
    ) -> list[tuple[int, str, User | None, str, datetime]]:
        rng = self.rng
        Status = MembershipApplication.Status
        Kind = ApplicationMessage.Kind
        submitted = application.submitted_at
        if submitted is None:
            return []
        asked_at = submitted + timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 5))
        question = rng.choice(demo_data.INFO_REQUESTS)
        if application.status == Status.INFO_REQUESTED:
            return [(index, Kind.INFO_REQUEST, secretariat, question, asked_at)]
        if application.status == Status.SUBMITTED and number == 0:
            # Asked for more, answered and sent again: the message thread of a resubmission.
            replied_at = asked_at + timedelta(days=rng.randint(1, 3))
            application.submitted_at = replied_at
            reply = rng.choice(demo_data.INFO_REPLIES)
            return [
                (index, Kind.INFO_REQUEST, secretariat, question, asked_at),
                (index, Kind.REPLY, application.applicant, reply, replied_at),
            ]
        if application.status == Status.REJECTED:
            assert application.decided_at is not None
            reason, decided = application.decision_reason, application.decided_at
            return [(index, Kind.DECISION, secretariat, reason, decided)]
        if application.status == Status.WITHDRAWN and number == 1:
            reply = rng.choice(demo_data.WITHDRAWAL_REPLIES)
            return [(index, Kind.REPLY, application.applicant, reply, asked_at)]
        return []

    # -- working groups ------------------------------------------------------------------------

    def _save_working_groups(self, organisations: list[Organisation], *, secretariat: User) -> None:
        rng = self.rng
        taken = set(WorkingGroup.objects.values_list("slug", flat=True))
        members = [org for org in organisations if org.is_member]
        interests_of = {plan.organisation.pk: set(plan.interests) for plan in self.plans}
        for number, data in enumerate(demo_data.WORKING_GROUPS):
            started = datetime(2023, 2, 1, 10, 0, tzinfo=BRUSSELS) + timedelta(days=150 * number)
            group = WorkingGroup.objects.create(
                name=data.name,
                slug=self._unique(data.slug, taken),
                description=data.description,
            )
            # Members interested in the group's theme first, then anyone.
            keen = [org for org in members if interests_of[org.pk] & set(data.interests)]
            others = [org for org in members if not interests_of[org.pk] & set(data.interests)]
            size = min(len(members), rng.randint(10, 40))
            chosen = rng.sample(keen, min(len(keen), size * 3 // 4))
            chosen += rng.sample(others, min(len(others), size - len(chosen)))
            memberships = WorkingGroupMembership.objects.bulk_create(
                WorkingGroupMembership(group=group, organisation=org) for org in chosen
            )
            _require_pks(memberships)
            _backdate(
                WorkingGroupMembership,
                {
                    membership.pk: self._between(max(started, org.joined_at or started), days=90)
                    for membership, org in zip(memberships, chosen, strict=True)
                },
                fields=("joined_at",),
            )
            meetings = self._save_meetings(group, number, data)
            for title, file_name in data.documents[: rng.randint(1, len(data.documents))]:
                self._save_document(group, title, file_name, secretariat)
            _backdate(WorkingGroup, {group.pk: started}, {group.pk: started})
            self.summary.groups += 1
            self.summary.group_memberships += len(memberships)
            self.summary.meetings += meetings

    def _between(self, start: datetime, *, days: int) -> datetime:
        """A moment up to `days` after `start`, but not in the future."""
        end = min(self.now, start + timedelta(days=days))
        return start + (end - start) * self.rng.random() if end > start else start

    def _save_meetings(
        self, group: WorkingGroup, number: int, data: demo_data.WorkingGroupData
    ) -> int:
        rng = self.rng
        count = rng.randint(1, min(3, len(data.meetings)))
        created: dict[int, datetime] = {}
        for index, title in enumerate(data.meetings[:count]):
            # Alternate, so that every seed has past and upcoming meetings.
            is_past = (number + index) % 2 == 0 if index < 2 else rng.random() < 0.5
            days = -rng.randint(14, 200) if is_past else rng.randint(5, 75)
            day = (self.now + timedelta(days=days)).astimezone(BRUSSELS)
            starts_at = day.replace(hour=rng.choice([10, 14]), minute=0, second=0, microsecond=0)
            meeting = WorkingGroupMeeting.objects.create(
                group=group,
                title=title,
                starts_at=starts_at,
                location=rng.choice(demo_data.MEETING_PLACES),
                agenda=f"1. Welcome and introductions\n2. {title}\n3. Next steps and any other "
                "business",
            )
            created[meeting.pk] = min(self.now, starts_at - timedelta(days=rng.randint(14, 30)))
        _backdate(WorkingGroupMeeting, created, created)
        return count

    def _save_document(
        self, group: WorkingGroup, title: str, file_name: str, uploaded_by: User
    ) -> None:
        heading = f"{group.name}: {title}"
        if file_name.endswith(".pdf"):
            content = tiny_pdf([heading, "Fictional demo document of the skillspact demo data."])
        else:
            content = (
                f"# {heading}\n\nFictional demo document of the skillspact demo data.\n\n"
                f"- Group: {group.name}\n- Document: {title}\n"
            ).encode()
        document = WorkingGroupDocument(
            group=group, title=title, size=len(content), uploaded_by=uploaded_by
        )
        document.file.save(file_name, ContentFile(content), save=False)
        document.save()
        self.summary.documents += 1


# -- helpers ---------------------------------------------------------------------------------


def _batches(items: Sequence[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _require_pks(objects: Sequence[models.Model]) -> None:
    # bulk_create fills in primary keys on PostgreSQL and on SQLite 3.35 or later.
    if any(obj.pk is None for obj in objects):
        raise CommandError("The database did not return the keys of bulk-created rows.")


def _backdate(
    model: type[models.Model],
    created: dict[int, datetime],
    updated: dict[int, datetime] | None = None,
    *,
    fields: tuple[str, ...] = ("created_at", "updated_at"),
) -> None:
    """Set automatic time stamps, which `bulk_create` and `create` always set to now."""
    values = {fields[0]: created}
    if len(fields) > 1:
        values[fields[1]] = updated or created
    keys = list(created)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        model._default_manager.filter(pk__in=chunk).update(
            **{
                name: Case(
                    *[When(pk=pk, then=Value(dates[pk])) for pk in chunk],
                    output_field=models.DateTimeField(),
                )
                for name, dates in values.items()
            }
        )


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def tiny_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing `lines` of Latin-1 text: small, valid and readable."""
    text = " ".join(f"({_pdf_escape(line)}) Tj 0 -24 Td" for line in lines)
    stream = f"BT /F1 14 Tf 56 780 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(pdf)
