#!/usr/bin/env bash
# Generates the lockfile corpus for bench/inventory ONCE, into bench/inventory/corpus/.
# The lockfiles it produces are committed, so the bench never needs the network; rerun this
# only to refresh them. Needs node/npm/npx and python3 with network access to the npm
# registry and PyPI. Every tool is installed in a throwaway folder under $WORK (default /tmp).
# Cargo, Go, Maven and Gradle registries are not reachable here, so those ecosystems are not
# generated (see README.md).
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CORPUS="$HERE/corpus"
WORK="${WORK:-$(mktemp -d /tmp/ospo-corpus.XXXXXX)}"
mkdir -p "$CORPUS"
echo "scratch: $WORK"

step() { echo; echo "== $*"; }
keep() {  # keep SRC_DIR DEST_DIR FILE...: copy the manifest and lockfile into the corpus
  local src="$1" dest="$2"; shift 2
  mkdir -p "$dest"
  for f in "$@"; do [ -f "$src/$f" ] && cp "$src/$f" "$dest/$f"; done
}

# --- npm: package-lock.json v3 of several big dependency sets --------------------------------
npm_project() {  # name deps...
  local name="$1"; shift
  local d="$WORK/$name"; mkdir -p "$d"
  (cd "$d" && npm init -y >/dev/null 2>&1 && npm pkg set name="$name" >/dev/null)
  printf '%s\n' "$@" > "$d/.deps"
  echo "$d"
}
step "npm package-lock"
D=$(npm_project bench-npm)
(cd "$D" && timeout 900 npm install --package-lock-only --ignore-scripts --no-audit --no-fund --legacy-peer-deps \
   react-scripts@5 jest@29 eslint@8 webpack@5 typescript@5 @babel/core@7 @angular/cli@17 @nestjs/cli@10 \
   @storybook/react@7 aws-sdk@2 gatsby@5 firebase@10 @mui/material@5 @vue/cli@5 >/dev/null 2>&1) \
  && keep "$D" "$CORPUS/npm" package.json package-lock.json || echo "npm lock failed"

# --- yarn v1: yarn.lock generated from a big package.json -----------------------------------
step "yarn v1 yarn.lock"
D=$(npm_project bench-yarn)
(cd "$D" && npm pkg set 'dependencies.react-scripts=^5' 'dependencies.@storybook/react=^7' 'dependencies.next=^14' \
   'dependencies.express=^4' 'devDependencies.jest=^29' 'devDependencies.eslint=^8' >/dev/null \
 && timeout 900 npx -y yarn@1 install --ignore-scripts --mode update-lockfile --non-interactive >/dev/null 2>&1) \
  && keep "$D" "$CORPUS/yarn" package.json yarn.lock || echo "yarn lock failed"

step "npm package-lock, large (~6,200 entries: the 5,000-package target of issue 2)"
D=$(npm_project bench-npm-large)
(cd "$D" && timeout 1800 npm install --package-lock-only --ignore-scripts --no-audit --no-fund --legacy-peer-deps \
   @angular/cli@17 @babel/core @mui/material@5 @nestjs/cli@10 @storybook/react@7 @vue/cli@5 aws-sdk@2 eslint@8 \
   firebase@10 gatsby@5 jest@29 react-scripts@5 typescript webpack@5 next@14 @aws-sdk/client-s3 \
   @aws-sdk/client-dynamodb @aws-sdk/client-lambda expo@50 react-native@0.73 @nrwl/workspace@16 lerna@8 \
   @docusaurus/core@3 @remix-run/dev@2 nuxt@3 @sveltejs/kit@2 @ionic/cli@7 hardhat@2 truffle@5 \
   electron-builder@24 @tensorflow/tfjs-node@4 puppeteer@22 playwright@1 cypress@13 karma@6 mocha@10 >/dev/null 2>&1) \
  && keep "$D" "$CORPUS/npm-large" package.json package-lock.json || echo "large npm lock failed"

# --- pnpm v9: pnpm-lock.yaml ------------------------------------------------------------------
step "pnpm v9 pnpm-lock.yaml"
D=$(npm_project bench-pnpm)
(cd "$D" && npm pkg set 'dependencies.@angular/cli=^17' 'dependencies.@angular/core=^17' 'dependencies.vite=^5' \
   'dependencies.@nestjs/core=^10' 'dependencies.react-scripts=^5' 'devDependencies.vitest=^1' \
   'devDependencies.@typescript-eslint/parser=^7' 'devDependencies.jest=^29' 'devDependencies.@storybook/react=^7' >/dev/null \
 && timeout 900 npx -y pnpm@9 install --lockfile-only --ignore-scripts >/dev/null 2>&1) \
  && keep "$D" "$CORPUS/pnpm" package.json pnpm-lock.yaml || echo "pnpm lock failed"

# --- Python tools in a throwaway venv -----------------------------------------------------------
step "python tools (one throwaway venv each: their pins conflict)"
tool() {  # tool NAME PIP-SPECS...: a venv with that tool; prints its bin folder
  local name="$1"; shift
  python3 -m venv "$WORK/tool-$name" && "$WORK/tool-$name/bin/pip" install -q "$@" >/dev/null 2>&1 \
    || echo "install of $name failed" >&2
}
tool uv uv
tool poetry poetry
# pdm 2.26+ with this index's hishel 2.x / httpx2 fails at start-up; these pins work together.
tool pdm "pdm==2.22.4" "hishel<1" "unearth<0.18"
tool pipenv pipenv
PYDEPS='"django>=5", "fastapi", "sqlalchemy>=2", "pandas", "scikit-learn", "jupyterlab", "matplotlib", "streamlit", "sphinx", "celery[redis]", "requests", "pytest", "black", "moto[all]", "dask[complete]", "jupyter"'

py_project() {  # name -> folder with a PEP 621 pyproject
  local d="$WORK/$1"; mkdir -p "$d"
  cat > "$d/pyproject.toml" <<PY
[project]
name = "$1"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [$PYDEPS]

[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"
PY
  echo "$d"
}

step "uv.lock"
D=$(py_project bench-uv)
(cd "$D" && timeout 900 "$WORK/tool-uv/bin/uv" lock -q) && keep "$D" "$CORPUS/uv" pyproject.toml uv.lock || echo "uv lock failed"

step "requirements.txt with hashes (uv pip compile --generate-hashes)"
D=$(py_project bench-req)
(cd "$D" && timeout 900 "$WORK/tool-uv/bin/uv" pip compile -q --generate-hashes --python-version 3.11 pyproject.toml -o requirements.txt) \
  && keep "$D" "$CORPUS/requirements" requirements.txt || echo "uv pip compile failed"

step "poetry.lock"
D=$(py_project bench-poetry)
# Poetry's JSON-API lookups fail on this index ("Package X (v) not found"); the simple API works.
cat >> "$D/pyproject.toml" <<'PY'

[[tool.poetry.source]]
name = "pypi-simple"
url = "https://pypi.org/simple/"
priority = "primary"
PY
(cd "$D" && timeout 1200 "$WORK/tool-poetry/bin/poetry" lock -n >/dev/null 2>&1) && keep "$D" "$CORPUS/poetry" pyproject.toml poetry.lock \
  || echo "poetry lock failed"

step "pdm.lock"
D=$(py_project bench-pdm)
(cd "$D" && timeout 1200 "$WORK/tool-pdm/bin/pdm" lock >/dev/null 2>&1) && keep "$D" "$CORPUS/pdm" pyproject.toml pdm.lock \
  || echo "pdm lock failed"

step "Pipfile.lock"
D="$WORK/bench-pipenv"; mkdir -p "$D"
cat > "$D/Pipfile" <<'PF'
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
django = ">=5"
fastapi = "*"
sqlalchemy = ">=2"
pandas = "*"
matplotlib = "*"
celery = {extras = ["redis"], version = "*"}
requests = "*"
moto = {extras = ["all"], version = "*"}
dask = {extras = ["complete"], version = "*"}

[dev-packages]
pytest = "*"
black = "*"
sphinx = "*"

[requires]
python_version = "3.11"
PF
(cd "$D" && PIPENV_VENV_IN_PROJECT=1 PIPENV_SKIP_LOCK=0 timeout 1200 "$WORK/tool-pipenv/bin/pipenv" lock >/dev/null 2>&1) \
  && keep "$D" "$CORPUS/pipenv" Pipfile Pipfile.lock || echo "pipenv lock failed"

step "corpus"
du -sh "$CORPUS"; find "$CORPUS" -type f | sort | xargs ls -la
