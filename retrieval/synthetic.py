"""A deterministic synthetic corpus for the benchmark, recombined from the seed reports.

Sentences of the real reports are shuffled into new reports with new township, county and
year names and varied numbers, laid out with the headings real reports use, so the whole
path (reading, cleaning, splitting, normalising, tokenising, indexing) is exercised.

Vocabulary: recombined sentences alone reuse the seeds' ~16k words whatever the size, so
posting lists grow without bound, unlike a real corpus's. With `vocabulary="heaps"` (the
benchmark's default) reports are placed in real townships and counties of the gazetteer,
and every passage mentions villages, communities and projects drawn from a Pitman-Yor
process (discount 0.6): new names keep appearing at a falling rate, so the vocabulary
grows like N^0.6, as Heaps' law has it for real text (exponents 0.4-0.7 are typical).
`vocabulary="seeds"` keeps the old corpus for comparison.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from .corpus import load_corpus
from .gazetteer import TOWN_ENDINGS, gazetteer, short_name

_CN = "一二三四五六七八九十"
_NAME_CHARS = (
    "安保宝昌城大东丰福高古官光广海河和红华怀黄吉江金康乐里莲林龙隆马梅明南宁平"
    "青清庆泉仁瑞沙山上石双顺松太桃天田通湾王文西溪祥新兴阳永玉云长正中竹"
)


def _sentences(seeds: Path) -> tuple[list[str], list[str]]:
    """Seed sentences and seed heading labels, with town names replaced by a marker."""
    corpus = load_corpus(seeds)
    names = [r.township_simplified for r in corpus.reports if r.township_simplified]
    names += [r.township for r in corpus.reports if r.township]
    strip = re.compile(rf"^(?:[{_CN}]+、|[(（][{_CN}]+[)）]|[{_CN}]+\)|\d+[.、]?|[{_CN}]是)")
    sentences, labels = [], set()
    for passage in corpus.passages:
        for part in passage.section.split(" › "):
            label = strip.sub("", part).strip()
            if 4 <= len(label) <= 30:
                labels.add(label)
        for sentence in re.findall(r"[^。\n]+。", passage.text):
            sentence = strip.sub("", sentence.strip())
            for name in names:
                sentence = sentence.replace(name, "〇〇镇")
            if len(sentence) >= 12:
                sentences.append(sentence)
    return sentences, sorted(labels)


_MENTIONS = (
    "{}完成法律顾问签约。",
    "在{}开展法治宣传活动。",
    "{}调处矛盾纠纷{}件。",
    "{}建成法治文化阵地。",
    "指导{}修订村规民约。",
)


class _NewNames:
    """Place and project names drawn from a Pitman-Yor process: the k-th draw is a new
    name with probability (strength + discount·K) / (strength + k), K the names so far;
    otherwise an earlier one, as often as it was drawn before."""

    def __init__(self, rng: random.Random, discount: float = 0.6, strength: float = 50.0):
        self.rng, self.discount, self.strength = rng, discount, strength
        towns = sorted(gazetteer().towns)
        stems = [short_name(t, TOWN_ENDINGS) for t in towns]
        self._stems = [s for s in stems if len(s) >= 2]
        rng.shuffle(self._stems)
        self.names: list[str] = []
        self._drawn: list[int] = []  # one entry per draw: prob. of reuse ∝ earlier draws

    def draw(self) -> str:
        k, n = len(self.names), len(self._drawn)
        if self.rng.random() * (self.strength + n) < self.strength + self.discount * k:
            self.names.append(self._new(k))
            self._drawn.append(k)
            return self.names[k]
        index = self.rng.choice(self._drawn)
        self._drawn.append(index)
        return self.names[index]

    def _new(self, k: int) -> str:
        stem = self._stems[k % len(self._stems)]
        if k >= len(self._stems):  # past the gazetteer's stems: two of them joined
            stem += self._stems[(k * 7919) % len(self._stems)][:1]
        return stem + self.rng.choice(("村", "村", "社区", "居委会", "示范点"))


def _places(rng: random.Random) -> list[tuple[str, str]]:
    """Real (township, county) pairs of the gazetteer, shuffled."""
    pairs = sorted(
        (town, county.name)
        for town, counties in gazetteer().towns.items()
        for county in counties
        if county.name
    )
    rng.shuffle(pairs)
    return pairs


def _name(rng: random.Random, suffixes: str) -> str:
    return "".join(rng.sample(_NAME_CHARS, 2)) + rng.choice(suffixes.split())


def _numbers(sentence: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(rng.randint(1, 10 ** len(m[0]) - 1)), sentence)


def _report(
    rng: random.Random,
    sentences: list[str],
    labels: list[str],
    place: tuple[str, str, int],
    items: int,
    names: _NewNames | None = None,
) -> tuple[str, int]:
    town, county, year = place
    published = f"{year + 1}-0{rng.randint(1, 4)}-1{rng.randint(0, 9)}"
    lines = [f"{town}{year}年法治政府建设情况报告", f"发布时间:{published} 信息来源:{county}{town}"]
    lines.append(f"{year}年以来，{town}坚持依法行政，现将{year}年法治政府建设情况报告如下：")
    made = 0
    for top in range(4):
        lines.append(f"{_CN[top]}、{rng.choice(labels)}")
        for sub in range(rng.randint(2, 3)):
            lines.append(f"（{_CN[sub]}）{rng.choice(labels)}")
            for n in range(1, rng.randint(2, 4)):
                body = "".join(_numbers(s, rng) for s in rng.sample(sentences, rng.randint(2, 4)))
                if names is not None:
                    for _ in range(rng.randint(1, 3)):
                        body += rng.choice(_MENTIONS).format(names.draw(), rng.randint(2, 99))
                lines.append(f"{n}.{body.replace('〇〇镇', town)}")
                made += 1
                if made >= items:
                    return _finish(lines, town, county, year, rng), made
    return _finish(lines, town, county, year, rng), made


def _finish(lines: list[str], town: str, county: str, year: int, rng: random.Random) -> str:
    lines += [f"{county}{town}人民政府", f"{year + 1}年1月{rng.randint(10, 28)}日"]
    return "\n".join(lines) + "\n"


def generate(
    folder: Path, passages: int, seeds: Path, seed: int = 20261123, vocabulary: str = "heaps"
) -> int:
    """Write report files totalling about `passages` passages; returns the file count."""
    rng = random.Random(seed)
    sentences, labels = _sentences(seeds)
    heaps = vocabulary == "heaps"
    names = _NewNames(rng) if heaps else None
    places = _places(rng) if heaps else []
    folder.mkdir(parents=True, exist_ok=True)
    files = made = 0
    while made < passages:
        if heaps:
            town, county = places[files % len(places)]
        else:
            town, county = _name(rng, "镇 镇 镇 乡 街道"), _name(rng, "县 县 区 市")
        place = (town, county, rng.randint(2019, 2025))
        text, items = _report(rng, sentences, labels, place, min(30, passages - made), names)
        (folder / f"{files:06d}_{town}.txt").write_text(text, encoding="utf-8")
        files += 1
        made += items
    return files
