"""Suggesting a content area (Decree 45/2012's KC1-KC9) for a task from its name and result.

A small transparent model, plain Python: TF-IDF over the words of a text folded of diacritics
(unigrams and bigrams, the documents' abbreviations spelled out), cosine similarity, nearest
neighbours. It learns from the curated mapping of data/ (content_area_map.csv: area and reason,
joined with tasks.csv: name and expected result) and from the decree's own descriptions of the
areas (reference/content_areas.csv). A suggestion says why: the closest mapped task and the
words the two texts share.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from plans import settings
from plans.data.reading import _fold
from plans.messages import t

LIST_ID = "ND45-2012"  # the list whose descriptions and codes the model knows
# The stored reasons (content_area_map.reason is data, in the documents' language).
SUGGESTED_REASON = "Đề xuất tự động: {why}"
IMPORTER_REASON = "Người nhập chọn"
# Below this confidence (the best area's lead over the next) a suggestion is shown, not stored:
# the task stays without an area (a warning) for the importer to choose. Held out one at a time,
# the seed tasks' wrong suggestions all lead by 0,09 or more, so no threshold removes them
# without removing more right ones; 0,05 only withholds near-ties, where the text fits two
# areas about equally and a person should choose.
MIN_CONFIDENCE = 0.05
NEIGHBOURS = 3  # the closest examples that vote, weighted by their similarity
CENTROID_WEIGHT = 0.5  # the area's profile counts as much as the neighbours' vote

# The documents' abbreviations, spelled out before counting words (folded, whole words only).
# "HN" is left alone: it stands for "hội nghị" in 002 and for "Hà Nội" elsewhere.
ABBREVIATIONS: dict[str, str] = {
    "cnnt": "cong nghiep nong thon",
    "cnht": "cong nghiep ho tro",
    "ccn": "cum cong nghiep",
    "sxsh": "san xuat sach hon",
    "dn": "doanh nghiep",
    "kc": "khuyen cong",
    "sp": "san pham",
    "qh": "quy hoach",
    "tcmn": "thu cong my nghe",
    "spcnnttb": "san pham cong nghiep nong thon tieu bieu",
    "spccnttb": "san pham cong nghiep nong thon tieu bieu",
}
# Words that say nothing about an area: they occur in almost every task.
STOPWORDS = frozenset(
    """va cac cho cua voi the nhu tai tren trong duoc la co de tu den nam theo ve mot so
    nhung khi thi ra vao hoac cung nay do tung moi lan luot khoang tren duoi
    to chuc ho tro thuc hien nham nhiem vu khac
    ha noi hung yen thu do thanh pho tinh dia ban""".split()  # place names say nothing either
)
_WORD = re.compile(r"[a-z]+")


def _tokens(text: str) -> list[str]:
    """The folded words of a text, abbreviations spelled out, numbers dropped."""
    out: list[str] = []
    for word in _WORD.findall(_fold(text)):
        out.extend(ABBREVIATIONS.get(word, word).split())
    return [w for w in out if len(w) > 1]


def words(text: str) -> list[str]:
    """`_tokens(text)` without the stopwords."""
    return [w for w in _tokens(text) if w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Words and word pairs: 'hoi cho' (a fair) and 'trinh dien' tell more than 'hoi'.

    Pairs are taken before the stopwords go ('cho' is "for", but 'hoi cho' a fair); a pair of
    two stopwords is dropped.
    """
    ws = _tokens(text)
    pairs = [f"{a} {b}" for a, b in pairwise(ws)]
    return [w for w in ws if w not in STOPWORDS] + [
        p for p in pairs if not set(p.split()) <= STOPWORDS
    ]


@dataclass(frozen=True)
class Example:
    """One text the model learned from: a mapped task, or an area's description."""

    area: str
    text: str
    programme_id: str = ""  # '' for the decree's description
    task_code: str = ""
    task_name: str = ""


@dataclass(frozen=True)
class Suggestion:
    """An area for a task, how sure the model is (0-1), and why, in Vietnamese (stored)."""

    area: str
    confidence: float
    reason: str
    neighbour: Example | None = None
    shared: tuple[str, ...] = ()  # the words the task shares with the neighbour

    def explain(self, lang: str) -> str:
        """The reason in the reader's language."""
        return _explain(self.area, self.neighbour, self.shared, lang)


def _explain(area: str, neighbour: Example | None, shared: tuple[str, ...], lang: str) -> str:
    joined = ", ".join(shared)
    if not area:
        return t("suggest.reason_none", lang)
    if neighbour is None or not neighbour.task_code:
        return t("suggest.reason_area", lang, area=area, words=joined)
    return t(
        "suggest.reason_task",
        lang,
        area=area,
        programme=neighbour.programme_id,
        task=neighbour.task_code,
        name=neighbour.task_name,
        words=joined,
    )


def _phrases(text: str, shared: set[str], limit: int = 4) -> tuple[str, ...]:
    """The runs of shared words as the text prints them ('tham gia hội chợ triển lãm').

    A stopword or a one-letter word inside a run is kept ('gây ô nhiễm'), never at its ends.
    """
    shared = shared - STOPWORDS
    runs: list[list[str]] = []
    run: list[str] = []
    pending: list[str] = []
    for word in re.findall(r"[^\W\d_]+", text):
        folded = _fold(word)
        spelled = set(ABBREVIATIONS.get(folded, folded).split())
        if spelled <= shared:
            run += [*pending, word.lower() if len(word) > 1 and not word.isupper() else word]
            pending = []
        elif run and (folded in STOPWORDS or len(folded) <= 1) and len(pending) < 2:
            pending.append(word.lower())
        else:
            if run:
                runs.append(run)
            run, pending = [], []
    if run:
        runs.append(run)
    phrases = dict.fromkeys(" ".join(r) for r in runs)
    return tuple(phrases)[:limit]


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {term: v / norm for term, v in vec.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(v * b.get(term, 0.0) for term, v in a.items())


@dataclass
class Model:
    """TF-IDF vectors of the examples and of each area's profile (the sum of its examples).

    An area's score for a text = CENTROID_WEIGHT × the cosine with the area's profile
    + (1 − CENTROID_WEIGHT) × the summed cosines of its examples among the NEIGHBOURS nearest.
    """

    examples: list[Example]
    idf: dict[str, float] = field(init=False)
    vectors: list[dict[str, float]] = field(init=False)
    profiles: dict[str, dict[str, float]] = field(init=False)

    def __post_init__(self) -> None:
        bags = [Counter(terms(e.text)) for e in self.examples]
        df = Counter(term for bag in bags for term in bag)
        n = len(bags)
        # smoothed idf: a word in every example still counts a little
        self.idf = {term: math.log((1 + n) / (1 + k)) + 1 for term, k in df.items()}
        self.vectors = [self._vector(bag) for bag in bags]
        sums: dict[str, Counter[str]] = {}
        for example, vec in zip(self.examples, self.vectors, strict=True):
            sums.setdefault(example.area, Counter()).update(vec)
        self.profiles = {area: _unit(dict(total)) for area, total in sums.items()}

    def _vector(self, bag: Counter[str]) -> dict[str, float]:
        # sublinear term frequency: a word said three times is not three times the evidence
        return _unit(
            {
                term: (1 + math.log(1 + k)) * self.idf[term]
                for term, k in bag.items()
                if term in self.idf
            }
        )

    def without(self, programme_id: str, task_code: str) -> Model:
        """The same model learned without one mapped task (to measure it held out)."""
        kept = [
            e for e in self.examples if (e.programme_id, e.task_code) != (programme_id, task_code)
        ]
        return Model(kept)

    def scores(self, name: str, expected_result: str = "") -> tuple[dict[str, float], list]:
        """Each area's score for a task, and the examples by similarity (largest first)."""
        query = self._vector(Counter(terms(f"{name} {expected_result}")))
        near = sorted(
            (
                (_cosine(query, vec), i)
                for i, vec in enumerate(self.vectors)
                if _cosine(query, vec) > 0
            ),
            reverse=True,
        )
        votes: Counter[str] = Counter()
        for similarity, i in near[:NEIGHBOURS]:
            votes[self.examples[i].area] += similarity
        scores = {
            area: CENTROID_WEIGHT * _cosine(query, profile)
            + (1 - CENTROID_WEIGHT) * votes.get(area, 0.0)
            for area, profile in self.profiles.items()
        }
        return scores, [(s, self.examples[i], self.vectors[i], query) for s, i in near]

    def suggest(self, name: str, expected_result: str = "") -> Suggestion | None:
        """The area of the highest score; None when the text shares no word with any example."""
        scores, near = self.scores(name, expected_result)
        if not near:
            return None
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        (area, best), (_, second) = ranked[0], ranked[1]
        # the lead over the runner-up: near 0 for a tie or a text hardly like any area's
        confidence = round(min(1.0, best) * (best - second) / best, 3) if best > 0 else 0.0
        # the reason: the nearest example of the chosen area, and the words both texts share
        _, example, vec, query = next(n for n in near if n[1].area == area)
        weight = {term: v * vec[term] for term, v in query.items() if term in vec}
        telling = [term for term, _ in sorted(weight.items(), key=lambda kv: -kv[1])]
        shared_printed = _phrases(
            f"{name} {expected_result}", {w for term in telling[:8] for w in term.split()}
        )
        reason = _explain(area, example, shared_printed, "vi")
        return Suggestion(area, confidence, reason, example, shared_printed)


def examples_from(tables: dict[str, list[dict[str, Any]]]) -> list[Example]:
    """The curated mapped tasks (not the suggested ones) and the list's area descriptions."""
    tasks = {(r["programme_id"], r["task_code"]): r for r in tables.get("tasks", [])}
    out = [
        Example(a["code"], a["name_vi"])
        for a in tables.get("content_areas", [])
        if a.get("list_id", LIST_ID) == LIST_ID
    ]
    for m in tables.get("content_area_map", []):
        if (m.get("assigned_by") or "") not in ("", "curated"):
            continue  # learn from people's choices only, never from earlier suggestions
        task = tasks.get((m["programme_id"], m["task_code"]))
        if task is None:
            continue
        text = " ".join(
            str(x or "") for x in (task["task_name"], task["expected_result"], m.get("reason"))
        )
        out.append(
            Example(m["content_area"], text, m["programme_id"], m["task_code"], task["task_name"])
        )
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=4)
def _model_of(data_dir: Path, stamp: tuple[float, ...]) -> Model:
    del stamp  # part of the cache key only: an edited file is read again
    tables = {
        "content_areas": _read(data_dir / "reference" / "content_areas.csv"),
        "tasks": _read(data_dir / "tasks.csv"),
        "content_area_map": _read(data_dir / "content_area_map.csv"),
    }
    return Model(examples_from(tables))


def area_names(data_dir: Path | None = None) -> dict[str, str]:
    """The codes of the list the model knows and their Vietnamese names, in the list's order."""
    path = Path(data_dir or settings.DATA_DIR) / "reference" / "content_areas.csv"
    return {r["code"]: r["name_vi"] for r in _read(path) if r["list_id"] == LIST_ID}


def default_model(data_dir: Path | None = None) -> Model:
    """The model learned from data/ (its three files read directly; cached until they change)."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    files: Iterable[Path] = (
        data_dir / "reference" / "content_areas.csv",
        data_dir / "tasks.csv",
        data_dir / "content_area_map.csv",
    )
    return _model_of(data_dir, tuple(p.stat().st_mtime for p in files))


def suggest(name: str, expected_result: str = "", data_dir: Path | None = None) -> Suggestion:
    """The suggested area for a task (confidence 0 and area '' when nothing matches)."""
    found = default_model(data_dir).suggest(name, expected_result)
    if found is None:
        return Suggestion("", 0.0, t("suggest.reason_none", "vi"))
    return found


def preview_rows(tables: dict[str, list[dict[str, Any]]], lang: str) -> list[dict[str, Any]]:
    """For each staged task: its stored area and who chose it, and the model's suggestion.

    Keys: task_code, task_name, content_area ('' = none), assigned_by, suggested, confidence,
    reason (in `lang`). The import page shows them and lets the importer change the area.
    """
    stored = {m["task_code"]: m for m in tables.get("content_area_map", [])}
    rows = []
    for task in tables.get("tasks", []):
        found = suggest(task["task_name"], task["expected_result"])
        mapped = stored.get(task["task_code"], {})
        rows.append(
            {
                "task_code": task["task_code"],
                "task_name": task["task_name"],
                "content_area": mapped.get("content_area") or "",
                "assigned_by": mapped.get("assigned_by") or "",
                "suggested": found.area,
                "confidence": found.confidence,
                "reason": found.explain(lang) if found.area else t("suggest.reason_none", lang),
            }
        )
    return rows
