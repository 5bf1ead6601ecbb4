# Riverside massage assistant. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
RASA     := $(VENV)/bin/rasa
RUFF     := $(VENV)/bin/ruff
MODEL    := models/assistant.tar.gz
DEPS_OK  := $(VENV)/.deps-installed
NODE_OK  := node_modules/.package-lock.json
NLU_DATA := $(shell find data -name '*.yml' 2>/dev/null)

# Quiet, offline, reproducible.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
# Custom NLU components and actions import from the repository root.
export PYTHONPATH := $(CURDIR)

# Rasa 3.6 runs on Python 3.8-3.10; find a 3.10 (pyenv's first, then PATH).
PYTHON310 ?= $(shell for p in "$$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3.10 python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do \
	  command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)

.PHONY: help setup topics train validate lint format run shell test test-fast test-pytest test-stories test-scale soak conversations eval bench clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(DEPS_OK): requirements.lock
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: Python 3.10 not found. Rasa 3.6 needs Python 3.8-3.10." >&2; \
	  echo "       Install it (e.g. 'pyenv install 3.10.13') or pass PYTHON310=/path/to/python3.10." >&2; \
	  exit 1; fi
	@[ -x $(PY) ] || { echo "Creating $(VENV) with $(PYTHON310)"; "$(PYTHON310)" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip==24.0 setuptools==70.3.0 wheel==0.45.1 2> >(grep -v 'is ignored' >&2)
	$(PY) -m pip install --quiet --no-deps -r requirements.lock 2> >(grep -v 'is ignored' >&2)
	$(PY) -m tools.deps_check
	$(PY) -m bot.nlu.spacy_model
	@touch $@

# The chat widget's only browser dependency (socket.io-client), from the npm registry.
$(NODE_OK): package.json package-lock.json
	@command -v npm >/dev/null || { echo "error: npm not found (needed for the web widget's socket.io client)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

setup: $(DEPS_OK) $(NODE_OK) ## Create .venv (Python 3.10), install pinned Python and npm dependencies

# The topic registry writes domain.yml's intents and data/rules/topics.yml.
topics: $(DEPS_OK) ## Rewrite the intents and topic rules from bot/topics.py (the topic registry)
	$(PY) -m bot.topics

$(MODEL): $(DEPS_OK) config.yml domain.yml bot/topics.py $(NLU_DATA)
	$(PY) -m bot.topics
	@mkdir -p models
	@start=$$(date +%s); \
	$(RASA) train --quiet --fixed-model-name assistant --out models && \
	echo "training took $$(( $$(date +%s) - start ))s" | tee models/train-time.txt

train: $(MODEL) ## Train the model when data, config or domain changed

validate: topics ## Check data and domain (warnings fail)
	$(PY) -m bot.cli.validate

lint: $(DEPS_OK) ## ruff (checks and formatting) and the registry's generated files
	$(RUFF) check .
	$(RUFF) format --check .
	$(PY) -m bot.topics --check

format: $(DEPS_OK) ## Apply ruff's safe fixes and formatting
	$(RUFF) check --fix .
	$(RUFF) format .

# WORKERS=2: two Rasa processes behind HAProxy, sharing the tracker store and a Redis lock store.
run: $(MODEL) $(NODE_OK) ## Set up, train if needed, serve everything on localhost (WORKERS=N: N Rasa processes)
	$(PY) -m bot serve $(if $(WORKERS),--workers $(WORKERS))

shell: $(MODEL) ## Talk to the assistant in the terminal
	$(PY) -m bot shell

test-fast: $(DEPS_OK) ## Tests that need neither a model nor servers (tests/unit)
	$(PY) -m pytest tests/unit -q

# The soak test runs 3 minutes inside `make test`; `make soak` runs the full 5.
test-pytest: $(MODEL) $(NODE_OK) ## The whole pytest suite: tests/unit, tests/model, tests/live
	SOAK_SECONDS=$${SOAK_SECONDS:-180} $(PY) -m pytest

test-stories: $(MODEL) ## Rasa test stories (tests/test_stories.yml)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --fail-on-prediction-errors --out results/stories

test: lint validate $(MODEL) test-pytest test-stories ## Set up, lint, validate, train, run every test

# BASELINE_EPOCHS=N sets the Rasa default baseline's DIET epochs (0: Rasa's own 100; default in tools/evaluate.py).
eval: $(MODEL) ## NLU report: real questions (../shared), held-out, 5-fold CV, two baselines (reports/eval.md)
	$(PY) -m tools.evaluate $(if $(BASELINE_EPOCHS),--baseline-epochs $(BASELINE_EPOCHS))

# WORKERS=2: ours served as `make run WORKERS=2` does (reports/bench-workers-2.md).
bench: $(MODEL) ## Reply latency, msgs/s, memory vs a bare Rasa floor (reports/bench.md)
	$(PY) -m tools.bench $(if $(WORKERS),--workers $(WORKERS))

soak: $(MODEL) ## 50 simulated clients for SOAK_SECONDS (default 300) against fresh local servers
	$(PY) -m pytest tests/live/load/test_soak.py -q

# CONVERSATION_FAILURES=path.md also writes each failed conversation's first cause there.
conversations: $(MODEL) ## Scripted client conversations on live servers; pass rate per client kind
	$(PY) -m pytest tests/live/conversations -q

test-scale: $(MODEL) ## Two Rasa servers sharing PostgreSQL and Redis behind a proxy
	$(PY) -m pytest tests/live/scale -q

clean: ## Remove trained models and test results
	rm -rf models results
