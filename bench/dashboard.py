"""Time the dashboard alone (bench/pages.py times every page).
Run: .venv/bin/python bench/dashboard.py [requests]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import main  # noqa: E402

if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30, ["dashboard"])
