"""ESCO versions, skills, occupations, relations, collections and local extensions.

ESCO concepts are identified by their URI; every ESCO row carries the version it belongs to, so
several versions live side by side and other domains store (version code, URI) pairs.
"""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from skillspact.core.models import BaseModel

LOCAL_URI_PREFIX = "urn:skillspact:occupation:"
LOCAL_SCHEME_URI = "urn:skillspact:concept-scheme:local-extensions"


class ConceptType(models.TextChoices):
    SKILL = "skill", _("skill or knowledge")
    OCCUPATION = "occupation", _("occupation")
    ISCO_GROUP = "isco_group", _("ISCO group")
    SKILL_GROUP = "skill_group", _("skill group")


class Relation(models.TextChoices):
    ESSENTIAL = "essential", _("essential")
    OPTIONAL = "optional", _("optional")


class Collection(models.TextChoices):
    GREEN = "green", _("green skills")
    DIGITAL = "digital", _("digital skills")
    TRANSVERSAL = "transversal", _("transversal skills")
    DIGCOMP = "digcomp", _("DigComp skills")
    LANGUAGE = "language", _("language skills")
    RESEARCH_SKILLS = "research_skills", _("research skills")
    RESEARCH_OCCUPATIONS = "research_occupations", _("research occupations")


def _choice_values(choices: type[models.TextChoices]) -> list[str]:
    return [str(value) for value in choices.values]


class EscoVersion(models.Model):
    """One imported ESCO release, e.g. v1.1.1; exactly one ready version may be the default."""

    class Status(models.TextChoices):
        IMPORTING = "importing", _("importing")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    code = models.CharField(_("version"), max_length=20, unique=True)
    is_default = models.BooleanField(_("default version"), default=False)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.IMPORTING
    )
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    # Rows per table and per file, the bad rows (capped) and the duration of the last import.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(_("import report"), default=dict, blank=True)
    source_note = models.TextField(_("source"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-code"]
        verbose_name = _("ESCO version")
        verbose_name_plural = _("ESCO versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="taxonomy_one_default_version",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(status="ready"),
                name="taxonomy_default_version_is_ready",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["importing", "ready", "failed"]),
                name="taxonomy_version_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"ESCO {self.code}"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def primary_language(self) -> str:
        """The language of the concepts' own labels: English when imported, else the first."""
        languages = list(self.languages or [])
        return "en" if "en" in languages or not languages else str(languages[0])

    @property
    def sort_key(self) -> tuple[int, ...]:
        """v1.10.0 sorts after v1.2.0."""
        return tuple(int(part) for part in re.findall(r"\d+", self.code))


class Concept(models.Model):
    """What every ESCO concept row has: its version, URI, preferred label and description."""

    version = models.ForeignKey(EscoVersion, on_delete=models.CASCADE, related_name="+")
    uri = models.CharField(_("URI"), max_length=255)
    # In English when the import has English, otherwise in its first language.
    preferred_label = models.TextField(_("preferred label"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.preferred_label

    @property
    def uuid(self) -> str:
        """The last part of the URI: the identifier ESCO's own web pages use."""
        return self.uri.rstrip("/").rsplit("/", 1)[-1]


class Skill(Concept):
    """An ESCO skill/competence or knowledge concept."""

    class SkillType(models.TextChoices):
        SKILL = "skill/competence", _("skill/competence")
        KNOWLEDGE = "knowledge", _("knowledge")

    class ReuseLevel(models.TextChoices):
        TRANSVERSAL = "transversal", _("transversal")
        CROSS_SECTOR = "cross-sector", _("cross-sector")
        SECTOR_SPECIFIC = "sector-specific", _("sector-specific")
        OCCUPATION_SPECIFIC = "occupation-specific", _("occupation-specific")

    skill_type = models.CharField(_("type"), max_length=20, choices=SkillType.choices, blank=True)
    reuse_level = models.CharField(
        _("reuse level"), max_length=20, choices=ReuseLevel.choices, blank=True
    )
    # Collection codes, copied from CollectionMember so pages show them without a query.
    collections = models.JSONField(_("collections"), default=list, blank=True)

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [
            models.UniqueConstraint(fields=["version", "uri"], name="taxonomy_skill_unique_uri"),
            models.CheckConstraint(
                condition=Q(skill_type__in=["", "skill/competence", "knowledge"]),
                name="taxonomy_skill_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    reuse_level__in=[
                        "",
                        "transversal",
                        "cross-sector",
                        "sector-specific",
                        "occupation-specific",
                    ]
                ),
                name="taxonomy_skill_reuse_level_valid",
            ),
        ]


class Occupation(Concept):
    """An ESCO occupation, with its ISCO-08 unit group and whether the health lens shows it."""

    code = models.CharField(_("ESCO code"), max_length=40, blank=True)
    isco_group = models.CharField(_("ISCO-08 group"), max_length=10, blank=True, db_index=True)
    regulated_profession_note = models.TextField(_("regulated profession note"), blank=True)
    # Set by the health lens (ISCO groups plus the secretariat's overrides), never by the import.
    is_health = models.BooleanField(_("in the health ecosystem"), default=False)
    collections = models.JSONField(_("collections"), default=list, blank=True)

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "uri"], name="taxonomy_occupation_unique_uri"
            ),
        ]
        indexes = [models.Index(fields=["version", "is_health"])]

    @property
    def is_regulated_profession(self) -> bool:
        """Whether ESCO notes the profession as regulated (v1.1 gives a URI ending /regulated)."""
        note = self.regulated_profession_note.strip().rstrip("/")
        return bool(note) and not note.endswith("unregulated")


class IscoGroup(Concept):
    """An ISCO-08 group (major to unit level) as ESCO publishes it."""

    code = models.CharField(_("ISCO-08 code"), max_length=10)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ISCO group")
        verbose_name_plural = _("ISCO groups")
        constraints = [
            models.UniqueConstraint(fields=["version", "uri"], name="taxonomy_isco_unique_uri"),
        ]
        indexes = [models.Index(fields=["version", "code"])]


class SkillGroup(Concept):
    """A group in the skills pillar hierarchy (S1.2, K06, T3, L, ISCED-F fields)."""

    code = models.CharField(_("code"), max_length=20, blank=True)

    class Meta:
        ordering = ["code", "preferred_label"]
        verbose_name = _("skill group")
        verbose_name_plural = _("skill groups")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "uri"], name="taxonomy_skill_group_unique_uri"
            ),
        ]


class Label(models.Model):
    """A preferred, alternative or hidden label of a concept in one language: what search reads."""

    class LabelType(models.TextChoices):
        PREFERRED = "preferred", _("preferred")
        ALTERNATIVE = "alternative", _("alternative")
        HIDDEN = "hidden", _("hidden")

    version = models.ForeignKey(EscoVersion, on_delete=models.CASCADE, related_name="+")
    concept_uri = models.CharField(max_length=255)
    concept_type = models.CharField(max_length=12, choices=ConceptType.choices)
    language = models.CharField(max_length=10)
    label_type = models.CharField(max_length=12, choices=LabelType.choices)
    text = models.TextField()
    # Lower-cased, accents folded (core.text.search_text): what search compares against.
    normalised = models.TextField(db_index=True)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        indexes = [
            models.Index(fields=["version", "concept_type", "language"]),
            models.Index(fields=["version", "concept_uri"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(concept_type__in=_choice_values(ConceptType)),
                name="taxonomy_label_concept_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(label_type__in=["preferred", "alternative", "hidden"]),
                name="taxonomy_label_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} [{self.language}, {self.label_type}]"


class OccupationSkill(models.Model):
    """An occupation's essential or optional skill."""

    version = models.ForeignKey(EscoVersion, on_delete=models.CASCADE, related_name="+")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skill_links")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="occupation_links")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        verbose_name = _("occupation skill")
        verbose_name_plural = _("occupation skills")
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "skill"], name="taxonomy_occupation_skill_unique"
            ),
            models.CheckConstraint(
                condition=Q(relation__in=["essential", "optional"]),
                name="taxonomy_occupation_skill_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.relation} {self.skill_id}"


class SkillRelation(models.Model):
    """ESCO's skill-to-skill relation (a skill that is essential or optional for another)."""

    version = models.ForeignKey(EscoVersion, on_delete=models.CASCADE, related_name="+")
    from_skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="relations_out")
    to_skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="relations_in")
    relation_type = models.CharField(_("relation"), max_length=20)

    class Meta:
        verbose_name = _("skill relation")
        verbose_name_plural = _("skill relations")
        constraints = [
            models.UniqueConstraint(
                fields=["from_skill", "to_skill"], name="taxonomy_skill_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_skill=models.F("to_skill")),
                name="taxonomy_skill_relation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_skill_id} {self.relation_type} {self.to_skill_id}"


class Broader(models.Model):
    """One edge of either hierarchy: skills under skill groups, occupations under ISCO groups."""

    version = models.ForeignKey(EscoVersion, on_delete=models.CASCADE, related_name="+")
    narrower_uri = models.CharField(max_length=255)
    narrower_type = models.CharField(max_length=12, choices=ConceptType.choices)
    broader_uri = models.CharField(max_length=255)
    broader_type = models.CharField(max_length=12, choices=ConceptType.choices)

    class Meta:
        verbose_name = _("broader relation")
        verbose_name_plural = _("broader relations")
        indexes = [
            models.Index(fields=["version", "narrower_uri"]),
            models.Index(fields=["version", "broader_uri"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "narrower_uri", "broader_uri"],
                name="taxonomy_broader_unique",
            ),
            models.CheckConstraint(
                condition=Q(narrower_type__in=_choice_values(ConceptType))
                & Q(broader_type__in=_choice_values(ConceptType)),
                name="taxonomy_broader_types_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.narrower_uri} < {self.broader_uri}"


class CollectionMember(models.Model):
    """A concept in one of ESCO's collections (green, digital, transversal, ...)."""

    version = models.ForeignKey(EscoVersion, on_delete=models.CASCADE, related_name="+")
    collection = models.CharField(max_length=24, choices=Collection.choices)
    concept_uri = models.CharField(max_length=255)
    concept_type = models.CharField(max_length=12, choices=ConceptType.choices)

    class Meta:
        verbose_name = _("collection member")
        verbose_name_plural = _("collection members")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "collection", "concept_uri"],
                name="taxonomy_collection_member_unique",
            ),
            models.CheckConstraint(
                condition=Q(collection__in=_choice_values(Collection)),
                name="taxonomy_collection_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.concept_uri}"


# -- local extensions and the health lens -------------------------------------------------------


class LocalRole(BaseModel):
    """An occupation the partnership adds because ESCO lacks it; never part of ESCO."""

    slug = models.SlugField(max_length=80, unique=True)
    # In a namespace that cannot be mistaken for ESCO's: urn:skillspact:occupation:<slug>.
    uri = models.CharField(_("URI"), max_length=255, unique=True, editable=False)
    preferred_label = models.CharField(_("preferred label"), max_length=300)
    alt_labels = models.JSONField(_("alternative labels"), default=list, blank=True)
    description = models.TextField(_("description"), max_length=4000)
    isco_group = models.CharField(
        _("nearest ISCO-08 group"), max_length=10, blank=True, help_text=_("For example 2263.")
    )
    source = models.TextField(
        _("source"), max_length=1000, help_text=_("Where the role definition comes from.")
    )
    content_version = models.CharField(_("version"), max_length=20, default="1.0")
    is_health = models.BooleanField(_("in the health ecosystem"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    esco_version = models.ForeignKey(
        EscoVersion,
        verbose_name=_("ESCO version of the skill profile"),
        on_delete=models.PROTECT,
        related_name="local_roles",
    )

    class Meta:
        ordering = ["preferred_label"]
        verbose_name = _("local role")
        verbose_name_plural = _("local roles")
        constraints = [
            models.CheckConstraint(
                condition=Q(uri__startswith=LOCAL_URI_PREFIX),
                name="taxonomy_local_role_uri_not_esco",
            ),
        ]

    def __str__(self) -> str:
        return self.preferred_label

    @property
    def is_esco(self) -> bool:
        return False


class LocalRoleSkill(models.Model):
    """An ESCO skill in a local role's profile, with the ESCO version it was chosen from."""

    role = models.ForeignKey(LocalRole, on_delete=models.CASCADE, related_name="skills")
    skill_uri = models.CharField(_("skill URI"), max_length=255)
    esco_version = models.ForeignKey(EscoVersion, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)

    class Meta:
        ordering = ["relation", "skill_uri"]
        verbose_name = _("local role skill")
        verbose_name_plural = _("local role skills")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "skill_uri"], name="taxonomy_local_role_skill_unique"
            ),
            models.CheckConstraint(
                condition=Q(relation__in=["essential", "optional"]),
                name="taxonomy_local_role_skill_relation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_id} {self.relation} {self.skill_uri}"


class HealthLensOverride(BaseModel):
    """The secretariat's decision that an occupation is, or is not, in the health ecosystem."""

    occupation_uri = models.CharField(_("occupation URI"), max_length=255, unique=True)
    is_included = models.BooleanField(_("include in the health lens"))
    reason = models.TextField(_("reason"), max_length=1000)

    class Meta:
        ordering = ["occupation_uri"]
        verbose_name = _("health lens override")
        verbose_name_plural = _("health lens overrides")

    def __str__(self) -> str:
        verb = "include" if self.is_included else "exclude"
        return f"{verb} {self.occupation_uri}"
