"""Name parts and texts for the fictional demo partnership that `seed_demo` builds.

Every organisation, person and web address made from these lists is invented. Places are
regions or invented towns, institution names follow local patterns, and every web address uses
the reserved `.example` top-level domain, so no generated name points at a real institution.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from django.utils.text import slugify

from skillspact.organisations.models import StakeholderType


@dataclass(frozen=True)
class CountryData:
    """What the generator needs to know about one EU-27 country."""

    population: float  # millions, rounded: only the proportions matter
    languages: tuple[str, ...]  # template languages; "en" is the fallback
    name: str  # the English name, for English-language templates
    brand: str  # a word companies put in their names: "Italia", "Baltic", ...
    company_form: str
    places: tuple[str, ...]
    given_names: tuple[str, ...]
    family_names: tuple[str, ...]


# fmt: off
COUNTRIES: dict[str, CountryData] = {
    "AT": CountryData(
        9.1, ("de",), "Austria", "Austria", "GmbH",
        ("Salzachtal", "Mostviertel", "Innkreis", "Gailtal", "Traunsee", "Pinzgau"),
        ("Katharina", "Florian", "Theresa", "Matthias", "Julia", "Stefan"),
        ("Gruber", "Huber", "Wallner", "Pichler", "Moser", "Leitner"),
    ),
    "BE": CountryData(
        11.8, ("nl", "fr"), "Belgium", "Benelux", "SRL",
        ("Meetjesland", "Hageland", "Westhoek", "Condroz", "Famenne", "Gaume"),
        ("Lotte", "Pieter", "Camille", "Thomas", "Elise", "Maxime"),
        ("Peeters", "Janssens", "Dubois", "Lambert", "Maes", "Dupont"),
    ),
    "BG": CountryData(
        6.4, ("en",), "Bulgaria", "Balkan", "EOOD",
        ("Struma Valley", "Rodopi", "Pirin", "Tundzha", "Dobrudzha", "Balkan Foothills"),
        ("Elena", "Georgi", "Maria", "Nikolay", "Desislava", "Ivan"),
        ("Petrova", "Dimitrov", "Ivanova", "Georgiev", "Koleva", "Stoyanov"),
    ),
    "CY": CountryData(
        0.9, ("en",), "Cyprus", "Mediterranean", "Ltd",
        ("Troodos", "Akamas", "Pitsilia", "Marathasa", "Kokkinochoria"),
        ("Andreas", "Eleni", "Christos", "Maria", "Nikos", "Sofia"),
        ("Georgiou", "Christodoulou", "Ioannou", "Constantinou", "Demetriou", "Savva"),
    ),
    "CZ": CountryData(
        10.8, ("en",), "Czechia", "Bohemia", "s.r.o.",
        ("Podlesí", "Horácko", "Pošumaví", "Podkrkonoší", "Slovácko", "Haná"),
        ("Tereza", "Jakub", "Lucie", "Tomáš", "Kateřina", "Martin"),
        ("Nováková", "Svoboda", "Dvořáková", "Černý", "Procházková", "Kučera"),
    ),
    "DE": CountryData(
        84.4, ("de",), "Germany", "Deutschland", "GmbH",
        ("Nordheide", "Lindenau", "Auenfeld", "Elbmarsch", "Waldau", "Mittelrhein", "Steinbach"),
        ("Anna", "Jonas", "Lea", "Felix", "Miriam", "Tobias", "Sabine"),
        ("Schmidt", "Becker", "Hoffmann", "Krüger", "Neumann", "Schulze", "Wagner"),
    ),
    "DK": CountryData(
        5.9, ("en",), "Denmark", "Nordic", "ApS",
        ("Nordkysten", "Skovby", "Fjordlund", "Egebjerg", "Vestegnen", "Havdrup"),
        ("Freja", "Mads", "Ida", "Rasmus", "Sofie", "Anders"),
        ("Jensen", "Nielsen", "Sørensen", "Rasmussen", "Kjær", "Mølgaard"),
    ),
    "EE": CountryData(
        1.4, ("en",), "Estonia", "Baltic", "OÜ",
        ("Järvamaa", "Põhjaranna", "Kaasiku", "Saarepiiri", "Peipsiääre"),
        ("Kadri", "Margus", "Liis", "Tanel", "Kertu", "Rasmus"),
        ("Tamm", "Saar", "Kask", "Mägi", "Rebane", "Ilves"),
    ),
    "ES": CountryData(
        48.1, ("es",), "Spain", "Iberia", "S.L.",
        ("Aragón", "Alcarria", "Vega Baja", "Sierra Norte", "Bierzo", "Tierra de Campos"),
        ("Lucía", "Javier", "Carmen", "Pablo", "Marta", "Alejandro"),
        ("García", "Fernández", "López", "Martínez", "Sánchez", "Romero"),
    ),
    "FI": CountryData(
        5.6, ("en",), "Finland", "Nordic", "Oy",
        ("Koivula", "Järvilaakso", "Pohjanranta", "Kuusimäki", "Metsäkylä"),
        ("Aino", "Mikko", "Emilia", "Juha", "Sanna", "Ville"),
        ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Heikkinen", "Laine"),
    ),
    "FR": CountryData(
        68.2, ("fr",), "France", "France", "SAS",
        ("Saint-Aubin", "Montclair", "Beaulieu", "Valmont", "Sainte-Colombe", "Lignières"),
        ("Camille", "Julien", "Chloé", "Nicolas", "Manon", "Antoine", "Élodie"),
        ("Martin", "Bernard", "Moreau", "Laurent", "Girard", "Fournier", "Rousseau"),
    ),
    "GR": CountryData(
        10.4, ("en",), "Greece", "Hellas", "S.A.",
        ("Evia", "Pelion", "Mani", "Epirus Highlands", "Lesvos North", "Argolida"),
        ("Eleni", "Giorgos", "Katerina", "Dimitris", "Maria", "Kostas"),
        ("Papadopoulou", "Nikolaidis", "Georgiou", "Papadakis", "Vlachou", "Karalis"),
    ),
    "HR": CountryData(
        3.9, ("en",), "Croatia", "Adriatic", "d.o.o.",
        ("Zagorje", "Slavonija", "Lika", "Kvarner", "Podravina", "Dalmatinska Zagora"),
        ("Ivana", "Luka", "Petra", "Marko", "Ana", "Tomislav"),
        ("Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Knežević"),
    ),
    "HU": CountryData(
        9.6, ("en",), "Hungary", "Danubia", "Kft.",
        ("Bakonyalja", "Tiszahát", "Mátraalja", "Őrség", "Hegyhát", "Sárköz"),
        ("Eszter", "Bence", "Réka", "Gábor", "Zsófia", "Péter"),
        ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga"),
    ),
    "IE": CountryData(
        5.3, ("en",), "Ireland", "Éire", "Ltd",
        ("Glenmore", "Kilbrack", "Carrigmore", "Lough Arrow", "Ardmore", "Ballyfarnon"),
        ("Aoife", "Conor", "Siobhán", "Cian", "Niamh", "Eoin"),
        ("Murphy", "O'Brien", "Byrne", "Kelly", "Walsh", "Doyle"),
    ),
    "IT": CountryData(
        59.0, ("it",), "Italy", "Italia", "S.r.l.",
        ("Lomellina", "Valdarno", "Cilento", "Langhe", "Murgia", "Casentino", "Val Trebbia"),
        ("Giulia", "Marco", "Francesca", "Luca", "Chiara", "Alessandro"),
        ("Rossi", "Bianchi", "Esposito", "Ferrari", "Romano", "Colombo"),
    ),
    "LT": CountryData(
        2.9, ("en",), "Lithuania", "Baltic", "UAB",
        ("Aukštaitija", "Dzūkija", "Sūduva", "Pajūris", "Nemunėlis"),
        ("Ieva", "Mantas", "Rūta", "Tomas", "Greta", "Lukas"),
        ("Kazlauskas", "Jankauskienė", "Petrauskas", "Stankevičiūtė", "Vasiliauskas"),
    ),
    "LU": CountryData(
        0.7, ("fr", "de"), "Luxembourg", "Benelux", "S.à r.l.",
        ("Éislek", "Minett", "Mullerthal", "Guttland", "Moselle"),
        ("Laura", "Luc", "Sarah", "Ben", "Claire", "Tom"),
        ("Schmit", "Muller", "Weber", "Hoffmann", "Wagner", "Thill"),
    ),
    "LV": CountryData(
        1.9, ("en",), "Latvia", "Baltic", "SIA",
        ("Ziemeļkurzeme", "Daugavkrasts", "Priedaine", "Lielupe", "Vidzemes Piekraste"),
        ("Līga", "Jānis", "Anna", "Kristaps", "Ilze", "Mārtiņš"),
        ("Bērziņa", "Kalniņš", "Ozola", "Liepiņš", "Krūmiņa", "Jansons"),
    ),
    "MT": CountryData(
        0.5, ("en",), "Malta", "Mediterranean", "Ltd",
        ("Marsamxett", "Wied il-Għajn", "Santa Venera", "Xagħra", "Birżebbuġa"),
        ("Maria", "Luke", "Francesca", "Matthew", "Claire", "Daniel"),
        ("Borg", "Camilleri", "Vella", "Farrugia", "Zammit", "Galea"),
    ),
    "NL": CountryData(
        17.9, ("nl",), "the Netherlands", "Benelux", "B.V.",
        ("Waterland", "Betuwe", "Kempen", "Achterhoek", "Salland", "Westland"),
        ("Sanne", "Daan", "Femke", "Bram", "Lieke", "Joost"),
        ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Mulder"),
    ),
    "PL": CountryData(
        36.8, ("pl",), "Poland", "Polska", "sp. z o.o.",
        ("Podhale", "Kaszuby", "Roztocze", "Warmia", "Kurpie", "Kujawy"),
        ("Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Paweł"),
        ("Nowak", "Kowalska", "Wiśniewski", "Wójcik", "Kamińska", "Lewandowski"),
    ),
    "PT": CountryData(
        10.5, ("pt",), "Portugal", "Portugal", "Lda.",
        ("Alto Minho", "Beira Serra", "Ribatejo", "Baixo Vouga", "Oeste", "Serra da Estrela"),
        ("Inês", "João", "Beatriz", "Tiago", "Mariana", "Rui"),
        ("Silva", "Santos", "Ferreira", "Pereira", "Costa", "Oliveira"),
    ),
    "RO": CountryData(
        19.1, ("en",), "Romania", "Danubia", "S.R.L.",
        ("Valea Mureșului", "Țara Bârsei", "Bucovina", "Câmpia Dunării", "Valea Jiului"),
        ("Ioana", "Andrei", "Elena", "Mihai", "Raluca", "Alexandru"),
        ("Popescu", "Ionescu", "Dumitrescu", "Stan", "Constantin", "Marinescu"),
    ),
    "SE": CountryData(
        10.5, ("en",), "Sweden", "Nordic", "AB",
        ("Norrdal", "Sjöhamn", "Björkvik", "Granlunda", "Ekbacka", "Västerbygd"),
        ("Elsa", "Oskar", "Maja", "Erik", "Linnea", "Johan"),
        ("Andersson", "Lindqvist", "Johansson", "Berg", "Nyström", "Holm"),
    ),
    "SI": CountryData(
        2.1, ("en",), "Slovenia", "Adriatic", "d.o.o.",
        ("Pohorje", "Posočje", "Dolenjska", "Zasavje", "Koroška", "Savinjska"),
        ("Nina", "Matej", "Eva", "Jure", "Maja", "Luka"),
        ("Novak", "Horvat", "Kranjc", "Zupančič", "Potočnik", "Kovač"),
    ),
    "SK": CountryData(
        5.4, ("en",), "Slovakia", "Danubia", "s.r.o.",
        ("Podpoľanie", "Záhorie", "Horehronie", "Kysuce", "Liptov", "Zamagurie"),
        ("Zuzana", "Martin", "Lenka", "Michal", "Veronika", "Peter"),
        ("Horváthová", "Kováč", "Varga", "Tóthová", "Baláž", "Szabová"),
    ),
}
# fmt: on

# The NUTS-2 region a place lies in, where it is a real area; invented places go anywhere.
PLACE_REGIONS: dict[str, str] = {
    "Salzachtal": "AT32", "Mostviertel": "AT12", "Innkreis": "AT31", "Gailtal": "AT21",
    "Traunsee": "AT31", "Pinzgau": "AT32",
    "Meetjesland": "BE23", "Hageland": "BE24", "Westhoek": "BE25", "Condroz": "BE35",
    "Famenne": "BE34", "Gaume": "BE34",
    "Struma Valley": "BG41", "Rodopi": "BG42", "Pirin": "BG41", "Tundzha": "BG34",
    "Dobrudzha": "BG33",
    "Horácko": "CZ06", "Pošumaví": "CZ03", "Podkrkonoší": "CZ05", "Slovácko": "CZ07",
    "Haná": "CZ07",
    "Nordheide": "DE93", "Elbmarsch": "DE93", "Mittelrhein": "DEB1",
    "Aragón": "ES24", "Alcarria": "ES42", "Vega Baja": "ES52", "Sierra Norte": "ES30",
    "Bierzo": "ES41", "Tierra de Campos": "ES41",
    "Evia": "EL64", "Pelion": "EL61", "Mani": "EL65", "Epirus Highlands": "EL54",
    "Lesvos North": "EL41", "Argolida": "EL65",
    "Zagorje": "HR06", "Slavonija": "HR02", "Lika": "HR03", "Kvarner": "HR03",
    "Podravina": "HR06", "Dalmatinska Zagora": "HR03",
    "Bakonyalja": "HU21", "Tiszahát": "HU32", "Mátraalja": "HU31", "Őrség": "HU22",
    "Hegyhát": "HU23", "Sárköz": "HU23",
    "Lomellina": "ITC4", "Valdarno": "ITI1", "Cilento": "ITF3", "Langhe": "ITC1",
    "Murgia": "ITF4", "Casentino": "ITI1", "Val Trebbia": "ITH5",
    "Aukštaitija": "LT02", "Dzūkija": "LT02", "Sūduva": "LT02", "Pajūris": "LT02",
    "Waterland": "NL32", "Betuwe": "NL22", "Kempen": "NL41", "Achterhoek": "NL22",
    "Salland": "NL21", "Westland": "NL33",
    "Podhale": "PL21", "Kaszuby": "PL63", "Roztocze": "PL81", "Warmia": "PL62",
    "Kurpie": "PL92", "Kujawy": "PL61",
    "Alto Minho": "PT11", "Beira Serra": "PT16", "Ribatejo": "PT16", "Baixo Vouga": "PT16",
    "Oeste": "PT16", "Serra da Estrela": "PT16",
    "Valea Mureșului": "RO12", "Țara Bârsei": "RO12", "Bucovina": "RO21",
    "Câmpia Dunării": "RO31", "Valea Jiului": "RO42",
    "Pohorje": "SI03", "Posočje": "SI04", "Dolenjska": "SI03", "Zasavje": "SI03",
    "Koroška": "SI03", "Savinjska": "SI03",
    "Podpoľanie": "SK03", "Záhorie": "SK02", "Horehronie": "SK03", "Kysuce": "SK03",
    "Liptov": "SK03", "Zamagurie": "SK04",
}  # fmt: skip

# Template kinds by stakeholder type; industry types get brand names instead (see `BRANDS`).
KIND_OF_TYPE: dict[str, str] = {
    StakeholderType.EDUCATION_VET: "vet",
    StakeholderType.EDUCATION_HIGHER: "university",
    StakeholderType.EDUCATION_OTHER: "academy",
    StakeholderType.HEALTHCARE_PROVIDER: "hospital",
    StakeholderType.PUBLIC_NATIONAL: "national",
    StakeholderType.PUBLIC_REGIONAL: "regional",
    StakeholderType.PUBLIC_LOCAL: "local",
    StakeholderType.SOCIAL_PARTNER_EMPLOYERS: "employers",
    StakeholderType.SOCIAL_PARTNER_TRADE_UNION: "union",
    StakeholderType.LABOUR_MARKET_ACTOR: "labour",
    StakeholderType.RESEARCH: "research",
    StakeholderType.PROFESSIONAL_ASSOCIATION: "association",
    StakeholderType.CIVIL_SOCIETY: "patients",
    StakeholderType.OTHER: "other",
}

# How often each type appears after the first round, which shows every type once.
TYPE_WEIGHTS: dict[str, int] = {
    StakeholderType.HEALTHCARE_PROVIDER: 24,
    StakeholderType.EDUCATION_VET: 12,
    StakeholderType.EDUCATION_HIGHER: 10,
    StakeholderType.EDUCATION_OTHER: 5,
    StakeholderType.INDUSTRY_MEDTECH: 5,
    StakeholderType.INDUSTRY_PHARMA: 3,
    StakeholderType.INDUSTRY_BIOTECH: 2,
    StakeholderType.INDUSTRY_DIGITAL_HEALTH: 5,
    StakeholderType.INDUSTRY_OTHER: 2,
    StakeholderType.PUBLIC_NATIONAL: 2,
    StakeholderType.PUBLIC_REGIONAL: 4,
    StakeholderType.PUBLIC_LOCAL: 3,
    StakeholderType.SOCIAL_PARTNER_EMPLOYERS: 2,
    StakeholderType.SOCIAL_PARTNER_TRADE_UNION: 2,
    StakeholderType.LABOUR_MARKET_ACTOR: 2,
    StakeholderType.RESEARCH: 6,
    StakeholderType.PROFESSIONAL_ASSOCIATION: 5,
    StakeholderType.CIVIL_SOCIETY: 3,
    StakeholderType.OTHER: 3,
}

# {place}: a region or town of the country; {country}: its English name (English only).
TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "hospital": (
            "{place} General Hospital",
            "{place} University Hospital",
            "{place} Community Health Centre",
            "{place} Care Homes Group",
            "{place} Rehabilitation Clinic",
        ),
        "vet": (
            "{place} College of Health and Care",
            "{place} School of Nursing and Midwifery",
            "{place} Institute of Allied Health Training",
        ),
        "university": (
            "University of {place}",
            "{place} Medical University",
            "{place} University of Applied Health Sciences",
        ),
        "academy": (
            "{place} Health Skills Academy",
            "{place} Digital Health Academy",
            "Centre for Continuing Clinical Education {place}",
        ),
        "national": (
            "{country} National Centre for Health Workforce Skills",
            "{country} Agency for Health Professions Development",
            "{country} Health Workforce Observatory",
        ),
        "regional": (
            "{place} Regional Health Authority",
            "{place} County Health and Care Directorate",
        ),
        "local": ("{place} Municipal Health Department", "{place} District Care Services"),
        "employers": (
            "{country} Federation of Healthcare Employers",
            "{place} Association of Care Providers",
        ),
        "union": (
            "{country} Union of Nurses and Midwives",
            "{place} Health and Care Workers' Union",
        ),
        "labour": (
            "{place} Employment Service — Health Careers Desk",
            "{country} Health Careers Agency",
            "{place} Jobs and Skills Centre",
        ),
        "research": (
            "{place} Institute for Health Services Research",
            "Centre for Health Workforce Studies {place}",
        ),
        "association": (
            "{country} Association of Clinical Educators",
            "{country} Society for Digital Nursing",
            "{country} Network of Allied Health Professions",
            "{place} Paramedics' Association",
        ),
        "patients": (
            "{country} Patients' Forum",
            "{place} Carers' Alliance",
            "{country} Alliance for Health Literacy",
        ),
        "other": (
            "{place} Health Innovation Foundation",
            "{place} Health Skills Consulting",
            "Foundation for Care Careers {place}",
        ),
    },
    "de": {
        "hospital": (
            "Klinikum {place}",
            "Kreiskrankenhaus {place}",
            "Pflegeverbund {place}",
            "Rehaklinik {place}",
            "Gesundheitszentrum {place}",
        ),
        "vet": (
            "Pflegeschule {place}",
            "Berufsfachschule für Gesundheitsberufe {place}",
            "Bildungszentrum Pflege {place}",
        ),
        "university": (
            "Hochschule für Gesundheit {place}",
            "Medizinische Hochschule {place}",
        ),
        "academy": ("Akademie für Gesundheitsberufe {place}", "Fortbildungsinstitut {place}"),
        "national": (
            "Bundesinstitut für Gesundheitsberufe",
            "Nationale Agentur für Pflegebildung",
            "Kompetenzzentrum Digitale Gesundheitsberufe",
        ),
        "regional": ("Landesgesundheitsamt {place}", "Gesundheitsregion {place}"),
        "local": ("Gesundheitsamt {place}", "Städtische Pflegedienste {place}"),
        "employers": (
            "Arbeitgeberverband Gesundheit {place}",
            "Verband der Pflegeeinrichtungen {place}",
        ),
        "union": ("Gewerkschaft Gesundheit und Pflege {place}", "Pflegebund {place}"),
        "labour": ("Agentur für Gesundheitsfachkräfte {place}", "Jobcenter Gesundheit {place}"),
        "research": (
            "Institut für Versorgungsforschung {place}",
            "Forschungsstelle Pflege und Digitalisierung {place}",
        ),
        "association": (
            "Fachverband Pflegepädagogik {place}",
            "Netzwerk Gesundheitsberufe {place}",
            "Berufsverband Medizinische Assistenz {place}",
        ),
        "patients": ("Patientenforum {place}", "Selbsthilfeverbund {place}"),
        "other": ("Stiftung Gesundheitsbildung {place}", "Beratungshaus Pflege {place}"),
    },
    "fr": {
        "hospital": (
            "Centre hospitalier de {place}",
            "Hôpital des Tilleuls de {place}",
            "Clinique du Parc de {place}",
            "Groupement des EHPAD de {place}",
        ),
        "vet": (
            "Institut de formation en soins infirmiers de {place}",
            "Lycée des métiers de la santé de {place}",
        ),
        "university": (
            "Université de {place}",
            "École supérieure des sciences de la santé de {place}",
        ),
        "academy": ("Académie des compétences en santé de {place}", "Campus Santé {place}"),
        "national": (
            "Agence nationale des compétences en santé",
            "Observatoire national des métiers du soin",
            "Institut national de la formation sanitaire",
        ),
        "regional": ("Agence régionale de santé de {place}", "Conseil régional de {place}"),
        "local": (
            "Ville de {place} — Direction de la santé",
            "Centre communal de santé de {place}",
        ),
        "employers": ("Fédération des employeurs du soin de {place}",),
        "union": ("Syndicat des soignants de {place}", "Union des infirmiers de {place}"),
        "labour": ("Maison de l'emploi santé de {place}", "Cap Emploi Santé {place}"),
        "research": (
            "Institut de recherche en soins de {place}",
            "Laboratoire d'études des métiers de la santé de {place}",
        ),
        "association": (
            "Association des cadres de santé de {place}",
            "Réseau des formateurs en santé de {place}",
        ),
        "patients": ("Collectif des patients de {place}", "Association des aidants de {place}"),
        "other": ("Fondation Santé et Compétences de {place}", "Conseil Soins Formation {place}"),
    },
    "nl": {
        "hospital": (
            "Ziekenhuis {place}",
            "Zorggroep {place}",
            "Revalidatiecentrum {place}",
            "Medisch Centrum {place}",
        ),
        "vet": ("Zorgcollege {place}", "Opleidingscentrum Verpleegkunde {place}"),
        "university": ("Hogeschool Gezondheidszorg {place}", "Academie voor Zorg {place}"),
        "academy": ("Leerhuis Zorg {place}", "Zorgacademie {place}"),
        "national": (
            "Nationaal Kenniscentrum Zorgberoepen",
            "Agentschap voor Zorgvaardigheden",
        ),
        "regional": ("Provincie {place} — Zorg en Welzijn", "Regionale Zorgraad {place}"),
        "local": ("Gemeente {place} — Gezondheid", "GGD {place}"),
        "employers": ("Werkgeversvereniging Zorg {place}",),
        "union": ("Bond van Zorgprofessionals {place}",),
        "labour": ("Zorgbanen {place}", "Werkplein Zorg {place}"),
        "research": ("Instituut voor Zorgonderzoek {place}",),
        "association": ("Beroepsvereniging Zorgopleiders {place}", "Netwerk Digitale Zorg {place}"),
        "patients": ("Patiëntenplatform {place}", "Mantelzorgnetwerk {place}"),
        "other": ("Stichting Zorgtalent {place}", "Adviesbureau Zorgleren {place}"),
    },
    "es": {
        "hospital": (
            "Hospital Comarcal de {place}",
            "Complejo Asistencial de {place}",
            "Clínica San Rafael de {place}",
            "Residencias de Mayores de {place}",
        ),
        "vet": (
            "Instituto de Formación Sanitaria de {place}",
            "Centro de Formación Profesional Sanitaria de {place}",
        ),
        "university": (
            "Universidad de Ciencias de la Salud de {place}",
            "Escuela Universitaria de Enfermería de {place}",
        ),
        "academy": ("Academia de Competencias Sanitarias de {place}",),
        "national": (
            "Agencia Nacional de Profesiones Sanitarias",
            "Observatorio Nacional del Empleo Sanitario",
        ),
        "regional": ("Servicio Regional de Salud de {place}", "Consejería de Sanidad de {place}"),
        "local": ("Ayuntamiento de {place} — Área de Salud",),
        "employers": ("Asociación de Empresas Sanitarias de {place}",),
        "union": ("Sindicato de Enfermería de {place}", "Unión de Técnicos Sanitarios de {place}"),
        "labour": ("Servicio de Empleo Sanitario de {place}",),
        "research": ("Instituto de Investigación en Cuidados de {place}",),
        "association": (
            "Sociedad de Enfermería Digital de {place}",
            "Red de Formadores Sanitarios de {place}",
        ),
        "patients": ("Foro de Pacientes de {place}", "Asociación de Cuidadores de {place}"),
        "other": ("Fundación Salud y Talento de {place}",),
    },
    "it": {
        "hospital": (
            "Azienda Ospedaliera {place}",
            "Ospedale di Comunità {place}",
            "Casa di Cura Villa Serena {place}",
            "RSA {place}",
        ),
        "vet": (
            "Istituto Professionale Sanitario {place}",
            "Scuola per Operatori Socio-Sanitari {place}",
        ),
        "university": ("Università delle Scienze della Salute {place}",),
        "academy": ("Accademia delle Professioni Sanitarie {place}", "Formazione Salute {place}"),
        "national": (
            "Agenzia Nazionale per le Competenze Sanitarie",
            "Osservatorio Nazionale delle Professioni di Cura",
        ),
        "regional": ("Agenzia Sanitaria Regionale {place}",),
        "local": ("Comune di {place} — Servizi Sanitari",),
        "employers": ("Associazione Datori di Lavoro della Sanità {place}",),
        "union": ("Sindacato Infermieri {place}",),
        "labour": ("Centro per l'Impiego Sanità {place}",),
        "research": ("Istituto di Ricerca sui Servizi Sanitari {place}",),
        "association": (
            "Società Italiana di Infermieristica Digitale — sezione {place}",
            "Rete dei Formatori Sanitari {place}",
        ),
        "patients": ("Forum dei Pazienti {place}",),
        "other": ("Fondazione Salute e Lavoro {place}",),
    },
    "pt": {
        "hospital": (
            "Hospital Distrital de {place}",
            "Unidade Local de Saúde de {place}",
            "Centro de Reabilitação de {place}",
        ),
        "vet": ("Escola Profissional de Saúde de {place}",),
        "university": ("Escola Superior de Saúde de {place}",),
        "academy": ("Academia de Competências em Saúde de {place}",),
        "national": ("Agência Nacional para as Profissões de Saúde",),
        "regional": ("Administração Regional de Saúde de {place}",),
        "local": ("Câmara Municipal de {place} — Saúde",),
        "employers": ("Associação de Prestadores de Cuidados de {place}",),
        "union": ("Sindicato dos Enfermeiros de {place}",),
        "labour": ("Centro de Emprego e Formação em Saúde de {place}",),
        "research": ("Instituto de Investigação em Cuidados de {place}",),
        "association": ("Associação de Formadores em Saúde de {place}",),
        "patients": ("Fórum de Doentes de {place}",),
        "other": ("Fundação Saúde e Futuro de {place}",),
    },
    "pl": {
        "hospital": (
            "Szpital Powiatowy {place}",
            "Centrum Medyczne {place}",
            "Zakład Opiekuńczo-Leczniczy {place}",
        ),
        "vet": ("Medyczna Szkoła Policealna {place}",),
        "university": ("Akademia Nauk o Zdrowiu {place}",),
        "academy": ("Centrum Kształcenia Podyplomowego {place}",),
        "national": ("Krajowa Agencja Kompetencji Medycznych",),
        "regional": ("Regionalne Centrum Zdrowia {place}",),
        "local": ("Miejski Ośrodek Zdrowia {place}",),
        "employers": ("Związek Pracodawców Ochrony Zdrowia {place}",),
        "union": ("Związek Zawodowy Pielęgniarek {place}",),
        "labour": ("Urząd Pracy — Punkt Zawodów Medycznych {place}",),
        "research": ("Instytut Badań nad Opieką Zdrowotną {place}",),
        "association": ("Stowarzyszenie Edukatorów Medycznych {place}",),
        "patients": ("Forum Pacjentów {place}",),
        "other": ("Fundacja Zdrowie i Kompetencje {place}",),
    },
}

# Brand names: a stem and an ending, a regional word sometimes, and the country's company form.
BRANDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    StakeholderType.INDUSTRY_MEDTECH: (
        ("Medi", "Cardio", "Ortho", "Sono", "Vita", "Neuro", "Opti", "Derma"),
        ("sense", "scope", "motion", "logic", "wave", "form"),
    ),
    StakeholderType.INDUSTRY_PHARMA: (
        ("Pharma", "Galeno", "Farma", "Apotheca", "Salu", "Curamed"),
        ("forma", "via", "lab", "nova", "terra", "lys"),
    ),
    StakeholderType.INDUSTRY_BIOTECH: (
        ("Bio", "Cyto", "Immuno", "Proteo", "Cello", "Helix"),
        ("vantis", "lytix", "nomia", "quanta", "thera", "syn"),
    ),
    StakeholderType.INDUSTRY_DIGITAL_HEALTH: (
        ("Tele", "Care", "Clini", "Data", "Health", "Ward"),
        ("link", "flow", "path", "bridge", "mind", "desk"),
    ),
    StakeholderType.INDUSTRY_OTHER: (
        ("Hospi", "Sani", "Logi", "Facili", "Steri"),
        ("serv", "supply", "clean", "care", "works"),
    ),
}
BRAND_SECTOR_WORDS = ("", "", "Health", "Medical", "Solutions", "Systems")
# Names real companies use that the stem-and-ending generator could otherwise produce.
REAL_BRANDS = {
    "biosyn", "carelink", "careflow", "carepath", "datalink", "datapath", "farmanova",
    "healthlink", "medilogic", "medisense", "pharmanova", "telelink", "vitalab",
}  # fmt: skip

STOP_WORDS = {
    "de", "des", "du", "la", "le", "les", "et", "of", "the", "and", "for", "für", "der", "die",
    "und", "del", "y", "e", "di", "delle", "dei", "da", "do", "dos", "das", "van", "voor", "w",
    "i", "na", "o", "z",
}  # fmt: skip

# An ASCII spelling for letters that Unicode decomposition does not reduce to ASCII.
_ASCII = str.maketrans(
    {"ß": "ss", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
     "ħ": "h", "Ħ": "H", "ı": "i", "œ": "oe", "Œ": "OE", "’": "", "'": ""}
)  # fmt: skip


def ascii_fold(text: str) -> str:
    """`Krüger` → `Kruger`, `Wiśniewski` → `Wisniewski`: for web addresses and e-mail names."""
    text = text.translate(_ASCII)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def slug_of(text: str, max_length: int = 60) -> str:
    """A lower-case ASCII slug of at most `max_length` characters, cut at a hyphen."""
    slug = slugify(ascii_fold(text))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "org"


def acronym_of(name: str) -> str:
    """Initials of a name's significant words (`Klinikum Nordheide` → `KN`), or ""."""
    words = [word for word in name.replace("—", " ").replace("-", " ").split() if word]
    letters = "".join(
        ascii_fold(word)[:1].upper() for word in words if word.lower() not in STOP_WORDS
    )
    return letters if 2 <= len(letters) <= 7 and letters.isalpha() else ""


# Compass words that tell apart two organisations of one kind in one place, by language.
QUALIFIERS: dict[str, tuple[str, ...]] = {
    "en": ("North", "South", "East", "West", "Central", "Upper"),
    "de": ("Nord", "Süd", "Ost", "West", "Mitte", "Land"),
    "fr": ("Nord", "Sud", "Est", "Ouest", "Centre"),
    "nl": ("Noord", "Zuid", "Oost", "West", "Centrum"),
    "es": ("Norte", "Sur", "Este", "Oeste", "Centro"),
    "it": ("Nord", "Sud", "Est", "Ovest", "Centro"),
    "pt": ("Norte", "Sul", "Este", "Oeste", "Centro"),
    "pl": ("Północ", "Południe", "Wschód", "Zachód", "Centrum"),
}
HYPHENATED_QUALIFIERS = {"de", "fr", "nl"}


def organisation_name(
    rng: random.Random, stakeholder_type: str, country: str, *, qualify: bool = False
) -> tuple[str, str]:
    """A fictional name of this type, in the country's language where known, and its place.

    The place is "" when the name has none. With `qualify` the place gets a compass word
    (`Nordheide-Süd`), for when the plain name is taken already.
    """
    data = COUNTRIES[country]
    if stakeholder_type in BRANDS:
        stems, endings = BRANDS[stakeholder_type]
        while True:
            brand = rng.choice(stems) + rng.choice(endings)
            if brand.lower() not in REAL_BRANDS:
                break
        words = [brand, rng.choice(BRAND_SECTOR_WORDS), data.brand if rng.random() < 0.5 else ""]
        return " ".join(word for word in [*words, data.company_form] if word), ""
    # Some organisations in every country use an English name for European work.
    language = "en" if rng.random() < 0.15 else rng.choice(data.languages)
    if language not in TEMPLATES:
        language = "en"
    kind = KIND_OF_TYPE[stakeholder_type]
    template = rng.choice(TEMPLATES[language].get(kind) or TEMPLATES["en"][kind])
    place = base_place = rng.choice(data.places)
    if qualify:
        qualifier = rng.choice(QUALIFIERS[language])
        joiner = "-" if language in HYPHENATED_QUALIFIERS else " "
        place = f"{place}{joiner}{qualifier}"
        if "{place}" not in template:
            # A national body: name the office instead.
            template += " — {place}"
    name = template.format(place=place, country=data.name.removeprefix("the "))
    return name, base_place if "{place}" in template else ""


def person_name(rng: random.Random, country: str) -> str:
    """A fictional person's full name from the country's name lists."""
    data = COUNTRIES[country]
    return f"{rng.choice(data.given_names)} {rng.choice(data.family_names)}"


@dataclass(frozen=True)
class InterestData:
    slug: str
    name: str
    phrase: str  # how a description mentions it: "...trains nurses in {phrase}"


INTERESTS: tuple[InterestData, ...] = (
    InterestData("digital-health", "Digital health", "digital health tools"),
    InterestData("ai-in-healthcare", "AI in healthcare", "the safe use of AI in clinical work"),
    InterestData("health-data", "Health data and interoperability", "health data exchange"),
    InterestData("green-skills", "Green skills and sustainable healthcare", "low-carbon care"),
    InterestData("patient-safety", "Patient safety", "patient safety"),
    InterestData("telehealth", "Telehealth", "telehealth and remote monitoring"),
    InterestData("medical-devices", "Medical devices", "the use of new medical devices"),
    InterestData("long-term-care", "Long-term care", "long-term and home care"),
    InterestData("nursing-workforce", "Nursing workforce", "nursing workforce development"),
    InterestData("cpd", "Continuing professional development", "professional development"),
    InterestData("micro-credentials", "Micro-credentials", "micro-credentials"),
    InterestData("skills-intelligence", "Skills intelligence", "skills forecasting"),
    InterestData("mental-health", "Mental health", "mental health care"),
    InterestData("public-health", "Public health", "public health and prevention"),
)

# Interests each kind of organisation tends to pick.
PREFERRED_INTERESTS: dict[str, tuple[str, ...]] = {
    "hospital": ("nursing-workforce", "patient-safety", "digital-health", "cpd", "green-skills"),
    "vet": ("nursing-workforce", "micro-credentials", "long-term-care", "digital-health"),
    "university": ("cpd", "micro-credentials", "health-data", "ai-in-healthcare"),
    "academy": ("cpd", "micro-credentials", "digital-health"),
    "national": ("skills-intelligence", "public-health", "nursing-workforce"),
    "regional": ("skills-intelligence", "public-health", "long-term-care"),
    "local": ("public-health", "long-term-care", "mental-health"),
    "employers": ("skills-intelligence", "nursing-workforce", "long-term-care"),
    "union": ("nursing-workforce", "patient-safety", "mental-health"),
    "labour": ("skills-intelligence", "micro-credentials", "long-term-care"),
    "research": ("skills-intelligence", "health-data", "ai-in-healthcare"),
    "association": ("cpd", "micro-credentials", "nursing-workforce"),
    "patients": ("patient-safety", "mental-health", "public-health"),
    "other": ("green-skills", "digital-health", "cpd"),
    "medtech": ("medical-devices", "digital-health", "patient-safety"),
    "pharma": ("patient-safety", "cpd", "green-skills"),
    "biotech": ("health-data", "ai-in-healthcare", "cpd"),
    "digital": ("telehealth", "ai-in-healthcare", "health-data", "digital-health"),
    "industry": ("green-skills", "medical-devices", "digital-health"),
}
INDUSTRY_KIND: dict[str, str] = {
    StakeholderType.INDUSTRY_MEDTECH: "medtech",
    StakeholderType.INDUSTRY_PHARMA: "pharma",
    StakeholderType.INDUSTRY_BIOTECH: "biotech",
    StakeholderType.INDUSTRY_DIGITAL_HEALTH: "digital",
    StakeholderType.INDUSTRY_OTHER: "industry",
}

# What an organisation of each kind is, for the first sentence of its description.
WHAT_IT_IS: dict[str, tuple[str, ...]] = {
    "hospital": (
        "A teaching hospital serving {region}.",
        "A network of hospitals and care homes in {region}.",
        "A regional care provider in {region} with a large in-house training centre.",
    ),
    "vet": (
        "A vocational school in {region} training nurses, care assistants and medical technicians.",
        "A VET provider in {region} that runs apprenticeships in health and social care.",
    ),
    "university": (
        "A higher-education institution in {region} with faculties of nursing and medicine.",
        "A university of applied sciences in {region} educating health professionals.",
    ),
    "academy": ("A continuing-education provider for health professionals in {region}.",),
    "national": ("A national public body working on the health workforce of {country}.",),
    "regional": ("The regional public authority responsible for health services in {region}.",),
    "local": ("A local authority running community health and care services in {region}.",),
    "employers": ("An employers' organisation of hospitals and care providers in {country}.",),
    "union": ("A trade union representing nurses and care workers in {country}.",),
    "labour": (
        "A public employment service helping jobseekers in {region} into health careers.",
        "A labour-market intermediary matching health employers and jobseekers in {region}.",
    ),
    "research": ("A research institute in {region} studying health services and workforce.",),
    "association": (
        "A professional association and network of health educators and practitioners.",
        "A network of organisations that train and employ health professionals in {country}.",
    ),
    "patients": ("A patient and carer organisation active across {country}.",),
    "other": ("A non-profit foundation in {region} supporting careers in health and care.",),
    "medtech": ("A medical-technology company based in {region}.",),
    "pharma": ("A pharmaceutical company with production and research sites in {country}.",),
    "biotech": ("A biotechnology company in {region} developing cell and gene therapies.",),
    "digital": ("A digital-health company in {region} building software for clinical teams.",),
    "industry": ("A supplier of services and equipment to hospitals in {country}.",),
}
WHAT_IT_DOES = (
    "It upskills its nurses, doctors and allied health professionals in {first} and {second}.",
    "Its training centre runs short courses on {first} for clinical and care staff.",
    "It works with hospitals and schools on {first}, and trains health workers in {second}.",
    "It offers health workers training and recognised certificates in {first}.",
)
WHAT_IT_PLEDGED = (
    "It has pledged to upskill {count} health workers by 2030.",
    "It offers placements and apprenticeships to students of health professions.",
    "It shares its course materials with other members of the partnership.",
)

APPLICATION_MOTIVATIONS = (
    "We train several hundred health workers a year and want to align our courses with the "
    "partnership's skills strategy.",
    "We would like to join a working group on digital skills and share our experience with "
    "micro-credentials.",
    "Our region faces a shortage of nurses; we want to learn from other members and find "
    "partners for a joint training programme.",
)
INFO_REQUESTS = (
    "Could you add your Pact for Skills registration reference? We could not find your "
    "organisation in the Pact's register.",
    "Please describe in a few sentences which health professions your training addresses.",
    "Your website does not mention the organisation's legal name; could you send a link to "
    "its entry in the business register?",
)
INFO_REPLIES = (
    "Thank you; we have added our registration reference and a short description.",
    "We train nurses, care assistants and radiographers; the description is updated.",
)
REJECTION_REASONS = (
    "Not a signatory of the Pact for Skills yet; please register first and apply again.",
    "Your organisation works outside the health ecosystem this partnership covers; the Pact "
    "for Skills has partnerships for other ecosystems that may suit you better.",
    "We could not verify the organisation from the website and reference given; please apply "
    "again with the official website and registration reference.",
    "Your parent organisation is already a member; please ask its contact to invite you instead.",
)
APPROVAL_MESSAGES = (
    "Approved. Welcome to the partnership.",
    "Approved — welcome! Please have a look at the working groups.",
)
WITHDRAWAL_REPLIES = (
    "We will apply together with our parent organisation instead.",
    "We are withdrawing for now and will apply again after our Pact for Skills registration.",
)


@dataclass(frozen=True)
class WorkingGroupData:
    name: str
    slug: str
    description: str
    interests: tuple[str, ...]
    meetings: tuple[str, ...]
    documents: tuple[tuple[str, str], ...]  # (title, file name)


WORKING_GROUPS: tuple[WorkingGroupData, ...] = (
    WorkingGroupData(
        "Digital skills for nurses",
        "digital-skills-for-nurses",
        "Curricula, courses and assessment of the digital skills nurses need at the bedside and "
        "in the community.",
        ("digital-health", "nursing-workforce", "telehealth"),
        ("Kick-off: mapping digital skills", "Review of the draft curriculum", "Pilot results"),
        (("Terms of reference", "terms-of-reference.pdf"), ("Meeting notes", "meeting-notes.md")),
    ),
    WorkingGroupData(
        "Green and sustainable healthcare",
        "green-and-sustainable-healthcare",
        "Skills for low-carbon, resource-efficient hospitals and care: procurement, energy, "
        "waste and sustainable clinical practice.",
        ("green-skills", "medical-devices", "public-health"),
        ("Green skills inventory", "Sustainable procurement training"),
        (("Work plan", "work-plan.pdf"),),
    ),
    WorkingGroupData(
        "Health data and AI",
        "health-data-and-ai",
        "What clinicians, managers and data specialists need to know to use health data and AI "
        "safely, and how to teach it.",
        ("health-data", "ai-in-healthcare", "digital-health"),
        ("AI literacy for clinicians", "European Health Data Space: what changes for staff"),
        (("Reading list", "reading-list.md"), ("Position paper draft", "position-paper.pdf")),
    ),
    WorkingGroupData(
        "Skills intelligence and forecasting",
        "skills-intelligence-and-forecasting",
        "Shared methods to map employers' skill needs, run surveys and forecast skill gaps in "
        "the health workforce.",
        ("skills-intelligence", "nursing-workforce", "public-health"),
        ("Survey design workshop", "First results of the flash survey", "Forecasting methods"),
        (("Survey questionnaire", "survey-questionnaire.pdf"),),
    ),
    WorkingGroupData(
        "Micro-credentials and recognition",
        "micro-credentials-and-recognition",
        "Designing micro-credentials for health workers that employers and other member states "
        "recognise.",
        ("micro-credentials", "cpd"),
        ("Quality criteria for micro-credentials", "Recognition across borders"),
        (("Quality criteria", "quality-criteria.pdf"), ("Glossary", "glossary.md")),
    ),
)
MEETING_PLACES = (
    "Online — the link is sent to participants",
    "Brussels and online",
    "Online — the link is sent to participants",
    "Hosted by a member in Lisbon, and online",
)
