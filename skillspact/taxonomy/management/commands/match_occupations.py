"""`python -m skillspact match_occupations --top 10 < titles.jsonl > results.jsonl`"""

from collections.abc import Sequence

from skillspact.taxonomy.engine import Match, MatchingEngine
from skillspact.taxonomy.management.matchcli import MatchCommand


class Command(MatchCommand):
    help = "Match job titles to ESCO occupations and local roles, as JSON lines."

    def match(self, engine: MatchingEngine, texts: Sequence[str], top: int) -> list[list[Match]]:
        return engine.match_occupations(texts, top=top)
