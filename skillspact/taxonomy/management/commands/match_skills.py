"""`python -m skillspact match_skills --top 10 < queries.jsonl > results.jsonl`"""

from collections.abc import Sequence

from skillspact.taxonomy.engine import Match, MatchingEngine
from skillspact.taxonomy.management.matchcli import MatchCommand


class Command(MatchCommand):
    help = 'Match texts to ESCO skills: {"id", "text"} lines in, {"id", "matches"} lines out.'

    def match(self, engine: MatchingEngine, texts: Sequence[str], top: int) -> list[list[Match]]:
        return engine.match_skills(texts, top=top)
