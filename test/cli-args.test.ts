import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "./exports.js";
import { BIN, cli } from "./cli-helpers.js";

const empty = mkdtempSync(join(tmpdir(), "mimir-cli-args-"));
const isolated = { cwd: empty, env: { XDG_CONFIG_HOME: empty, MIMIR_LLM_CONFIG: undefined, OLLAMA_HOST: undefined, GROQ_API_KEY: undefined, MIMIR_LLM_LOG: undefined } };

test("unknown short and long flags are usage errors (2) naming the flag, suggesting one, and saying how to send a prompt that starts with -", async () => {
  // Behind OLLAMA_HOST a server that would answer: nothing may fall through to it.
  const sim = await startSimulator({ dialect: "ollama" });
  const env = { ...isolated.env, OLLAMA_HOST: sim.origin };
  try {
    const cases: [string[], RegExp][] = [
      [["chat", "-x", "hi"], /unknown option -x for "chat" \(see mimir-llm chat --help; put -- before a prompt that starts with "-"\)/],
      [["chat", "-p", "mock", "hi"], /unknown option -p for "chat": did you mean --provider or --profile\?/],
      [["chat", "hi", "--modle", "m"], /unknown option --modle for "chat": did you mean --model\?/],
      [["chat", "--temp=1", "hi"], /unknown option --temp for "chat": did you mean --temperature\?/],
      [["chat", "-5"], /unknown option -5 for "chat"/],
      [["models", "-j"], /unknown option -j for "models": did you mean --json\?/],
      [["providers", "-x"], /unknown option -x for "providers"/],
      [["ps", "-a"], /unknown option -a for "ps"/],
      [["pull", "--json", "llama3.2"], /unknown option --json for "pull"/],
      [["--verbose", "chat", "hi"], /unknown option --verbose: options go after the command/],
      [["chat", "--model", "--json", "hi"], /--model needs a value, got the option --json \(write --model=--json if that is the value\)/],
      [["chat", "--system", "-x", "hi"], /--system needs a value, got the option -x/],
      [["providers", "extra"], /providers takes no arguments, got "extra"/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(args, { cwd: empty, env });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(" "));
      assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
      assert.equal(r.stdout, "", args.join(" "));
    }
    assert.equal(sim.requests.length, 0, "nothing reached a server");
  } finally {
    await sim.close();
  }
});

test("negative numbers are values of the flags that take them; -- ends the options for a prompt that starts with -", async () => {
  const sim = await startSimulator();
  try {
    const r = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "--temperature", "-1", "hi"], isolated);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sim.requests[0]!.body.temperature, -1);
    const eq = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "--temperature=-0.5", "hi"], isolated);
    assert.equal(eq.code, 0, eq.stderr);
    assert.equal(sim.requests[1]!.body.temperature, -0.5);
    const dash = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "--", "-5 degrees:", "--what", "to wear?"], isolated);
    assert.equal(dash.code, 0, dash.stderr);
    assert.equal(dash.stdout, "You said: -5 degrees: --what to wear?\n");
  } finally {
    await sim.close();
  }
});

test("help: `mimir-llm` alone is a usage error with the help on stderr; `help <command>` and --help on stdout (0)", async () => {
  const none = await cli([], isolated);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, "");
  assert.match(none.stderr, /^Usage: mimir-llm <command>/);
  const help = await cli(["help", "chat"], isolated);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: mimir-llm chat/);
  assert.equal((await cli(["help", "nope"], isolated)).code, 2);
  // The piped-stdin rule and the session keys are documented where a user looks for them.
  const chat = await cli(["chat", "--help"], isolated);
  assert.match(chat.stdout, /cat notes\.txt \| mimir-llm chat "Summarise it\."/);
  assert.match(chat.stdout, /piped text comes first, then a blank line, then the prompt/);
  assert.match(chat.stdout, /Ctrl-C stops a reply/);
  assert.match((await cli(["ps", "--help"], isolated)).stdout, /--json/);
  assert.match((await cli(["providers", "--help"], isolated)).stdout, /--json/);
});

test("a reader that goes away (| head) ends the command quietly, not with an EPIPE stack trace", async () => {
  const child = spawn(process.execPath, [BIN, "providers"], { cwd: empty, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  // Closed before the program has written anything: its first write meets a closed pipe.
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on("close", r));
  assert.equal(stderr, "");
  assert.equal(code, 0);
});
