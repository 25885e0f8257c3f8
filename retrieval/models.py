"""Typed values that flow through the retrieval pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

# The warning `placing` gives a report that speaks as a township (我镇, 全镇) but never writes
# its name: kept with its county and no township, and shown as one of the county's townships,
# not as the county's own report.
UNNAMED_TOWNSHIP = "正文以乡镇口吻写成（我镇、全镇等）却未写出乡镇名称，请补充乡镇"


@dataclass(frozen=True)
class Metadata:
    """What a report's text says about it (`metadata.extract`); every guess is named in
    `warnings`."""

    title: str | None
    township: str | None
    township_simplified: str | None
    county: str | None
    province: str | None
    year: int | None
    published: str | None
    warnings: tuple[str, ...] = ()
    url: str | None = None  # the report's web address, when known


@dataclass(frozen=True, kw_only=True)
class Report(Metadata):
    """One township report: its metadata (inferred, or as its catalog row states it), the
    file it came from and a digest of its text."""

    source: str
    digest: str = ""

    @property
    def name(self) -> str:
        """Whom the report speaks for: its township, else its county (a county-level
        report: 静海区; a township's that never writes its name: 中牟县某乡镇, or 某乡镇
        when it names no county either, not its file's name), else its file's name (a
        report naming no place at all, which the admin was warned of)."""
        if self.township:
            return self.township
        if self.township_unnamed:
            return f"{self.county or ''}某乡镇"
        return self.county or self.source

    @property
    def township_unnamed(self) -> bool:
        """A township's report whose text never writes the township (`UNNAMED_TOWNSHIP`)."""
        return not self.township and UNNAMED_TOWNSHIP in self.warnings

    @property
    def label(self) -> str:
        """Short human name: township (county, year)."""
        year = f"{self.year}年" if self.year else "年份不详"
        return f"{self.name}（{self.county_shown}，{year}）"

    @property
    def county_shown(self) -> str:
        """What stands beside the name: the county, 县区本级 for a county's own report;
        without a county, the province when known (辽宁省（县区不详）: a town whose county
        the text leaves open is at least placed)."""
        if self.township_unnamed:
            return "报告未写镇名"
        if self.county and not self.township:
            return "县区本级"
        if not self.county and self.province:
            return f"{self.province}（县区不详）"
        return self.county or "县区不详"


@dataclass(frozen=True)
class Passage:
    """One coherent item of a report, with its heading path."""

    id: str
    source: str
    section: str
    text: str


@dataclass(frozen=True)
class SkippedFile:
    """A corpus file that could not be read, and why."""

    source: str
    reason: str
    repeats: str | None = None  # the file it repeats word for word (`corpus.Repeats`)


@dataclass(frozen=True)
class Query:
    """A parsed question: search terms plus the filters it names."""

    text: str
    terms: tuple[str, ...]
    townships: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    unknown_places: tuple[str, ...] = ()
    # provinces and prefectures (湖北省, 杭州市) named without a town or county
    regions: tuple[str, ...] = ()
    # towns, counties, provinces and prefectures left out (除了峰灵镇，别的镇…; 除了湖北)
    excluded: tuple[str, ...] = ()
    # Content words of the question, each with its sub-words: (token, share of the word it
    # covers, whether it is the word's head), the word itself last.
    groups: tuple[tuple[tuple[str, float, bool], ...], ...] = ()
    topic: str = ""  # the question without the places and years it names
    # BM25 weight of terms that are not the asker's own words (related words, `related`)
    weights: tuple[tuple[str, float], ...] = ()
    # 明年, 来年: what reports plan for the year after their own (`query.AHEAD`)
    ahead: bool = False

    @property
    def places(self) -> tuple[str, ...]:
        """The places named, larger first: provinces and prefectures, counties, towns."""
        return (*self.regions, *self.counties, *self.townships, *self.unknown_places)

    @property
    def names_place(self) -> bool:
        return bool(self.townships or self.counties or self.regions or self.unknown_places)

    def filters(self) -> dict[str, tuple]:
        """The places and years the question names, by field: what the query log keeps,
        and what another question about the same places takes over (`dataclasses.replace`)."""
        names = ("townships", "counties", "years", "regions", "unknown_places", "excluded")
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class Elsewhere:
    """What a question that found nothing in the places and years it names finds without
    some of them (`Index.found_elsewhere`): how many relevant passages, the first towns
    they come from, and what was dropped to find them ("years", "places" or both)."""

    total: int = 0
    towns: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    # the years the named places' reports cover, when none is a year the question names
    # (2023年峰灵镇…: 峰灵镇 has only a 2025 report)
    years_there: tuple[int, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A passage that answers a query, with its report and why it matched."""

    passage: Passage
    report: Report
    score: float
    matched: tuple[str, ...] = field(default=())
    weak: bool = False  # only possibly relevant: little of the question matched
    # shown as the passage nearest to the question in meaning, not judged relevant by its words
    near: bool = False
    # relevant only partly: by common parts of the question's words (`relevance`, in full)
    partial: bool = False

    def as_json(self) -> dict:
        return {
            "id": self.passage.id,
            "township": self.report.township,
            "county": self.report.county,
            "province": self.report.province,
            "year": self.report.year,
            "section": self.passage.section,
            "text": self.passage.text,
            "source": self.passage.source,
            "url": self.report.url,
            "score": round(self.score, 4),
            "matched": list(self.matched),
            "weak": self.weak,
            "near": self.near,
            "partial": self.partial,
        }
