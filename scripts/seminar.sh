#!/usr/bin/env bash
# Generate the student versions of every seminar notebook (nbgrader's preprocessors),
# one zip per chapter and an nbgrader_config.py in _build/seminar/. Installs nbgrader
# into .venv on first use.
#   bash scripts/seminar.sh --assignment seminar1 iom gcm   also an nbgrader source folder
#                                                      _build/seminar/nbgrader/source/seminar1/
source "$(dirname "$0")/lib.sh"
python_env requirements-instructor.txt
"$PY" scripts/make_student_versions.py "$@"
