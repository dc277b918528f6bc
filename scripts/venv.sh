# Shared by scripts/start and scripts/test: a virtual environment in .venv with
# the project and its dev extra installed, reinstalled when pyproject.toml changes.
ensure_venv() {
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  local stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
}

# The accessibility and markup checkers (axe-core, vnu-jar) come from npm;
# without npm those tests are skipped with the reason.
ensure_checkers() {
  command -v npm >/dev/null || return 0
  local stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    npm ci --no-audit --no-fund --silent
    touch "$stamp"
  fi
}
