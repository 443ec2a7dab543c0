# coffre — make run (the main job) and make test (every test) do all the
# set-up on a fresh Debian machine: `deps` installs what is missing.

GO     ?= go
BIN    := bin/coffre
CORPUS := testdata/corpus

# Tesseract runs 5x faster here with one OpenMP thread per process; OpenMP
# reads this when the library loads, so it must be in the environment.
export OMP_THREAD_LIMIT := 1

# Debian packages: Tesseract with French and orientation data, the C
# headers cgo builds against, libheif for iPhone photos, fonts for test
# images (OCR-B for MRZs).
APT_PACKAGES := gcc pkg-config tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd \
	libtesseract-dev libleptonica-dev libheif-dev libjpeg-dev \
	tesseract-ocr-eng fonts-ocr-b fonts-dejavu-core fonts-liberation2 \
	redis-server redis-tools postgresql postgresql-client

# The web interface's browser tests: Chromium (headless, through
# chromedp) and axe-core for the accessibility checks, from npm.
BROWSER_PACKAGES := chromium npm
AXE := web/.cache/axe/axe.min.js

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build run test test-long bench eval corpus clean fuzz

all: build

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@missing=$$(for p in $(BROWSER_PACKAGES); do command -v $$p >/dev/null || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@[ -f $(AXE) ] || { mkdir -p $(dir $(AXE)) && cd $(dir $(AXE)) && npm pack --silent axe-core@4 >/dev/null && \
		tar xzf axe-core-*.tgz package/axe.min.js && mv package/axe.min.js . && rm -r package axe-core-*.tgz; }
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or later is needed: https://go.dev/doc/install"; exit 1; }

build: deps
	$(GO) build -o $(BIN) ./cmd/coffre

# The main job: the service on embedded defaults (SQLite, sealed files and
# an in-process Redis under ./data).
run: build
	./$(BIN) serve

# The tests use real Redis and PostgreSQL: scripts/test-services.sh starts
# what is not running and gives the database's URL.
test: deps
	$(GO) vet ./... ./testdata/gen/...
	COFFRE_TEST_DATABASE_URL="$$(sh scripts/test-services.sh)" $(GO) test -timeout 20m ./... ./testdata/gen/...
	$(MAKE) --no-print-directory fuzz FUZZRUNS=1

# Slow suites: the accuracy floors on a larger generated corpus.
test-long: deps
	rm -rf /tmp/coffre-corpus-long
	$(GO) run ./testdata/gen -out /tmp/coffre-corpus-long -seed 7 -n 300
	COFFRE_TEST_CORPUS=/tmp/coffre-corpus-long $(GO) test -count=1 -timeout 60m -run TestCorpusAccuracy -v ./cmd/coffre/

# Each fuzz target for FUZZTIME. New crashers land in the package's
# testdata/fuzz/: commit them with the fix. With FUZZRUNS=1 (make test),
# each runs instead for the number of inputs after its name, about a
# second's worth here: a duration races Go 1.26's fuzzing coordinator,
# which then fails with "context deadline exceeded" and no failing input
# (go.dev/issue/75804, fixed in Go 1.27).
FUZZTIME ?= 60s
FUZZ_TARGETS := .:FuzzParseDate:30000 ./classifiers:FuzzParseEuros:5000 \
	./classifiers:FuzzParseDate:1500 ./classifiers:FuzzClassify:100 ./mrz:FuzzRead:15000 \
	./intake:FuzzOpen:5 ./server:FuzzUpload:60

fuzz: deps
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; fn=$${rest%%:*}; budget=$(FUZZTIME); \
		if [ -n "$(FUZZRUNS)" ]; then budget=$${rest##*:}x; fi; \
		echo "== $$fn ($$pkg, $$budget)"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $$budget $$pkg; \
	done

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./cmd/coffre/
	COFFRE_TEST_DATABASE_URL="$$(sh scripts/test-services.sh)" $(GO) test -run '^$$' -bench Upload -benchtime 2000x ./server/
	# p95 over 100 searches of each kind (-benchtime 1x made it one search,
	# the first, on cold caches).
	COFFRE_TEST_DATABASE_URL="$$(sh scripts/test-services.sh)" $(GO) test -run '^$$' -bench Search -benchtime 100x ./vault/...

eval: build
	./$(BIN) eval $(CORPUS)

# Regenerates the committed sample corpus (deterministic).
corpus:
	rm -rf $(CORPUS)
	$(GO) run ./testdata/gen -out $(CORPUS) -seed 1

clean:
	rm -rf bin
