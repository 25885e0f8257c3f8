"""Where the project's files are: every default path the code and its tests use.

Settings (bot/settings.py) may point the corpus, the index cache and the query log
elsewhere; these are what they fall back to. `../shared` is the workplace's folder beside
the repository (evaluation questions, real reports): read when present, never required.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent  # its code keys the index cache (build.py)
ROOT = PACKAGE_DIR.parent
DATA_DIR = ROOT / "data"
SEEDS_DIR = ROOT / "seeds"
CACHE_ROOT = DATA_DIR / "cache"  # one index cache per corpus folder below it
QUERY_LOG = DATA_DIR / "queries.sqlite3"
GAZETTEER = DATA_DIR / "gazetteer" / "divisions.tsv.gz"
RELATED_TABLE = DATA_DIR / "related.tsv"
MEANING_TABLE = DATA_DIR / "meaning.npz"
CALIBRATION_DIR = DATA_DIR / "calibration"

SHARED = ROOT.parent / "shared"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"
REAL_QUESTIONS = SHARED / "eval" / "real_questions.jsonl"
CORPUS_REAL = SHARED / "corpus-real"
