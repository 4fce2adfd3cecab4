"""Put the real output of `nnmath demo` (80 columns) into docs/demo.md's first ```text block.

Run after changing what the demo prints; tests/test_readme.py fails until you do.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

PAGE = Path(__file__).resolve().parents[1] / "docs" / "demo.md"

out = subprocess.run([sys.executable, "-m", "nnmath", "demo"], capture_output=True, text=True,
                     check=True, env={**os.environ, "COLUMNS": "80"}).stdout
text = PAGE.read_text(encoding="utf-8")
new = re.sub(r"```text\n.*?```", lambda m: "```text\n" + out.rstrip() + "\n```", text, count=1,
             flags=re.S)
PAGE.write_text(new, encoding="utf-8")
print("docs/demo.md demo block:", "updated" if new != text else "already current")
