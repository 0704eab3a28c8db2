"""Skills matching for the ESCO taxonomy: free text -> skills, job titles -> occupations.

Framework-free (no Django imports): the taxonomy app feeds it concept dicts from its database,
the benchmark and tests feed it straight from the ESCO CSV files. See README.md.

    from skillspact.taxonomy.engine import build_engine
    engine = build_engine(concept_dicts, version="esco-v1.1.1", cache_dir="var/engine")
    engine.match_skills(["Experience caring for pigs."], top=5)
    engine.match_occupations(["infirmier"], top=3)
"""

from .concepts import Concept, concept_from_dict
from .encoder import Encoder, HashingEncoder, UseEncoder
from .engine import EngineParams, Match, MatchingEngine, build_engine
from .esco import load_esco_concepts, load_examples
from .text import normalise, split_sentences, terms, tokenize
from .vectors import VectorStore

__all__ = [
    "Concept",
    "Encoder",
    "EngineParams",
    "HashingEncoder",
    "Match",
    "MatchingEngine",
    "UseEncoder",
    "VectorStore",
    "build_engine",
    "concept_from_dict",
    "load_esco_concepts",
    "load_examples",
    "normalise",
    "split_sentences",
    "terms",
    "tokenize",
]
