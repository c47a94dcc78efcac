#!/usr/bin/env bash
# Installs what test/runtimes.test.ts runs the packed package under, from the npm registry and
# Debian only (no tool's own downloader: this network reaches nothing else):
#   - Bun, Deno and playwright-core: test/runtimes/package.json + its lockfile, into
#     test/runtimes/node_modules (kept out of the root package so its install stays lean).
#     --ignore-scripts: bun's and deno's postinstall only move their platform binary around;
#     the test runs the binaries of @oven/bun-<platform> and @deno/<platform> directly.
#   - Chromium: Debian's package (playwright-core drives it; no `playwright install`).
# Idempotent and quick when everything is already there. Run as root for the apt step.
set -euo pipefail
cd "$(dirname "$0")/.."

rt=test/runtimes
# `npm ci` writes node_modules/.package-lock.json; reinstall when it is missing or older than the lockfile.
if [[ ! -f $rt/node_modules/.package-lock.json || $rt/package-lock.json -nt $rt/node_modules/.package-lock.json ]]; then
  npm ci --prefix "$rt" --ignore-scripts --no-audit --no-fund --loglevel=error
fi

if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-runtimes: /usr/bin/chromium is missing; install Debian's chromium as root: apt-get update && apt-get install -y chromium" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# Say what is there, and fail here (not later, in the tests) if a binary does not run.
arch=$(node -p 'process.arch === "arm64" ? "aarch64" : process.arch')
bun=$rt/node_modules/@oven/bun-linux-$arch/bin/bun
deno=$rt/node_modules/@deno/linux-$(node -p process.arch)-glibc/deno
echo "setup-runtimes: bun $("$bun" --version), $("$deno" --version | head -1), playwright-core $(node -p "require('./$rt/node_modules/playwright-core/package.json').version"), $(/usr/bin/chromium --version 2>/dev/null)"
