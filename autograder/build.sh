#!/usr/bin/env bash
# Build the Gradescope autograder zip: setup.sh and run_autograder at the root of the
# archive ("The file must contain at least two files in the root of the archive ... make
# sure to zip the files, and not the folder containing the files",
# https://gradescope-autograders.readthedocs.io/en/latest/specs/), and beside them what
# setup.sh installs derivcheck from.
#
#   autograder/build.sh [--pin SPEC] [--course FILE] [--out ZIP]
#
#   (default)       derivcheck's source from this checkout goes in as derivcheck-src/
#                   (pyproject.toml, README.md, checker/, derivations/): Gradescope grades
#                   with exactly the checker you have tested.
#   --pin SPEC      no source; requirements.txt holds SPEC instead, which setup.sh
#                   pip-installs, e.g. "derivcheck==0.1.0" (from an index your course
#                   controls) or "derivcheck @ git+https://github.com/ORG/derivcheck@v0.1.0".
#   --course FILE   the course file (points per question, credit rules), as derivcheck.toml;
#                   run_autograder then grades with `--course`.
#   --out ZIP       where to write the zip (default: dist/autograder.zip in this checkout).
set -euo pipefail

HERE="$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname -- "$HERE")"
PIN=""
COURSE=""
OUT="$REPO/dist/autograder.zip"

while [ $# -gt 0 ]; do
    case "$1" in
        --pin) PIN="${2:?--pin needs a requirement, e.g. derivcheck==0.1.0}"; shift 2 ;;
        --course) COURSE="${2:?--course needs a file}"; shift 2 ;;
        --out) OUT="${2:?--out needs a file}"; shift 2 ;;
        -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "build.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
if [ -n "$COURSE" ] && [ ! -f "$COURSE" ]; then
    echo "build.sh: --course $COURSE: no such file" >&2
    exit 2
fi
PYTHON="$(command -v python3 || command -v python)"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

install -m 755 "$HERE/setup.sh" "$STAGE/setup.sh"
install -m 755 "$HERE/run_autograder" "$STAGE/run_autograder"
install -m 644 "$HERE/README.md" "$STAGE/README.md"
if [ -n "$PIN" ]; then
    printf '%s\n' "$PIN" >"$STAGE/requirements.txt"
else
    mkdir "$STAGE/derivcheck-src"
    cp "$REPO/pyproject.toml" "$REPO/README.md" "$STAGE/derivcheck-src/"
    for package in checker derivations; do
        # Python sources and package data only: no caches, no editor or build leftovers.
        (cd "$REPO" && find "$package" -name __pycache__ -prune -o -type f \
            \( -name '*.py' -o -name '*.md' -o -name '*.typed' \) -print0) |
            while IFS= read -r -d '' file; do
                mkdir -p "$STAGE/derivcheck-src/$(dirname -- "$file")"
                cp "$REPO/$file" "$STAGE/derivcheck-src/$file"
            done
    done
fi
if [ -n "$COURSE" ]; then
    install -m 644 "$COURSE" "$STAGE/derivcheck.toml"
fi

mkdir -p "$(dirname -- "$OUT")"
OUT="$(cd "$(dirname -- "$OUT")" && pwd)/$(basename -- "$OUT")"
rm -f "$OUT"
# Python's zipfile keeps the executable bits (a zip made on Windows may not) and needs
# no `zip` program; entries are relative to the stage, so both scripts are at the root.
(cd "$STAGE" && "$PYTHON" - "$OUT" <<'PY'
import os
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, dirs, files in os.walk("."):
        dirs.sort()
        for name in sorted(files):
            path = os.path.normpath(os.path.join(folder, name))
            archive.write(path, path)
PY
)
echo "built $OUT"
