"""Where the project's data lives, relative to the repository root."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
DATA = ROOT / "data"
GAZETTEER_FILE = GEODATA / "places.tsv.gz"
CLAIMS_FILE = GEODATA / "claims.csv"
STATIC = Path(__file__).resolve().parent / "static"  # the map's own script and styles
