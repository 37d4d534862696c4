#!/usr/bin/env bash
# Run every test: builds the book (warnings as errors), then pytest runs data,
# exercise, notebook (nbval, strict) and browser (Debian's chromium) tests.
source "$(dirname "$0")/lib.sh"
python_env requirements-test.txt
js_env
apt_need chromium chromium
build_book
build_instructor
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
