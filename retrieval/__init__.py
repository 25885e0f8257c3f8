"""Retrieval engine: township reports → cited passages (pure, synchronous)."""

from .bm25 import BM25Params, SparseBM25
from .build import build_index
from .corpus import Corpus, load_corpus, parse_report
from .index import Index, SearchResult
from .models import Elsewhere, Hit, Passage, Query, Report, SkippedFile
from .query import asks_for_reports, follow_up, kinds_listed, topic_there
from .reports import ReportTable
from .text import TextPipeline, default_pipeline, is_traditional, to_simplified, to_traditional

__all__ = [
    "BM25Params",
    "Corpus",
    "Elsewhere",
    "Hit",
    "Index",
    "Passage",
    "Query",
    "Report",
    "ReportTable",
    "SearchResult",
    "SkippedFile",
    "SparseBM25",
    "TextPipeline",
    "asks_for_reports",
    "build_index",
    "default_pipeline",
    "follow_up",
    "is_traditional",
    "kinds_listed",
    "load_corpus",
    "parse_report",
    "to_simplified",
    "to_traditional",
    "topic_there",
]
