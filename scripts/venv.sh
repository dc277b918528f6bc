# Shared by scripts/start, scripts/test, scripts/bench and scripts/lock: a
# virtual environment in .venv installed from a lock file in requirements/
# (dev.txt unless told otherwise), every package pinned and hash-checked, then
# the project itself on top, editable and without dependencies. Reinstalled
# when the lock file changes; `scripts/lock` rewrites the lock files.
ensure_venv() {
  local lock="${1:-requirements/dev.txt}"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
  fi
  local stamp
  stamp=".venv/.installed-$(basename "$lock" .txt)-$(sha256sum "$lock" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    install_lock .venv "$lock"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
  # shellcheck disable=SC1091
  source .venv/bin/activate
}

# install_lock VENV LOCK: the lock's pinned, hash-checked packages, then the
# project (pip can't hash-check an editable install, hence two commands).
install_lock() {
  "$1/bin/python" -m pip install --quiet --require-hashes -r "$2"
  "$1/bin/python" -m pip install --quiet --no-deps -e .
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
