# volltrack: the two commands a newcomer needs are `make demo` and `make test`.
# Both set everything up first (idempotent, fast when nothing changed):
#   .venv/ with volltrack installed editable with all extras, pinned by constraints.txt,
#   the BTrackmate jar built with Maven and copied, with ImageJ 1, into python/volltrack/jars/.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JAR_DIR := python/volltrack/jars
JAVA_SOURCES := $(shell find java -name '*.java' -o -name 'pom.xml' -o -name '*.config' 2>/dev/null) pom.xml
PY_STAMP := $(VENV)/.volltrack-installed
JAR_STAMP := $(JAR_DIR)/.built

.PHONY: setup demo test test-python test-java lint format wheel constraints clean update-site

setup: $(PY_STAMP) $(JAR_STAMP)

$(PY_STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (volltrack needs Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt "setuptools" wheel
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[all]"
	touch $@

$(JAR_STAMP): $(JAVA_SOURCES)
	mvn -B -q package -DskipTests
	mkdir -p $(JAR_DIR)
	rm -f $(JAR_DIR)/*.jar
	cp java/btrackmate/target/BTrackmate_-*.jar $(JAR_DIR)/
	rm -f $(JAR_DIR)/original-*.jar
	mkdir -p $(JAR_DIR)/lib
	rm -f $(JAR_DIR)/lib/*.jar
	cp java/btrackmate/target/lib/*.jar $(JAR_DIR)/lib/
	touch $@

demo: setup
	$(BIN)/volltrack demo --overwrite volltrack-demo

# Every suite runs even when an earlier one fails; the exit status is non-zero if any failed.
test: setup
	@status=0; \
	echo "== Java (Maven Surefire) =="; mvn -B verify || status=1; \
	if command -v xvfb-run >/dev/null; then \
	  echo "== Java: ImageJ dialogs on a virtual display (xvfb) =="; \
	  xvfb-run -a mvn -B -Dtest.headless=false -Dtest=GenericDialogParityTest \
	    -Dsurefire.failIfNoSpecifiedTests=false test || status=1; \
	else echo "(xvfb-run not found: GenericDialogParityTest stays skipped)"; fi; \
	echo "== Python (pytest) =="; $(BIN)/python -m pytest || status=1; \
	echo "== ruff =="; $(MAKE) --no-print-directory lint || status=1; \
	exit $$status

test-java:
	mvn -B verify

test-python: setup
	$(BIN)/python -m pytest

lint: $(PY_STAMP)
	$(BIN)/ruff check python tests benchmarks examples
	$(BIN)/ruff format --check python tests benchmarks examples

format: $(PY_STAMP)
	$(BIN)/ruff format python tests benchmarks examples
	$(BIN)/ruff check --fix python tests benchmarks examples

# A wheel that carries the BTrackmate and ImageJ 1 jars as package data.
wheel: setup
	$(BIN)/python -m pip install -q -c constraints.txt build
	$(BIN)/python -m build --wheel --no-isolation --outdir dist .

# BTrackmate's Fiji update site in fiji-update-site/site/ (see fiji-update-site/README.md).
# SITE=DIR to update another folder (e.g. a checkout of the hosted site).
SITE ?= fiji-update-site/site
update-site: $(PY_STAMP) $(JAR_STAMP)
	$(BIN)/python fiji-update-site/generate.py $(SITE)

# Re-resolve the pinned stack (after changing dependencies in pyproject.toml).
constraints:
	rm -rf /tmp/volltrack-constraints-venv
	$(PYTHON) -m venv /tmp/volltrack-constraints-venv
	/tmp/volltrack-constraints-venv/bin/pip install -q "setuptools<81" wheel "numpy==1.26.4" "tensorflow-cpu==2.15.1"
	/tmp/volltrack-constraints-venv/bin/pip install -q "numpy==1.26.4" "tensorflow-cpu==2.15.1" -e ".[all]"
	{ echo "# Pinned versions for the whole stack (volltrack[all]). Regenerate with 'make constraints'."; \
	  echo "# numpy 1.26 + tensorflow-cpu 2.15.1 is the one stack on which StarDist, CSBDeep and n2v all work."; \
	  echo "setuptools==$$(/tmp/volltrack-constraints-venv/bin/python -c 'import setuptools; print(setuptools.__version__)')"; \
	  /tmp/volltrack-constraints-venv/bin/pip freeze --exclude-editable | grep -v -E '^(pip|volltrack)=='; } > constraints.txt

clean:
	rm -rf $(VENV) $(JAR_DIR) dist build volltrack-demo fiji-update-site/site
	mvn -B -q clean
