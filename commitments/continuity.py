"""Suggest which lines of a plan continue which lines of the plans before it.

The earlier plans are in Chinese only, so the texts compared are the Chinese ones: each line's
heading and text become a vector of its character bigrams and trigrams (runs of Chinese
characters only, so punctuation, numbers and the different dashes of the documents do not
count), weighted by TF-IDF over the lines of the plans compared, and two lines score the cosine
of their vectors, 0 to 1. Standard library only; nothing is fetched.

A pair is suggested when it is among the ``TOP`` best for either of its lines and scores at
least ``MIN_SCORE``. Suggesting again never undoes a decision: an existing link keeps its state
and only has its score brought up to date.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from .models import ActionLine, LineLink, Plan

CHINESE = re.compile(r"[\u4e00-\u9fff\uf900-\ufaff]+")
GRAMS = (2, 3)
# Read off the seeds: every pair checked by reading both texts scores above 0.25, and below
# 0.15 the best candidates of a line share only stock phrases (中国—东盟, 加强合作).
MIN_SCORE = 0.15
TOP = 3
# The change reason of the history record of a suggestion.
SUGGESTED = "suggested by the similarity of the Chinese texts"

Vector = dict[str, float]


def grams(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in CHINESE.findall(text):
        for n in GRAMS:
            counts.update(run[i : i + n] for i in range(len(run) - n + 1))
    return counts


def vectors(texts: dict[int, str]) -> dict[int, Vector]:
    """Unit TF-IDF vectors (sublinear term frequency) of the texts, by key."""
    counted = {key: grams(text) for key, text in texts.items()}
    frequency: Counter[str] = Counter()
    for counts in counted.values():
        frequency.update(counts.keys())
    total = len(counted)
    result = {}
    for key, counts in counted.items():
        weights = {g: (1 + math.log(c)) * math.log(total / frequency[g]) for g, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        result[key] = {g: w / norm for g, w in weights.items() if w}
    return result


def line_text(line: ActionLine) -> str:
    return f"{line.heading_zh}\n{line.text_zh}"


def scores(earlier: list[ActionLine], later: list[ActionLine]) -> dict[tuple[int, int], float]:
    """The cosine similarity of every pair (earlier pk, later pk) that shares a weighted n-gram.

    Summed through an index of the later lines by n-gram, so that only the products that are not
    zero are computed: comparing every pair gram by gram took four times as long.
    """
    vector = vectors({line.pk: line_text(line) for line in [*earlier, *later]})
    index: dict[str, list[tuple[int, float]]] = {}
    for new in later:
        for gram, weight in vector[new.pk].items():
            index.setdefault(gram, []).append((new.pk, weight))
    result = {}
    for old in earlier:
        totals: Counter[int] = Counter()
        for gram, weight in vector[old.pk].items():
            for new_pk, new_weight in index.get(gram, ()):
                totals[new_pk] += weight * new_weight
        result |= {(old.pk, new_pk): round(total, 4) for new_pk, total in totals.items() if total > 0}
    return result


def best_pairs(scored: dict[tuple[int, int], float]) -> dict[tuple[int, int], float]:
    """The pairs among the ``TOP`` of either line that score at least ``MIN_SCORE``."""
    by_line: dict[tuple[str, int], list[tuple[float, tuple[int, int]]]] = {}
    for pair, score in scored.items():
        if score >= MIN_SCORE:
            by_line.setdefault(("old", pair[0]), []).append((score, pair))
            by_line.setdefault(("new", pair[1]), []).append((score, pair))
    chosen = {}
    for candidates in by_line.values():
        for score, pair in sorted(candidates, reverse=True)[:TOP]:
            chosen[pair] = score
    return chosen


@dataclass
class SuggestionCounts:
    plan: str
    earlier: list[str] = field(default_factory=list)
    new: int = 0
    rescored: int = 0
    unchanged: int = 0

    def line(self) -> str:
        return (
            f"{self.plan} (continuing {', '.join(self.earlier) or 'no earlier plan'}): {self.new} links "
            f"suggested, {self.rescored} rescored, {self.unchanged} unchanged."
        )


def suggest_links(plan: Plan) -> SuggestionCounts:
    """Suggest the links from the lines of every plan before ``plan`` to its lines, in one transaction."""
    earlier_plans = Plan.objects.preceding(plan)
    counts = SuggestionCounts(plan.code, [earlier.code for earlier in earlier_plans])
    later = list(ActionLine.objects.for_plan(plan).in_source())
    chosen: dict[tuple[int, int], float] = {}
    for earlier_plan in earlier_plans:
        earlier = list(ActionLine.objects.for_plan(earlier_plan).in_source())
        chosen |= best_pairs(scores(earlier, later))
    with transaction.atomic():
        existing = {
            (link.predecessor_id, link.successor_id): link
            for link in LineLink.objects.into_plan(plan).select_for_update()
        }
        rescored = []
        for pair, score in chosen.items():
            link = existing.get(pair)
            if link is None:
                counts.new += 1
            elif link.score != score:
                link.score = score
                rescored.append(link)
            else:
                counts.unchanged += 1
        bulk_create_with_history(
            [
                LineLink(predecessor_id=old, successor_id=new, score=score)
                for (old, new), score in chosen.items()
                if (old, new) not in existing
            ],
            LineLink,
            default_change_reason=SUGGESTED,
        )
        # A new score is the tracker's reading, not a decision: kept without a history record.
        LineLink.objects.bulk_update(rescored, ["score"])
        counts.rescored = len(rescored)
    return counts
