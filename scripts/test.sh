#!/usr/bin/env bash
# Run every test: builds both editions (warnings as errors) and their PDFs, then pytest
# runs data, exercise, notebook (nbval, strict), browser (Debian's chromium) and PDF tests.
source "$(dirname "$0")/lib.sh"
python_env requirements-test.txt
js_env
apt_need chromium chromium
apt_need soffice libreoffice-impress   # tests/test_slides.py opens every deck in Impress
apt_need pdftotext poppler-utils       # ... and reads LibreOffice's rendering back
fonts_env
build_book
build_instructor
say "printing both editions to PDF (scripts/pdf.py), for tests/test_pdf.py"
"$PY" scripts/pdf.py
say "running the test suite"
set +e
"$PY" -m pytest tests chapters exercises --nbval --nbval-sanitize-with tests/sanitize.cfg \
  -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  say "pytest collected no tests: that is a failure here"; exit 1
fi
exit "$status"
