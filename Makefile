# Kabinet. `make run` and `make test` are all a fresh machine needs: both
# install the pinned local tools first (DynamoDB Local, fauxqs, the CDK CLI).
SHELL := /bin/bash
GO ?= go
FUNCTIONS := $(patsubst functions/%/main.go,%,$(wildcard functions/*/main.go))
CDK := .local/tools/node/node_modules/.bin/cdk
CDKLOCAL := .local/tools/node/node_modules/.bin/cdklocal
# deploy-localstack's target: your own LocalStack. cdklocal needs the S3
# endpoint spelled out whenever AWS_ENDPOINT_URL is set.
AWS_ENDPOINT_URL ?= http://localhost:4566
AWS_ENDPOINT_URL_S3 ?= http://s3.localhost.localstack.cloud:4566
LOCALSTACK_REGION ?= us-east-1
FUZZTIME ?= 30s
# staticcheck, pinned, built from the Go module proxy into .local/tools/bin.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := .local/tools/bin/staticcheck-$(STATICCHECK_VERSION)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: run test test-e2e web build invoke synth deploy-localstack lint fuzz bench bench-large tools reset clean

run: tools web ## the whole system locally on http://127.0.0.1:8080 (PORT overrides), the web cabinet at /
	$(GO) run ./cmd/local

test: tools web ## every test: unit, integration against the emulators, CDK assertions, the web app's; the browser tests when Chromium is installed
	KABINET_REQUIRE_EMULATORS=1 $(GO) test -count=1 -timeout 45m ./...
	cd web && npm test

test-e2e: tools web ## the web cabinet's browser tests in Debian's Chromium against the local system (screenshots in web/e2e-screenshots/)
	KABINET_REQUIRE_EMULATORS=1 KABINET_REQUIRE_CHROMIUM=1 $(GO) test -count=1 -timeout 10m -run '^TestWebCabinetInChromium$$' -v ./cmd/local/

web: ## build the web cabinet into web/dist (npm ci first when the lock file is newer than node_modules)
	cd web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build

build: ## one bootstrap per function for Lambda's provided.al2023 on arm64
	@for fn in $(FUNCTIONS); do \
		echo "build bin/$$fn/bootstrap"; \
		GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath \
			-ldflags='-s -w' -o bin/$$fn/bootstrap ./functions/$$fn || exit 1; \
	done

invoke: ## run one function on a sample event against `make run`'s stack: make invoke FN=documents EVENT=events/apigw-list-documents.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=events/<file>.json"; exit 2; }
	$(GO) run ./cmd/invoke -fn $(FN) -event $(EVENT) -env .local/stack.env

synth: tools build web ## the CloudFormation template, into cdk.out/
	$(CDK) synth --quiet --output cdk.out

deploy-localstack: ## bootstrap and deploy the stack into your own LocalStack at AWS_ENDPOINT_URL (never run by make test)
	@curl -sf "$(AWS_ENDPOINT_URL)/_localstack/health" >/dev/null || { \
		echo "deploy-localstack: no LocalStack answers at $(AWS_ENDPOINT_URL)/_localstack/health."; \
		echo "Start one (e.g. 'localstack start -d'; Cognito and HTTP APIs need LocalStack Pro) or set AWS_ENDPOINT_URL."; \
		exit 1; }
	@$(MAKE) --no-print-directory tools build web
	export AWS_ENDPOINT_URL="$(AWS_ENDPOINT_URL)" AWS_ENDPOINT_URL_S3="$(AWS_ENDPOINT_URL_S3)" \
		AWS_REGION="$(LOCALSTACK_REGION)" AWS_ENVAR_ALLOWLIST=AWS_REGION,AWS_DEFAULT_REGION; \
	$(CDKLOCAL) bootstrap && $(CDKLOCAL) deploy --require-approval never --outputs-file cdk.out/localstack-outputs.json

lint: $(STATICCHECK) ## gofmt, go vet, staticcheck and go mod tidy (go.mod and go.sum as tidy leaves them)
	@out=$$(gofmt -l $$($(GO) list -f '{{.Dir}}' ./...)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	$(GO) mod tidy -diff

$(STATICCHECK):
	mkdir -p $(@D)
	GOBIN=$(abspath $(@D)) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(@D)/staticcheck $@

fuzz: ## every Fuzz* target of the module (go test -list per package), each for FUZZTIME (default 30s)
	@set -o pipefail; \
	targets=$$($(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ {f = f " " $$1} /^ok/ {if (f != "") print $$2 f; f = ""}') || exit 1; \
	test -n "$$targets" || { echo "fuzz: no Fuzz targets found"; exit 1; }; \
	while read -r pkg names; do \
		for t in $$names; do \
			echo "fuzz $$pkg $$t"; $(GO) test $$pkg -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) || exit 1; \
		done; \
	done <<< "$$targets"

bench: tools ## measure against the local stack and write BENCHMARKS.md (under 15 minutes)
	$(GO) run ./cmd/bench -out BENCHMARKS.md

bench-large: tools ## make bench plus the expiry scan over 1M documents
	$(GO) run ./cmd/bench -large -out BENCHMARKS.md

.PHONY: load
load: tools ## 60 s of mixed load on the local system (loopback), then the booking consistency check; fails on any 5xx
	$(GO) run ./cmd/load -duration 60s

tools: $(STATICCHECK) ## install the pinned emulators, CDK CLI and staticcheck into .local/tools
	@bash tools/install.sh

reset: ## wipe local data and the development signing key
	rm -rf .local/dynamodb .local/keys .local/stack.env

clean: ## remove build output
	rm -rf bin cdk.out web/dist
