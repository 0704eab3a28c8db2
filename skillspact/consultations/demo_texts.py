"""The words of the demo consultations: a health-workforce skills strategy in two versions, and
what respondents wrote about it (mostly English, some French, German and Spanish).

Fictional, but written to read like a real consultation: `demo_data` combines these pieces with
a seeded random generator.
"""

from __future__ import annotations

DOCUMENT_TITLE = "Skills strategy for the health workforce 2026–2030"
DOCUMENT_SLUG = "health-workforce-skills-strategy"

PAST_TITLE = "Consultation on the draft skills strategy (version 1)"
PAST_SLUG = "skills-strategy-consultation-2025"
PAST_INTRODUCTION = """\
The partnership drafted a skills strategy for the health workforce: what digital and green skills
every health worker needs by 2030, who provides the training, and how we will know it works.

Read each section, say whether you support it, and tell us what should change. Comments are
public; you decide whether your name appears with them."""

OPEN_TITLE = "Consultation on the revised skills strategy (version 2)"
OPEN_SLUG = "skills-strategy-consultation-2026"
OPEN_INTRODUCTION = """\
Thank you to everyone who answered the first consultation. **Version 2** takes up many of your
comments: protected learning time is now a target, the green section covers hospital buildings
and procurement, and a new section deals with artificial intelligence and patient safety.

See [what changed and why](/consultations/skills-strategy-consultation-2025/results/), then
tell us whether version 2 gets it right."""

QUESTIONS = [
    ("Which one skill gap worries you most in your workplace?", "text", []),
    (
        "How much paid time for training do staff in your workplace get each year?",
        "choice",
        ["None", "Less than 1 day", "1 to 3 days", "More than 3 days", "I don't know"],
    ),
]
ANSWERS_TEXT = [
    "Using the electronic health record properly: half of our night staff avoid it.",
    "Basic cybersecurity. Phishing e-mails reach the wards every week.",
    "Reading and questioning data dashboards.",
    "Nobody knows how to reduce the waste we produce in theatres.",
    "Remote monitoring of patients at home; the devices arrive before the training.",
    "Digital skills of older colleagues in long-term care.",
    "Explaining to patients how their data is used.",
    "La prise en main des outils de télésurveillance.",
    "Der Umgang mit der elektronischen Patientenakte.",
    "El uso seguro de la inteligencia artificial en el diagnóstico.",
]

# (heading, body) of version 1, in order.
V1_SECTIONS: list[tuple[str, str]] = [
    (
        "Purpose and scope",
        """\
This strategy sets out how the partnership will help the health and care workforce gain the
digital and green skills it needs by 2030. It covers everyone who works in health and long-term
care — clinical and non-clinical staff, in hospitals, primary care, community and home care —
and the education and training providers who prepare them.

It complements national workforce plans; it does not replace them. Members commit to actions
under it through the Pact for Skills, and report on them every year.""",
    ),
    (
        "The health workforce today",
        """\
Europe's health systems employ about 18 million people. Many regions report shortages of
nurses, care assistants and some medical specialties, and a large share of staff will retire
within ten years.

At the same time the work changes: electronic health records, remote monitoring and decision
support tools reach every ward, and health systems must cut their environmental footprint.
Surveys of our members show that one health worker in three does not feel confident with the
digital tools they use every day.""",
    ),
    (
        "Digital skills for every health worker",
        """\
By 2030, every health worker should reach at least the *intermediate* level of the European
Digital Competence Framework (DigComp) in the areas their job needs:

- using electronic health records accurately and safely;
- protecting patient data and recognising phishing and other cyber threats;
- communicating with patients and colleagues through digital channels;
- finding and judging reliable health information online.

Members will offer short, practical courses, in working hours where possible, and a free
self-assessment of digital skills.""",
    ),
    (
        "Advanced digital and data skills",
        """\
A growing number of roles need more than basic digital skills: clinical informatics
specialists, data analysts, staff who run telehealth services, and clinicians who use decision
support and artificial intelligence.

The partnership will map these roles with ESCO, agree shared learning outcomes with
universities and VET providers, and double the number of places on accredited courses in health
data and informatics by 2030.""",
    ),
    (
        "Telehealth and remote care",
        """\
Video consultations, remote monitoring and home hospitalisation are here to stay. Staff who
deliver them need skills that classroom training rarely covers: running a video consultation
well, triage at a distance, setting up and checking devices in the patient's home, and knowing
when a patient must be seen in person.

Members will develop simulation-based training for telehealth, open to staff of all
professions.""",
    ),
    (
        "Green skills and sustainable healthcare",
        """\
Health care produces about 5% of Europe's greenhouse gas emissions. Every health worker can
help reduce them: less waste and better sorting, fewer single-use items, lower-carbon
anaesthetic gases and inhalers, and care pathways that avoid unnecessary travel.

The partnership will develop a basic module on sustainable healthcare for all staff and
specialised training for theatre teams, pharmacists and managers.""",
    ),
    (
        "Learning time and funding",
        """\
Skills cannot be built in staff's free time. Employers should plan time for learning in
rotas, and use European, national and regional funds to pay for training and replacement
staff.

The partnership will publish a guide to the funding programmes available (ESF+, the Recovery
and Resilience Facility, EU4Health, Erasmus+) and help small employers apply.""",
    ),
    (
        "Recognising what people learn",
        """\
Short courses are only worth taking if employers and other countries recognise them. The
partnership will describe its courses in learning outcomes linked to ESCO skills, issue
micro-credentials that follow the European approach, and work with regulators so that they
count toward continuing professional development.""",
    ),
    (
        "Reaching every region and workplace",
        """\
Training offers are concentrated in large university hospitals. Staff in rural areas, in small
practices, in long-term care and in home care have the least access, yet often the greatest
need.

Members will share courses online and in regional hubs, and larger organisations will open
their training to staff of smaller ones nearby.""",
    ),
    (
        "Governance, monitoring and targets",
        """\
The partnership's steering group oversees the strategy; its working groups on digital and green
skills turn it into actions. Progress is measured every year through the members' reports:
people trained, training programmes created, and money invested.

Targets for 2030: 500,000 health workers trained in digital skills, 100,000 in green skills,
and 200 new or updated training programmes.""",
    ),
]

# What version 2 changes: a new body for these sections (by heading) ...
V2_CHANGED: dict[str, str] = {
    "Digital skills for every health worker": """\
By 2030, every health worker — including healthcare assistants, porters, administrative staff
and the staff of long-term care — should reach at least the *intermediate* level of the
European Digital Competence Framework (DigComp) in the areas their job needs:

- using electronic health records accurately and safely;
- protecting patient data and recognising phishing and other cyber threats;
- communicating with patients and colleagues through digital channels;
- finding and judging reliable health information online;
- helping patients use digital health services, without leaving behind those who cannot.

Members will offer short, practical courses in working hours, a free self-assessment of
digital skills, and digital champions on every ward who help colleagues on the job.""",
    "Green skills and sustainable healthcare": """\
Health care produces about 5% of Europe's greenhouse gas emissions. Every health worker can
help reduce them: less waste and better sorting, fewer single-use items, lower-carbon
anaesthetic gases and inhalers, and care pathways that avoid unnecessary travel.

Hospitals' buildings use a great deal of energy for heating, cooling, ventilation and
lighting. Estates and facilities staff need training in energy management, and procurement
teams in buying sustainable products and services.

The partnership will develop a basic module on sustainable healthcare for all staff and
specialised training for theatre teams, pharmacists, estates staff, procurement teams and
managers.""",
    "Learning time and funding": """\
Skills cannot be built in staff's free time. Every health worker should have **at least three
days of protected learning time a year**, planned in rotas and paid, with replacement staff
where the service needs it. Members report every year how much protected learning time their
staff had.

The partnership will publish a guide to the funding programmes available (ESF+, the Recovery
and Resilience Facility, EU4Health, Erasmus+), help small employers apply, and work with
social partners so that learning time becomes part of collective agreements.""",
}
# ... and this section is new, after the section with the first heading.
V2_ADDED = (
    "Advanced digital and data skills",
    "Artificial intelligence and patient safety",
    """\
Artificial intelligence already supports diagnosis, triage and scheduling. Used without the
right skills it can also harm patients: a tool that is trusted too much, or data that does not
represent every group of patients.

Every clinician who uses AI tools should understand what the tool does and does not do, how to
check its output, how to report errors, and how to explain its role to patients. The
partnership will develop a short course on the safe and ethical use of AI in care, with
patient organisations.""",
)
V2_SUMMARY = (
    "Takes up the first consultation: protected learning time, the staff of long-term care, "
    "hospital buildings and procurement, and a new section on artificial intelligence."
)
EXPLANATIONS: dict[str, str] = {
    "Digital skills for every health worker": (
        "Many of you asked that the section name healthcare assistants, porters, administrative "
        "staff and long-term care, and that it say how colleagues learn on the job. It now does, "
        "with digital champions on every ward."
    ),
    "Green skills and sustainable healthcare": (
        "You told us that buildings and purchasing matter as much as what happens on the ward. "
        "The section now covers the energy use of hospital buildings and sustainable "
        "procurement."
    ),
    "Learning time and funding": (
        "The most frequent comment of the consultation: training needs protected time. The "
        "strategy now sets a target of three paid days a year, reported by the members."
    ),
    "Artificial intelligence and patient safety": (
        "Patient organisations and clinicians asked for a section on the safe use of AI. This "
        "new section answers them."
    ),
}

# Replies of the secretariat to comments, by outcome.
REPLIES = {
    "accepted": [
        "Thank you: version 2 says this in so many words.",
        "We agree and changed the section accordingly.",
        "Taken up in version 2 — see the changed section.",
    ],
    "partly": [
        "We took up part of this; the rest belongs in national plans rather than in this strategy.",
        "Partly taken up: the section now mentions it, without a target for now.",
    ],
    "not_taken": [
        "We understand the concern, but this is for each employer to decide.",
        "Thank you. We kept the text as it is: the working groups will come back to this.",
        "Outside the scope of the strategy, which covers skills rather than staffing levels.",
    ],
}

# What respondents wrote, by section heading: the point they make.
POINTS: dict[str, list[str]] = {
    "Purpose and scope": [
        "The scope should say explicitly that it includes long-term care and home care, not only "
        "hospitals.",
        "Please add pharmacists and laboratory staff to the list of professions covered.",
        "It is not clear how this strategy relates to the national workforce plans; who decides "
        "when they disagree?",
        "Good that non-clinical staff are included. They are usually forgotten.",
        "Patients and carers should be named as partners in this strategy, not only as "
        "beneficiaries.",
    ],
    "The health workforce today": [
        "The figures on shortages are a few years old; more recent data from the OECD shows the "
        "gap is wider for nurses.",
        "Staff leave because of workload, not only because of age. The analysis should say so.",
        "The one-in-three figure matches what we see: many colleagues hide that they struggle "
        "with the digital tools.",
        "Migration of health workers between member states deserves a paragraph.",
    ],
    "Digital skills for every health worker": [
        "Healthcare assistants and porters use the electronic health record too; they must be "
        "named in this section.",
        "DigComp intermediate level is ambitious for staff who never used a computer at work. "
        "Start with the basics.",
        "Courses are useless if the software is different in every hospital. Training should "
        "use the systems people actually work with.",
        "Cybersecurity awareness should be mandatory and repeated every year, not a one-off "
        "course.",
        "We had good results with digital champions on each ward who help colleagues on the job.",
        "Long-term care homes have almost no IT support; the section should say how their staff "
        "will be reached.",
        "Please include helping patients use digital services: many older patients need staff "
        "to show them.",
    ],
    "Advanced digital and data skills": [
        "Clinical informatics is not recognised as a profession in most countries; the strategy "
        "should push for that.",
        "Doubling course places is fine, but who will teach them? There are very few trainers in "
        "health data.",
        "Data analysis skills matter for managers and quality teams as much as for specialists.",
        "Artificial intelligence deserves its own section: the risks for patient safety are real.",
        "Universities and VET providers need shared learning outcomes, otherwise every course "
        "teaches something different.",
    ],
    "Artificial intelligence and patient safety": [
        "Good to see this section. Please add that staff must be able to override the tool "
        "without blame.",
        "Patients should be told when AI is used in their care; the section should say who "
        "explains it.",
        "Bias in the data is the main risk: training should show concrete examples from "
        "dermatology and radiology.",
        "Reporting errors of AI tools should go through the normal incident reporting system.",
        "The course should be short and practical, not a lecture on machine learning.",
    ],
    "Telehealth and remote care": [
        "Triage at a distance needs protocols, not only skills. Who writes them?",
        "Home devices arrive before the training: staff learn by trial and error with the "
        "patient watching.",
        "Simulation-based training works well for video consultations; we can share our scenarios.",
        "Remote care must not replace home visits for patients who are alone.",
        "Include interpreters and cultural mediators in telehealth training.",
    ],
    "Green skills and sustainable healthcare": [
        "The energy use of hospital buildings is the biggest lever; estates staff need training "
        "too.",
        "Anaesthetic gases like desflurane have a huge footprint. Theatre teams need this "
        "training first.",
        "Procurement decides what single-use items we get; train the buyers, not only the nurses.",
        "Waste sorting training exists already in many hospitals. Measure what it achieves "
        "before adding more.",
        "The energy use of our hospital fell 15% after we trained facilities staff and switched "
        "off ventilation in empty theatres.",
        "Green skills should be part of initial education of nurses and doctors, not only "
        "continuing training.",
    ],
    "Learning time and funding": [
        "Without protected training time nothing in this strategy will happen. Please set a "
        "minimum number of days per year.",
        "Staff do online courses at home in the evening, unpaid. Protected learning time must be "
        "in the rota.",
        "Small employers cannot release staff without paid replacement staff. Funding must "
        "cover the replacement.",
        "Protected training time should be part of collective agreements; the social partners "
        "must be involved.",
        "The funding guide is welcome. Applying for ESF+ is too complicated for a small care home.",
        "Three days of protected learning time per year would already change a lot on our wards.",
        "Managers need training time too: they are the ones who must plan it for others.",
    ],
    "Recognising what people learn": [
        "Micro-credentials only help if the regulators count them for continuing professional "
        "development.",
        "Linking courses to ESCO skills is useful, but staff do not know what ESCO is. Keep it "
        "behind the scenes.",
        "Recognition across borders matters for the many nurses who move between countries.",
        "Please make sure micro-credentials are free for the learner.",
    ],
    "Reaching every region and workplace": [
        "Rural hospitals lose staff who train in the city and never come back. Bring training "
        "to the regions.",
        "Regional hubs are a good idea; use the existing nursing schools rather than new "
        "buildings.",
        "Home care workers are paid by the visit; they cannot attend courses without losing "
        "income.",
        "Online courses need decent internet. Many care homes in our region do not have it.",
        "Large hospitals opening their courses to small employers nearby works well in our "
        "network.",
    ],
    "Governance, monitoring and targets": [
        "People trained is a poor measure. Measure whether practice changed.",
        "The targets should be broken down by profession and by region, or the big hospitals "
        "will meet them alone.",
        "Patient organisations and trade unions should sit on the steering group.",
        "Report protected learning time as an indicator, not only people trained.",
        "A target of 100,000 in green skills is too low compared to 500,000 in digital skills.",
    ],
}

FOREIGN_POINTS: dict[str, list[str]] = {
    "Digital skills for every health worker": [
        "Les aides-soignants utilisent aussi le dossier patient informatisé : il faut les former "
        "en priorité.",
        "Die Schulungen müssen während der Arbeitszeit stattfinden, nicht am Abend nach dem "
        "Dienst.",
        "La formación debe hacerse con los programas que usamos cada día en el hospital.",
    ],
    "Learning time and funding": [
        "Sans temps de formation protégé, cette stratégie restera lettre morte.",
        "Wir brauchen geschützte Lernzeit im Dienstplan, mindestens drei Tage im Jahr.",
        "Sin tiempo protegido para la formación, nadie podrá hacer estos cursos.",
    ],
    "Green skills and sustainable healthcare": [
        "La consommation d'énergie des bâtiments hospitaliers est le premier levier.",
        "Der Energieverbrauch unserer Klinik ist enorm; das technische Personal braucht "
        "Schulungen.",
        "Los gases anestésicos tienen un impacto enorme; hay que formar a los equipos de "
        "quirófano.",
    ],
    "Telehealth and remote care": [
        "La télésurveillance arrive chez les patients avant la formation des équipes.",
        "Für Videosprechstunden brauchen wir Simulationstraining.",
    ],
    "Reaching every region and workplace": [
        "Les zones rurales doivent avoir accès aux mêmes formations que les CHU.",
        "En las zonas rurales no hay conexión suficiente para los cursos en línea.",
    ],
    "Artificial intelligence and patient safety": [
        "Les patients doivent savoir quand l'intelligence artificielle est utilisée.",
        "Das Personal muss die KI-Empfehlung jederzeit übergehen dürfen.",
    ],
}

# How people open a comment, by what they answer as ("" fits anyone).
OPENERS: dict[str, list[str]] = {
    "healthcare_provider": [
        "As a ward nurse in a regional hospital, I see this every day.",
        "Speaking for our hospital's education team:",
        "From the point of view of a care home manager:",
        "In our primary care practice we see the same problem.",
    ],
    "education_vet": ["As a VET provider training care assistants:", "From our nursing school:"],
    "education_higher": ["From a university's point of view:", "As a lecturer in nursing:"],
    "social_partner_trade_union": ["On behalf of our trade union:", "Our members tell us:"],
    "social_partner_employers": ["For the employers we represent:"],
    "industry_medtech": ["From a MedTech company's perspective:"],
    "industry_digital_health": ["As a digital health company working with hospitals:"],
    "civil_society": ["As a patient organisation:", "Speaking for patients and carers:"],
    "public_regional": ["Our regional health authority agrees in principle.", "For our region:"],
    "": ["", "", "", "", "Overall a good section.", "One point:", "Two remarks."],
}
CLOSERS = [
    "",
    "",
    "",
    "",
    "",
    "We would be glad to share our experience.",
    "Happy to discuss this in the working group.",
    "Thank you for the opportunity to comment.",
    "Otherwise we support this section.",
    "This should be a priority.",
]
REPLY_TEXTS = [
    "Agreed. We see exactly the same in our region.",
    "I agree, and would add the night shifts: they never get any training.",
    "Not in our experience: our staff found the online modules easy to fit in.",
    "Same here. It only worked when the manager planned the time in the rota.",
    "+1 — this is the main problem.",
    "Could you share the material you used? It sounds useful.",
    "D'accord avec ce commentaire.",
    "Dem stimme ich zu.",
]
# What amendments to version 2 add to a changed section.
AMENDMENT_ADDITIONS = {
    "Digital skills for every health worker": (
        "Every employer names a digital skills lead who reports on progress once a year."
    ),
    "Green skills and sustainable healthcare": (
        "Every hospital publishes its energy use and its reduction targets for 2030."
    ),
    "Learning time and funding": (
        "Part-time staff get protected learning time in proportion to their hours, and night "
        "staff get the same days as day staff."
    ),
}
AMENDMENT_RATIONALES = [
    "The section should name the staff who are most often left out.",
    "A target makes the commitment measurable.",
    "Clearer, and closer to what members can actually do.",
]
REPORT_REASONS = [
    "Advertising for a commercial course.",
    "This is spam.",
    "Off-topic advertisement.",
    "Personal attack on a named manager.",
]
SPAM_COMMENT = (
    "Get certified in 3 days!!! Our online academy sells DigComp certificates for every nurse, "
    "cheapest price in Europe, write to us now."
)
RUDE_COMMENT = (
    "The people who wrote this section have clearly never worked a night shift. Typical of the "
    "management in our hospital."
)
