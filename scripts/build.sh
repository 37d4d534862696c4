#!/usr/bin/env bash
# Build the HTML book. Creates .venv from requirements-build.txt and installs the site's
# JavaScript from npm on first use.
#   bash scripts/build.sh               student edition (the public book)  -> _build/html
#   bash scripts/build.sh --instructor  instructor edition (solutions, teaching notes,
#                                       seminar plans; not for publishing) -> _build/instructor/html
#   bash scripts/build.sh --pdf         both editions, then the print edition (PDF) -> _build/pdf
#   bash scripts/build.sh --slides      both editions, then one lecture deck per chapter, student
#                                       and instructor, .pptx and PDF -> _build/slides
source "$(dirname "$0")/lib.sh"
python_env requirements-build.txt
js_env
if [ "${1:-}" = "--instructor" ]; then
  shift
  build_instructor "$@"
  out=_build/instructor/html
elif [ "${1:-}" = "--pdf" ]; then   # both editions, then their PDFs (scripts/pdf.py) -> _build/pdf
  shift
  apt_need chromium chromium
  fonts_env
  python_env requirements-test.txt   # playwright drives Debian's chromium (nothing downloaded)
  build_book "$@"
  build_instructor "$@"
  say "printing both editions to PDF with Chromium (scripts/pdf.py)"
  "$PY" scripts/pdf.py
  out=_build/pdf
elif [ "${1:-}" = "--slides" ]; then   # both editions, then the decks (govmig.slides) -> _build/slides
  shift
  build_book "$@"
  build_instructor "$@"
  slides
  out=_build/slides
else
  build_book "$@"
  out=_build/html
fi
[ "$out" = _build/slides ] && { say "done: the decks are in $out (README, \"Lecture slides\")"; exit 0; }
say "done: open $out/index.html, or: $PY -m http.server -d $out -b 127.0.0.1 8000"
