"""Copier migration to 0.2.0: timeout settings name their unit (`*_TIMEOUT_SECONDS`).

Renames the old keys in the service's `.env`, which Copier does not manage; the rest of the
rename arrives with the update. Running it twice changes nothing the second time.
"""

import re
import sys
from pathlib import Path

RENAMED = {
    "DATABASE_STATEMENT_TIMEOUT": "DATABASE_STATEMENT_TIMEOUT_SECONDS",
    "DATABASE_POOL_TIMEOUT": "DATABASE_POOL_TIMEOUT_SECONDS",
    "READINESS_TIMEOUT": "READINESS_TIMEOUT_SECONDS",
}
# KEY=value lines, optionally `export`ed, in any case, as python-dotenv reads them.
_OLD_KEY = re.compile(
    r"^(?P<prefix>[ \t]*(?:export[ \t]+)?)(?P<key>" + "|".join(RENAMED) + r")(?P<rest>[ \t]*=)",
    re.MULTILINE | re.IGNORECASE,
)


def migrate(env_file: Path) -> bool:
    """Rename the old keys in `env_file`; return whether anything changed."""
    if not env_file.is_file():
        return False
    text = env_file.read_text()
    renamed = _OLD_KEY.sub(
        lambda match: match["prefix"] + RENAMED[match["key"].upper()] + match["rest"], text
    )
    if renamed == text:
        return False
    env_file.write_text(renamed)
    return True


if __name__ == "__main__":
    env_file = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
    if migrate(env_file):
        print(f"renamed timeout settings in {env_file} to *_TIMEOUT_SECONDS", file=sys.stderr)
