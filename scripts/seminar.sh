#!/usr/bin/env bash
# Generate the student versions of every seminar notebook (nbgrader's preprocessors)
# and one zip per chapter in _build/seminar/. Installs nbgrader into .venv on first use.
source "$(dirname "$0")/lib.sh"
python_env requirements-instructor.txt
"$PY" scripts/make_student_versions.py "$@"
