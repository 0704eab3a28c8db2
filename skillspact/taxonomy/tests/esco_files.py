"""A tiny ESCO download in the real column layout, written to a folder for import tests.

Real ESCO URIs and labels, a handful of rows per file: 6 skills, 5 occupations, 7 ISCO groups,
4 skill groups (+1 that only the hierarchy file has, as in ESCO v1.1.1), 10 occupation-skill
relations, 2 skill-skill relations, 5 + 8 broader relations and 5 collection memberships.
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

ESCO = "http://data.europa.eu/esco"
S_RISK = f"{ESCO}/skill/16284f84-15c9-4542-b122-a6d584f937ee"
S_INFORMATICS = f"{ESCO}/skill/fb82ae25-b59f-43fd-aacf-a8308afbe85e"
S_PYTHON = f"{ESCO}/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
S_WASTE = f"{ESCO}/skill/73a9561d-112c-4d8a-9d5f-b2c11c5bbd5f"
S_DATA = f"{ESCO}/skill/a4346013-a967-4a58-a533-6b32ad1364c5"
S_INITIATIVE = f"{ESCO}/skill/001115fb-569f-4ee6-8381-c6807ef2527f"
O_NURSE = f"{ESCO}/occupation/8d3e8aaa-791b-4c75-a465-f3f827028f50"
O_SPECIALIST = f"{ESCO}/occupation/18e14e61-495b-44cc-a7c6-df4c625934ba"
O_DEVELOPER = f"{ESCO}/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
O_VET_NURSE = f"{ESCO}/occupation/24f1eb3a-e99c-4c38-9bda-ba2ba6bf9fa4"
O_SOCIAL = f"{ESCO}/occupation/738257d3-7e56-4745-9b2e-014e60d41d48"
G_SKILLS = f"{ESCO}/skill/335228d2-297d-4e0e-a6ee-bc6a8dc110d9"
G_MANAGEMENT = f"{ESCO}/skill/869fc2ce-478f-4420-8766-e1f02cec4fb2"
G_KNOWLEDGE = f"{ESCO}/skill/c46fcb45-5c14-4ffa-abed-5a43f104bb22"
G_ISCED_0914 = f"{ESCO}/isced-f/0914"
G_ONLY_IN_HIERARCHY = f"{ESCO}/skill/7e153e1d-2b12-43ad-89f3-0cf82ebc4a30"
UNKNOWN_SKILL = f"{ESCO}/skill/00000000-0000-4000-8000-000000000000"

SKILL_COLUMNS = [
    "conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels",
    "hiddenLabels", "status", "modifiedDate", "scopeNote", "definition", "inScheme", "description",
]  # fmt: skip
OCCUPATION_COLUMNS = [
    "conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels",
    "status", "modifiedDate", "regulatedProfessionNote", "scopeNote", "definition", "inScheme",
    "description", "code",
]  # fmt: skip
ISCO_COLUMNS = "conceptType,conceptUri,code,preferredLabel,status,altLabels,inScheme,description"
SKILL_GROUP_COLUMNS = (
    "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,"
    "inScheme,description,code"
)
HIERARCHY_COLUMNS = (
    "Level 0 URI,Level 0 preferred term,Level 1 URI,Level 1 preferred term,Level 2 URI,"
    "Level 2 preferred term,Level 3 URI,Level 3 preferred term,Description,Scope note,"
    "Level 0 code,Level 1 code,Level 2 code,Level 3 code"
)
COLLECTION_COLUMNS = (
    "conceptType,conceptUri,preferredLabel,status,skillType,reuseLevel,altLabels,description,"
    "broaderConceptUri,broaderConceptPT"
)
KSC = "KnowledgeSkillCompetence"
UNREGULATED = f"{ESCO}/regulated-professions/unregulated"


def _skill(
    uri: str, skill_type: str, reuse: str, label: str, alt: str = "", hidden: str = ""
) -> list[str]:
    return [
        KSC,
        uri,
        skill_type,
        reuse,
        label,
        alt,
        hidden,
        "released",
        "",
        "",
        "",
        "",
        f"{label}.",
    ]


def _occupation(uri: str, isco: str, label: str, alt: str, code: str) -> list[str]:
    return [
        "Occupation", uri, isco, label, alt, "", "released", "", UNREGULATED, "", "", "",
        f"A {label} works.", code,
    ]  # fmt: skip


SKILLS = [
    _skill(S_RISK, "skill/competence", "cross-sector", "manage clinical risk",
           "clinical risk management\nmanaging clinical risk"),
    _skill(S_INFORMATICS, "knowledge", "cross-sector", "health informatics",
           "health information science"),
    _skill(S_PYTHON, "knowledge", "sector-specific", "Python (computer programming)", "Python"),
    _skill(S_WASTE, "skill/competence", "sector-specific", "manage waste"),
    _skill(S_DATA, "knowledge", "sector-specific", "data protection",
           "data protection\ninformation protection", "data protecton"),
    _skill(S_INITIATIVE, "skill/competence", "transversal", "show initiative",
           "take the initiative"),
]  # fmt: skip
OCCUPATIONS = [
    _occupation(O_NURSE, "2221", "nurse responsible for general care",
                "practice nurse\ncommunity staff nurse", "2221.2"),
    _occupation(O_SPECIALIST, "2221", "specialist nurse", "nurse specialist", "2221.3"),
    _occupation(O_DEVELOPER, "2512", "software developer", "programmer", "2512.4"),
    _occupation(O_VET_NURSE, "3240", "veterinary nurse", "animal nurse", "3240.2.4"),
    _occupation(O_SOCIAL, "2635", "hospital social worker", "", "2635.3.16"),
]  # fmt: skip
ISCO_GROUPS = [
    ("2", "Professionals"),
    ("22", "Health professionals"),
    ("222", "Nursing and midwifery professionals"),
    ("2221", "Nursing professionals"),
    ("2512", "Software developers"),
    ("3240", "Veterinary technicians and assistants"),
    ("2635", "Social work and counselling professionals"),
]
SKILL_GROUPS = [
    (G_SKILLS, "skills", "S"),
    (G_MANAGEMENT, "management skills", "S4"),
    (G_KNOWLEDGE, "knowledge", "K"),
    (G_ISCED_0914, "medical diagnostic and treatment technology", ""),
]
OCCUPATION_SKILLS = [
    (O_NURSE, "essential", S_RISK),
    (O_NURSE, "optional", S_INFORMATICS),
    (O_NURSE, "essential", S_DATA),
    (O_NURSE, "optional", S_INITIATIVE),
    (O_SPECIALIST, "essential", S_RISK),
    (O_SPECIALIST, "essential", S_INFORMATICS),
    (O_DEVELOPER, "essential", S_PYTHON),
    (O_DEVELOPER, "optional", S_DATA),
    (O_VET_NURSE, "optional", S_RISK),
    (O_SOCIAL, "essential", S_INITIATIVE),
]
SKILL_SKILLS = [(S_INFORMATICS, "optional", S_DATA), (S_RISK, "optional", S_INFORMATICS)]
BROADER_SKILLS = [
    (KSC, S_RISK, "SkillGroup", G_ONLY_IN_HIERARCHY),
    ("SkillGroup", G_ONLY_IN_HIERARCHY, "SkillGroup", G_MANAGEMENT),
    ("SkillGroup", G_MANAGEMENT, "SkillGroup", G_SKILLS),
    (KSC, S_INFORMATICS, "SkillGroup", G_ISCED_0914),
    (KSC, S_PYTHON, "SkillGroup", G_KNOWLEDGE),
]


def _isco(code: str) -> str:
    return f"{ESCO}/isco/C{code}"


BROADER_OCCUPATIONS = [
    ("Occupation", O_SPECIALIST, "Occupation", O_NURSE),
    ("Occupation", O_NURSE, "ISCOGroup", _isco("2221")),
    ("ISCOGroup", _isco("2221"), "ISCOGroup", _isco("222")),
    ("ISCOGroup", _isco("222"), "ISCOGroup", _isco("22")),
    ("ISCOGroup", _isco("22"), "ISCOGroup", _isco("2")),
    ("Occupation", O_DEVELOPER, "ISCOGroup", _isco("2512")),
    ("Occupation", O_VET_NURSE, "ISCOGroup", _isco("3240")),
    ("Occupation", O_SOCIAL, "ISCOGroup", _isco("2635")),
]
COLLECTIONS = {
    "greenSkillsCollection": [S_WASTE],
    "digitalSkillsCollection": [S_PYTHON, S_DATA],
    "transversalSkillsCollection": [S_INITIATIVE],
    "digCompSkillsCollection": [S_DATA],
}
FRENCH_SKILLS = [
    _skill(S_RISK, "skill/competence", "cross-sector", "gérer les risques cliniques",
           "gestion des risques cliniques"),
    _skill(S_INFORMATICS, "knowledge", "cross-sector", "informatique de la santé"),
    _skill(UNKNOWN_SKILL, "knowledge", "cross-sector", "compétence inconnue"),
]  # fmt: skip
FRENCH_OCCUPATIONS = [
    _occupation(O_NURSE, "2221", "infirmier en soins généraux/infirmière en soins généraux",
                "infirmière", "2221.2"),
]  # fmt: skip

# What importing the tiny set gives.
COUNTS = {
    "skills": 6,
    "occupations": 5,
    "isco_groups": 7,
    "skill_groups": 5,
    "labels": 35,
    "occupation_skills": 10,
    "skill_relations": 2,
    "broader_relations": 13,
    "collection_members": 5,
    "health_occupations": 2,
}


def _csv(header: list[str] | str, rows: list[list[str]] | list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header.split(",") if isinstance(header, str) else header)
    writer.writerows(rows)
    return buffer.getvalue()


def esco_files(*, naming: str = "1.1", languages: tuple[str, ...] = ("en",)) -> dict[str, str]:
    """File name -> CSV text of the tiny download, with v1.1 or v1.2 file names."""
    relation_suffix = "_en" if naming == "1.2" else ""
    files: dict[str, str] = {}
    if "en" in languages:
        files["skills_en.csv"] = _csv(SKILL_COLUMNS, SKILLS)
        files["occupations_en.csv"] = _csv(OCCUPATION_COLUMNS, OCCUPATIONS)
        files["ISCOGroups_en.csv"] = _csv(
            ISCO_COLUMNS,
            [
                ["ISCOGroup", _isco(code), code, label, "released", "", "", f"{label}."]
                for code, label in ISCO_GROUPS
            ],
        )
        files["skillGroups_en.csv"] = _csv(
            SKILL_GROUP_COLUMNS,
            [
                ["SkillGroup", uri, label, "", "", "released", "", "", "", "", code]
                for uri, label, code in SKILL_GROUPS
            ],
        )
        # As in ESCO v1.1.1, rows leave out their trailing empty cells.
        hierarchy = io.StringIO()
        hierarchy.write(HIERARCHY_COLUMNS + "\r\n")
        hierarchy.write(f"{G_SKILLS},skills,,,,,,,,,S\r\n")
        hierarchy.write(f"{G_SKILLS},skills,{G_MANAGEMENT},management skills,,,,,,,S,S4\r\n")
        hierarchy.write(
            f"{G_SKILLS},skills,{G_MANAGEMENT},management skills,{G_ONLY_IN_HIERARCHY},"
            f'managing health risks,,,"Managing risks to health.",,S,S4,S4.9\r\n'
        )
        files["skillsHierarchy_en.csv"] = hierarchy.getvalue()
        for stem, uris in COLLECTIONS.items():
            files[f"{stem}_en.csv"] = _csv(
                COLLECTION_COLUMNS,
                [[KSC, uri, "", "released", "", "", "", "", "", ""] for uri in uris],
            )
    if "fr" in languages:
        files["skills_fr.csv"] = _csv(SKILL_COLUMNS, FRENCH_SKILLS)
        files["occupations_fr.csv"] = _csv(OCCUPATION_COLUMNS, FRENCH_OCCUPATIONS)
    if naming == "1.2":
        # v1.2 relation files carry labels too; the import reads the columns by name.
        files["occupationSkillRelations_en.csv"] = _csv(
            "occupationUri,occupationLabel,relationType,skillType,skillUri,skillLabel",
            [(o, "label", r, "skill/competence", s, "label") for o, r, s in OCCUPATION_SKILLS],
        )
    else:
        files["occupationSkillRelations.csv"] = _csv(
            "occupationUri,relationType,skillType,skillUri",
            [(o, r, "skill/competence", s) for o, r, s in OCCUPATION_SKILLS],
        )
    files[f"skillSkillRelations{relation_suffix}.csv"] = _csv(
        "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri",
        [(a, "knowledge", r, "knowledge", b) for a, r, b in SKILL_SKILLS],
    )
    files[f"broaderRelationsSkillPillar{relation_suffix}.csv"] = _csv(
        "conceptType,conceptUri,broaderType,broaderUri", BROADER_SKILLS
    )
    files[f"broaderRelationsOccPillar{relation_suffix}.csv"] = _csv(
        "conceptType,conceptUri,broaderType,broaderUri", BROADER_OCCUPATIONS
    )
    files["conceptSchemes_en.csv"] = "conceptType,conceptSchemeUri,preferredLabel\r\n"
    return files


def write_folder(
    folder: Path, *, naming: str = "1.1", languages: tuple[str, ...] = ("en",), gz: bool = False
) -> Path:
    """Write the tiny download as files in `folder` (gzip-compressed with `gz`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in esco_files(naming=naming, languages=languages).items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(text.encode()))
        else:
            (folder / name).write_text(text, encoding="utf-8", newline="")
    return folder


def write_zip(path: Path, *, naming: str = "1.1", subfolder: str = "") -> Path:
    """Write the tiny download as a zip, its files inside `subfolder`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in esco_files(naming=naming).items():
            archive.writestr(f"{subfolder}{name}", text)
    return path
