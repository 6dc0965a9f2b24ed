#!/usr/bin/env bash
# Installs the pinned local stand-ins for AWS that Kabinet runs against without
# Docker, into $KABINET_TOOLS (default: <repo root>/.local/tools):
#
#   dynamodb-local/  Amazon's DynamoDB Local (a Java jar), taken from the npm
#                    package amplify-dynamodb-simulator, which ships it whole;
#                    the jar's sha256 is checked against a pinned value.
#   node/            fauxqs (SNS/SQS emulator), s3rver (S3) and aws-cdk (the CDK CLI), as
#                    pinned by tools/package.json and tools/package-lock.json.
#   installed.stamp  rewritten on every successful run, for make.
#
# Idempotent: a step whose result is already in place is skipped, so a second
# run takes well under a second. Needs java >= 17, node and npm on PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${KABINET_TOOLS:-$ROOT/.local/tools}"

DDB_PACKAGE="amplify-dynamodb-simulator@2.9.30"
DDB_JAR_SHA256="454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7"
JAVA_MIN=17

step() { printf 'tools: %s\n' "$*"; }
die() {
	printf 'tools: error: %s\n' "$*" >&2
	exit 1
}

CLEANUP=()
cleanup() {
	if ((${#CLEANUP[@]})); then rm -rf "${CLEANUP[@]}"; fi
}
trap cleanup EXIT

sha256() { sha256sum "$1" | cut -d' ' -f1; }

need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 not found on PATH; $2"
}

check_java() {
	need java "install a Java runtime >= $JAVA_MIN (Debian: apt-get install openjdk-$JAVA_MIN-jre-headless)"
	local line version major
	line="$(java -version 2>&1 | head -n 1)"
	# e.g. openjdk version "17.0.15" 2025-04-15   or   java version "1.8.0_392"
	version="$(printf '%s\n' "$line" | sed -n 's/.*version "\([^"]*\)".*/\1/p')"
	[[ -n "$version" ]] || die "cannot read the Java version from: $line"
	major="${version%%[.+-]*}"
	if [[ "$major" == 1 ]]; then
		major="$(printf '%s\n' "$version" | cut -d. -f2)"
	fi
	[[ "$major" =~ ^[0-9]+$ ]] || die "cannot read the Java version from: $line"
	if ((major < JAVA_MIN)); then
		die "DynamoDB Local needs Java >= $JAVA_MIN, found $version (Debian: apt-get install openjdk-$JAVA_MIN-jre-headless)"
	fi
	step "java $version ok"
}

install_dynamodb_local() {
	local dest="$TOOLS/dynamodb-local"
	local jar="$dest/DynamoDBLocal.jar"
	if [[ -f "$jar" && -d "$dest/DynamoDBLocal_lib" ]] && [[ "$(sha256 "$jar")" == "$DDB_JAR_SHA256" ]]; then
		step "dynamodb-local already installed ($dest)"
		return
	fi
	step "dynamodb-local: fetching $DDB_PACKAGE"
	local tmp
	tmp="$(mktemp -d "${TMPDIR:-/tmp}/kabinet-ddb.XXXXXX")"
	CLEANUP+=("$tmp")
	local tgz
	if ! tgz="$(cd "$tmp" && npm pack "$DDB_PACKAGE" --silent --no-audit --no-fund 2>"$tmp/npm.err" | tail -n 1)"; then
		cat "$tmp/npm.err" >&2
		die "npm pack $DDB_PACKAGE failed"
	fi
	[[ -n "$tgz" && -f "$tmp/$tgz" ]] || die "npm pack $DDB_PACKAGE produced no tarball"
	mkdir -p "$tmp/x"
	tar -xzf "$tmp/$tgz" -C "$tmp/x" --strip-components=2 package/emulator/
	[[ -f "$tmp/x/DynamoDBLocal.jar" ]] || die "$DDB_PACKAGE has no emulator/DynamoDBLocal.jar"
	local got
	got="$(sha256 "$tmp/x/DynamoDBLocal.jar")"
	if [[ "$got" != "$DDB_JAR_SHA256" ]]; then
		die "DynamoDBLocal.jar sha256 mismatch: got $got, want $DDB_JAR_SHA256; refusing to install"
	fi
	rm -rf "$dest"
	mv "$tmp/x" "$dest"
	step "dynamodb-local installed ($dest, sha256 ok)"
}

install_node_tools() {
	local dest="$TOOLS/node"
	if [[ -d "$dest/node_modules" ]] && cmp -s "$ROOT/tools/package-lock.json" "$dest/package-lock.json" &&
		cmp -s "$ROOT/tools/package.json" "$dest/package.json"; then
		step "node tools already installed ($dest)"
		return
	fi
	step "node tools: npm ci (fauxqs, s3rver, aws-cdk)"
	mkdir -p "$dest"
	cp "$ROOT/tools/package.json" "$ROOT/tools/package-lock.json" "$dest/"
	# npm ci leaves package-lock.json alone and deletes node_modules first, so a
	# failed run is retried in full next time.
	if ! (cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
		rm -f "$dest/package-lock.json"
		die "npm ci failed in $dest"
	fi
	[[ -f "$dest/node_modules/fauxqs/dist/app.js" ]] || die "fauxqs missing after npm ci in $dest"
	[[ -f "$dest/node_modules/s3rver/lib/s3rver.js" ]] || die "s3rver missing after npm ci in $dest"
	step "node tools installed ($dest)"
}

need node "install Node.js >= 20"
need npm "install npm"
mkdir -p "$TOOLS"
TOOLS="$(cd "$TOOLS" && pwd)"
check_java
# cfn-lint checks the synthesized templates (infra TestCfnLint, which fails
# under make test without it). It is a pip package: neither Debian nor the
# registries this machine reaches ship it, so it cannot be installed here.
if command -v cfn-lint >/dev/null 2>&1; then
	step "cfn-lint $(cfn-lint --version 2>/dev/null | awk '{print $2}') found"
else
	die "cfn-lint is not on PATH: pip install cfn-lint (the infra tests lint the templates with it)"
fi
install_dynamodb_local
install_node_tools
{
	echo "# written by tools/install.sh; delete to force make to re-run it"
	echo "dynamodb-local $DDB_PACKAGE sha256:$DDB_JAR_SHA256"
	echo "node-lock sha256:$(sha256 "$ROOT/tools/package-lock.json")"
} >"$TOOLS/installed.stamp"
step "done: $TOOLS/installed.stamp"
