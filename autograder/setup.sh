#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder image: "setup.sh: a
# setup (Bash) script that installs all your dependencies" (Autograder Specifications,
# https://gradescope-autograders.readthedocs.io/en/latest/specs/). The zip's contents are
# then in /autograder/source.
#
# It installs Python 3 (3.10 or newer; Ubuntu 22.04, Gradescope's default base image, has
# 3.10) and pip when they are missing, makes a virtual environment for derivcheck (the
# harness itself runs on the system python3, which is left alone), and installs derivcheck
# into it, from one of:
#
#   derivcheck-src/     derivcheck's own source, put in the zip by `autograder/build.sh`
#                       (the default): the autograder grades with exactly the checker the
#                       course tested.
#   requirements.txt    a pinned requirement, put in the zip by `build.sh --pin SPEC`,
#                       e.g. `derivcheck==0.1.0` from an index the course controls, or
#                       `derivcheck @ git+https://github.com/ORG/derivcheck@v0.1.0`.
#
# AUTOGRADER_ROOT (default /autograder) moves everything, for a trial run elsewhere.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
VENV="$ROOT/derivcheck-venv"

python_ok() {
    command -v python3 >/dev/null 2>&1 &&
        python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)'
}

install_packages() {
    if command -v apt-get >/dev/null 2>&1; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y python3 python3-pip python3-venv
    elif command -v dnf >/dev/null 2>&1; then
        dnf install -y python3 python3-pip
    else
        echo "setup.sh: no apt-get or dnf to install Python 3 with; use an Ubuntu base image" >&2
        exit 1
    fi
}

if ! python_ok; then
    install_packages
    if ! python_ok; then
        echo "setup.sh: derivcheck needs Python 3.10 or newer, and this image has $(python3 --version 2>&1)." >&2
        echo "setup.sh: choose the Ubuntu 22.04 base image (or newer) on the Configure Autograder page." >&2
        exit 1
    fi
fi
# Debian and Ubuntu ship venv's pip bootstrap separately (python3-venv).
if ! python3 -m venv "$VENV"; then
    rm -rf "$VENV"
    install_packages
    python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --upgrade pip

if [ -d "$SOURCE/derivcheck-src" ]; then
    "$VENV/bin/python" -m pip install "$SOURCE/derivcheck-src"
elif [ -f "$SOURCE/requirements.txt" ]; then
    "$VENV/bin/python" -m pip install -r "$SOURCE/requirements.txt"
else
    echo "setup.sh: neither derivcheck-src/ nor requirements.txt is in the zip; build it with autograder/build.sh" >&2
    exit 1
fi

# Fail the build now, not at the first submission, if derivcheck cannot check here.
"$VENV/bin/derivcheck" --version
"$VENV/bin/derivcheck" check 1.4 --answer "f - y" --no-cache --color never
