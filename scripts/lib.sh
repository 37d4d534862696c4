# Shared by build.sh and test.sh: set up, idempotently, what the book needs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${GOVMIG_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"

say() { printf '==> %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# apt_need CMD PACKAGE...: install Debian packages when CMD is missing.
apt_need() {
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  say "installing Debian packages: $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# Re-run a step only when its inputs changed (a stamp holds their checksum).
stale() { local stamp="$1"; shift; [ "$(cat "$@" | sha256sum)" != "$(cat "$stamp" 2>/dev/null)" ]; }
stamp() { local stamp="$1"; shift; cat "$@" | sha256sum > "$stamp"; }

python_env() {   # $1: requirements file; every version pinned by requirements-lock.txt
  local req="$1"
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_need __none__ python3-venv
  if [ ! -x "$PY" ]; then say "creating $VENV"; python3 -m venv "$VENV"; fi
  if stale "$VENV/.stamp-$(basename "$req")" requirements*.txt pyproject.toml; then
    say "installing Python packages from $req"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r "$req" -c requirements-lock.txt -e .
    "$PY" -m pip check
    stamp "$VENV/.stamp-$(basename "$req")" requirements*.txt pyproject.toml
  fi
  # Quieten ipykernel's "running over TCP without encryption" log in the build's kernels.
  mkdir -p "$VENV/etc/ipython"
  printf "c.IPKernelApp.log_level = 'ERROR'\n" > "$VENV/etc/ipython/ipython_kernel_config.py"
}

# Charts are laid out at build time in Liberation Sans (vl-convert carries it); browsers
# draw them in Arial or, on Debian, in Liberation Sans, which has Arial's metrics.
fonts_env() {
  [ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] && return 0
  say "installing Debian's fonts-liberation"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq fonts-liberation >/dev/null
}

js_env() {
  apt_need npm nodejs npm
  if stale node_modules/.stamp package.json package-lock.json; then
    say "installing JavaScript packages (npm ci)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
    stamp node_modules/.stamp package.json package-lock.json
  fi
}

build_book() {   # extra arguments go to jupyter-book build
  say "building the student edition (warnings are errors)"
  GOVMIG_EDITION=student "$VENV/bin/jupyter-book" build "$ROOT" -W -n --keep-going "$@"
}

build_instructor() {   # same sources, instructor table of contents and tag, own output folder
  say "building the instructor edition (warnings are errors)"
  GOVMIG_EDITION=instructor "$VENV/bin/jupyter-book" build "$ROOT" -W -n --keep-going \
    --toc "$ROOT/_toc-instructor.yml" --path-output "$ROOT/_build/instructor" "$@"
  # jupyter-book writes to <path-output>/_build/html; give it the documented name.
  ln -sfn _build/html "$ROOT/_build/instructor/html"
}

# Lecture slides (govmig.slides): one deck per chapter from the built editions, .pptx by
# python-pptx, PDF by LibreOffice Impress headless (Debian's libreoffice-impress).
slides_env() {
  apt_need soffice libreoffice-impress
  fonts_env                        # Liberation Sans: Arial's metrics, for text that fits its box
  python_env requirements-slides.txt
}

slides() {   # extra arguments go to python -m govmig.slides
  slides_env
  say "writing the lecture decks (govmig.slides) to _build/slides"
  "$PY" -m govmig.slides --root "$ROOT" "$@"
}
