#!/usr/bin/env bash
# Build the HTML book into _build/html. Creates .venv from requirements.txt and
# installs the site's JavaScript from npm on first use.
source "$(dirname "$0")/lib.sh"
python_env requirements.txt
js_env
build_book "$@"
say "done: open _build/html/index.html, or: $PY -m http.server -d _build/html -b 127.0.0.1 8000"
