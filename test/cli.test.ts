import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimulator } from "./exports.js";
import { cli, cliTty, closedPort, hasScript } from "./cli-helpers.js";

const empty = mkdtempSync(join(tmpdir(), "mimir-cli-"));
const isolated = { cwd: empty, env: { XDG_CONFIG_HOME: empty, MIMIR_LLM_CONFIG: undefined, OLLAMA_HOST: undefined, GROQ_API_KEY: undefined } };

test("offline mock: `chat --provider mock hello` works with no network and no model", async () => {
  const r = await cli(["chat", "--provider", "mock", "hello"], isolated);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "You said: hello\n");
});

test("the offline mock lists its models and serves any model name", async () => {
  const r = await cli(["models", "--provider", "mock"], isolated);
  assert.equal(r.stdout, "mock-model\nmock-embed\n");
  const c = await cli(["chat", "--provider", "mock", "--model", "anything", "hi"], isolated);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(c.stdout, "You said: hi\n");
});

test("the prompt is read from stdin when piped; --json prints the final ChatCompletion", async () => {
  const r = await cli(["chat", "--provider", "mock", "--json"], { ...isolated, input: "a piped question\n" });
  assert.equal(r.code, 0, r.stderr);
  const c = JSON.parse(r.stdout);
  assert.equal(c.object, "chat.completion");
  assert.equal(c.choices[0].message.content, "You said: a piped question");
});

test("chat against a real server: streams tokens, reasoning on stderr, tool calls plainly, flags reach the wire", async () => {
  const sim = await startSimulator({ dialect: "deepseek", script: [{ reasoning: "Let me think.", text: "A dragon named Ember.", toolCalls: [{ id: "c1", name: "roll", arguments: '{"d":20}' }] }] });
  try {
    const r = await cli(["chat", "--base-url", sim.baseURL, "--model", "m1", "--system", "Be brief.", "--temperature", "0.3", "--max-tokens", "64", "Name a dragon"], isolated);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "A dragon named Ember.\ntool call: roll({\"d\":20})\n");
    assert.match(r.stderr, /Let me think\./);
    const body = sim.requests[0]!.body;
    assert.deepEqual([body.model, body.temperature, body.max_tokens, body.stream, body.messages[0]], ["m1", 0.3, 64, true, { role: "system", content: "Be brief." }]);
  } finally {
    await sim.close();
  }
});

test("--no-stream asks for the whole answer at once", async () => {
  const sim = await startSimulator({ script: [{ text: "whole" }] });
  try {
    const r = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "--no-stream", "hi"], isolated);
    assert.equal(r.stdout, "whole\n");
    assert.notEqual(sim.requests[0]!.body.stream, true);
  } finally {
    await sim.close();
  }
});

test("models lists any provider's models, normalised; --json", async () => {
  const sim = await startSimulator({ dialect: "llamacpp", models: ["qwen3-8b", "nomic"] });
  try {
    const r = await cli(["models", "--base-url", sim.baseURL], isolated);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "qwen3-8b\nnomic\n");
    const j = await cli(["models", "--base-url", sim.baseURL, "--json"], isolated);
    assert.deepEqual(JSON.parse(j.stdout).map((m: any) => [m.id, m.object]), [["qwen3-8b", "model"], ["nomic", "model"]]);
  } finally {
    await sim.close();
  }
});

test("providers prints the preset table", async () => {
  const r = await cli(["providers"], isolated);
  assert.equal(r.code, 0);
  for (const id of ["openai", "groq", "ollama", "gemini", "mock"]) assert.match(r.stdout, new RegExp(`^${id}\\s`, "m"));
  assert.match(r.stdout, /GROQ_API_KEY/);
});

test("--help on every command, exit 0; no command is a usage error (2)", async () => {
  for (const c of ["chat", "models", "providers", "pull", "rm", "ps"]) {
    const r = await cli([c, "--help"], isolated);
    assert.equal(r.code, 0, c);
    assert.match(r.stdout, new RegExp(`Usage: mimir-llm ${c}`), c);
  }
  assert.equal((await cli(["--help"], isolated)).code, 0);
  assert.equal((await cli([], isolated)).code, 2);
});

test("usage and config errors exit 2 with one clear line", async () => {
  const cases: [string[], RegExp][] = [
    [["frobnicate"], /unknown command "frobnicate"/],
    [["chat", "--bogus", "x"], /unknown option --bogus/],
    [["chat", "--provider", "mock", "--temperature", "hot", "x"], /--temperature must be a number/],
    [["chat", "--provider", "mock", "--max-tokens", "-3", "x"], /--max-tokens must be a positive integer/],
    [["chat", "--provider"], /--provider needs a value/],
    [["chat", "--provider", "nope", "x"], /unknown provider "nope"/],
    [["chat", "--provider", "groq", "x"], /GROQ_API_KEY/],
    [["chat", "--base-url", "not a url", "x"], /not a valid URL/],
    [["chat", "--profile", "x", "hi"], /no config file/],
    [["pull"], /exactly one model/],
    [["pull", "--provider", "groq", "x"], /Ollama's/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(args, isolated);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
  }
});

test("provider errors exit 1 with one line; --verbose adds details; the key is never printed", async () => {
  const key = "gsk_SUPERSECRETKEY_0123456789";
  const sim = await startSimulator({ apiKey: "another-key" });
  try {
    const r = await cli(["chat", "--provider", "groq", "--base-url", sim.baseURL, "hi"], { ...isolated, env: { ...isolated.env, GROQ_API_KEY: key } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Incorrect API key/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    const v = await cli(["chat", "--provider", "groq", "--base-url", sim.baseURL, "--verbose", "hi"], { ...isolated, env: { ...isolated.env, GROQ_API_KEY: key } });
    assert.equal(v.code, 1);
    assert.match(v.stderr, /"status": 401/);
    assert.equal((r.stdout + r.stderr + v.stdout + v.stderr).includes(key), false);
  } finally {
    await sim.close();
  }
  const down = await cli(["models", "--base-url", `http://127.0.0.1:${await closedPort()}/v1`], isolated);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /ECONNREFUSED/);
});

test("profiles from mimir-llm.yaml in the working directory, with default params and an env-var key", async () => {
  const sim = await startSimulator({ apiKey: "key-from-env", script: [{ text: "from profile" }] });
  const dir = mkdtempSync(join(tmpdir(), "mimir-prof-"));
  writeFileSync(join(dir, "mimir-llm.yaml"), `# Mimir's models
default: tavern
profiles:
  - name: tavern
    baseURL: ${sim.baseURL}
    model: tavern-model
    apiKey: { env: TAVERN_KEY }
    params:
      temperature: 0.9
      max_tokens: 100
`);
  try {
    const r = await cli(["chat", "hi"], { cwd: dir, env: { ...isolated.env, TAVERN_KEY: "key-from-env" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "from profile\n");
    const body = sim.requests[0]!.body;
    assert.deepEqual([body.model, body.temperature, body.max_tokens], ["tavern-model", 0.9, 100]);
    const bad = await cli(["chat", "--profile", "nope", "hi"], { cwd: dir, env: isolated.env });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /mimir-llm\.yaml: no profile named "nope"/);
  } finally {
    await sim.close();
  }
});

test("interactive session under a terminal: history kept across turns, /exit leaves", { skip: !hasScript }, async () => {
  const sim = await startSimulator({ script: [{ text: "First answer." }, { text: "Second answer." }] });
  try {
    const r = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m"], "Who is the innkeeper?\nAnd her name?\n/exit\n");
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /First answer\./);
    assert.match(r.stdout, /Second answer\./);
    assert.equal(sim.requests.length, 2);
    assert.deepEqual(sim.requests[1]!.body.messages.map((m: any) => [m.role, m.content]), [
      ["user", "Who is the innkeeper?"], ["assistant", "First answer."], ["user", "And her name?"],
    ]);
  } finally {
    await sim.close();
  }
});

test("piped stdin plus a prompt: the piped text, a blank line, then the prompt, in one user message", async () => {
  const sim = await startSimulator();
  try {
    const r = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "Summarise", "it."], { ...isolated, input: "\nLine 1\n  Line 2\n\n" });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(sim.requests[0]!.body.messages, [{ role: "user", content: "Line 1\n  Line 2\n\nSummarise it." }]);
    assert.equal(r.stdout, "You said: Line 1\n  Line 2\n\nSummarise it.\n");
    // Nothing piped: the prompt alone.
    await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "Just this."], { ...isolated, input: " \n" });
    assert.deepEqual(sim.requests[1]!.body.messages, [{ role: "user", content: "Just this." }]);
  } finally {
    await sim.close();
  }
});

test("a config file with profiles but no default and no --profile is a config error (2) naming the file and its profiles, named or found", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mimir-nodefault-"));
  const file = join(dir, "mimir-llm.yaml");
  writeFileSync(file, "profiles:\n  - name: fast\n    provider: groq\n  - name: local\n    provider: ollama\n");
  // Behind OLLAMA_HOST a server that would answer: the error must not be a silent fall back to it.
  const sim = await startSimulator({ dialect: "ollama" });
  try {
    const env = { ...isolated.env, OLLAMA_HOST: sim.origin };
    for (const [args, cwd] of [[["chat", "--config", file, "hi"], empty], [["chat", "hi"], dir], [["models"], dir]] as const) {
      const r = await cli([...args], { cwd, env });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /mimir-llm\.yaml: which profile\? The file has no `default:` and none was named \(profiles: fast, local\)\. Pick one with --profile NAME/);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assert.equal(sim.requests.length, 0);
    // A server named on the command line does not need the file; --profile picks one.
    assert.equal((await cli(["chat", "--base-url", `${sim.origin}/v1`, "--model", "m", "hi"], { cwd: dir, env })).code, 0);
    const picked = await cli(["chat", "--profile", "local", "--model", "m", "hi"], { cwd: dir, env });
    assert.equal(picked.code, 0, picked.stderr);
    assert.equal(picked.stdout, "You said: hi\n");
    // A named file without profiles is an error too; a found one is not (there is nothing to choose).
    writeFileSync(file, "profiles: []\n");
    const named = await cli(["chat", "--config", file, "hi"], { cwd: empty, env });
    assert.equal(named.code, 2);
    assert.match(named.stderr, /mimir-llm\.yaml has no profiles/);
    const found = await cli(["chat", "--model", "m", "hi"], { cwd: dir, env });
    assert.equal(found.code, 0, found.stderr);
    assert.equal(sim.requests.at(-1)!.path, "/v1/chat/completions");
  } finally {
    await sim.close();
  }
});

test("provider: mock in a profile works as --provider mock does, as the default or by name", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mimir-mockprof-"));
  writeFileSync(join(dir, "mimir-llm.yaml"), "default: offline\nprofiles:\n  - name: offline\n    provider: mock\n  - name: other\n    provider: mock\n    model: other-model\n");
  const r = await cli(["chat", "hello"], { cwd: dir, env: isolated.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "You said: hello\n");
  const j = await cli(["chat", "--profile", "other", "--json", "hi"], { cwd: dir, env: isolated.env });
  assert.equal(j.code, 0, j.stderr);
  assert.equal(JSON.parse(j.stdout).model, "other-model");
  assert.equal((await cli(["models", "--profile", "offline"], { cwd: dir, env: isolated.env })).stdout, "mock-model\nmock-embed\n");
});

test("a reply cut by the token limit, or empty, says so on stderr; stdout keeps only the answer", async () => {
  const sim = await startSimulator({ script: [{ text: "Once upon", finishReason: "length" }, { text: "" }] });
  try {
    const cut = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "--max-tokens", "2", "Tell me a story"], isolated);
    assert.equal(cut.code, 0, cut.stderr);
    assert.equal(cut.stdout, "Once upon\n");
    assert.equal(cut.stderr, "(the reply hit the token limit; --max-tokens raises it)\n");
    const empty = await cli(["chat", "--base-url", sim.baseURL, "--model", "m", "Say nothing"], isolated);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, "");
    assert.equal(empty.stderr, "(the reply was empty)\n");
  } finally {
    await sim.close();
  }
});
