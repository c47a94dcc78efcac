import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "./exports.js";
import { createClient, findConfigFile, loadConfig, parseConfig, parseYaml } from "../src/node/index.js";
import { user, withSim } from "./helpers.js";

test("YAML subset: mappings, lists, list of mappings, flow collections, scalars, comments, quotes", () => {
  const doc = `
# comment
name: "quoted: value # not a comment"
plain: some text # trailing comment
single: 'it''s'
n: 42
f: -1.5e3
t: true
nothing: ~
list:
  - a
  - 2
items:
- x: 1
  y: [1, "two", {z: 3}]
- flow: {a: b, c: [d]}
nested:
  deeper:
    key: v
empty:
`;
  assert.deepEqual(parseYaml(doc), {
    name: "quoted: value # not a comment", plain: "some text", single: "it's", n: 42, f: -1500, t: true, nothing: null,
    list: ["a", 2], items: [{ x: 1, y: [1, "two", { z: 3 }] }, { flow: { a: "b", c: ["d"] } }], nested: { deeper: { key: "v" } }, empty: null,
  });
});

test("YAML: what is not supported is refused with a line number, never misread", () => {
  const bad: [string, RegExp][] = [
    ["a:\n\tb: 1", /line 2: tabs/],
    ["a: 1\na: 2", /line 2: duplicate key "a"/],
    ["a: &x 1", /line 1: anchors/],
    ["a: |\n  text", /line 1: block scalars/],
    ["a: \"open", /line 1: unterminated/],
    ["a: 1\n   b: 2", /line 2: unexpected indentation/],
    ["a: 1\n---\nb: 2", /line 2: only one YAML document/],
    ["just text", /line 1: expected `key: value`/],
    ["a: [1, 2", /line 1: expected , or \]/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseYaml(text), re, text);
});

const P = "/cfg/mimir-llm.yaml";
function configError(text: string, path = P): string {
  try {
    parseConfig(text, path);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
  throw new Error("expected a ConfigError");
}

test("config validation names the file, the field and what is wrong, for every bad input", () => {
  const cases: [string, RegExp][] = [
    ["profiles:\n  - name: a\n    provider: grok", /mimir-llm\.yaml: profiles\[0\]\.provider: unknown provider "grok"/],
    ["profiles:\n  - name: a\n    provider: ollama\n    temperature: 1", /profiles\[0\]\.temperature: unknown field/],
    ["profiles:\n  - name: a\n    provider: ollama\n    params: { temperature: hot }", /profiles\[0\]\.params\.temperature: expected a number, got "hot"/],
    ["profiles:\n  - name: a\n    provider: ollama\n    timeout: -5", /profiles\[0\]\.timeout: expected a number ≥ 1/],
    ["profiles:\n  - name: a\n    provider: groq\n    apiKey: gsk_plaintext", /profiles\[0\]\.apiKey: keys are not stored in clear/],
    ["profiles:\n  - provider: ollama", /profiles\[0\]\.name: every profile needs a name/],
    ["profiles:\n  - name: a", /profiles\[0\]: profile "a" needs a provider or a baseURL/],
    ["profiles:\n  - name: a\n    baseURL: localhost:1234", /profiles\[0\]\.baseURL: expected an http\(s\) URL/],
    ["profiles:\n  - name: a\n    provider: ollama\n  - name: a\n    provider: ollama", /profiles\[1\]\.name: duplicate profile name "a"/],
    ["profiles:\n  - name: a\n    provider: ollama\n    endpoints: [chat, images]", /profiles\[0\]\.endpoints: expected a list of "chat" and\/or "embeddings"/],
    ["profiles:\n  - name: a\n    provider: ollama\n    rateLimit: { requestsPerMinute: fast }", /profiles\[0\]\.rateLimit\.requestsPerMinute: expected a number/],
    ["default: b\nprofiles:\n  - name: a\n    provider: ollama", /default: no profile named "b"/],
    ["profiles: 5", /profiles: expected a list/],
    ["profile:\n  - name: a", /profile: unknown field/],
    ["profiles:\n  - name: a\n\tprovider: x", /line 3: tabs/],
  ];
  for (const [text, re] of cases) assert.match(configError(text), re, text);
  assert.match(configError("{ nope", "/cfg/mimir-llm.json"), /mimir-llm\.json: invalid JSON/);
});

test("keys: { env: NAME }, ${NAME}, apiKeyEnv; plaintext only when allowed", () => {
  const c = parseConfig("profiles:\n  a: { provider: groq, apiKey: { env: K1 } }\n  b: { provider: groq, apiKey: \"${K2}\" }\n  c: { provider: groq, apiKeyEnv: K3 }", P);
  assert.deepEqual(Object.values(c.profiles).map((p) => p.apiKeyEnv), ["K1", "K2", "K3"]);
  const d = parseConfig("allowPlaintextKeys: true\nprofiles:\n  - name: a\n    provider: groq\n    apiKey: gsk_x", P);
  assert.equal(d.profiles.a!.apiKey, "gsk_x");
});

test("file lookup: explicit path, MIMIR_LLM_CONFIG, working directory, XDG_CONFIG_HOME", () => {
  const root = mkdtempSync(join(tmpdir(), "mimir-find-"));
  const cwd = join(root, "cwd");
  const xdg = join(root, "xdg");
  mkdirSync(join(xdg, "mimir-llm"), { recursive: true });
  mkdirSync(cwd);
  const body = "profiles:\n  - name: a\n    provider: ollama\n";
  writeFileSync(join(xdg, "mimir-llm", "config.yaml"), body);
  assert.equal(findConfigFile({ cwd, env: { XDG_CONFIG_HOME: xdg } }), join(xdg, "mimir-llm", "config.yaml"));
  writeFileSync(join(cwd, "mimir-llm.json"), JSON.stringify({ profiles: [{ name: "j", provider: "ollama" }] }));
  assert.equal(findConfigFile({ cwd, env: { XDG_CONFIG_HOME: xdg } }), join(cwd, "mimir-llm.json"));
  writeFileSync(join(root, "other.yaml"), body);
  assert.equal(findConfigFile({ cwd, env: { XDG_CONFIG_HOME: xdg, MIMIR_LLM_CONFIG: join(root, "other.yaml") } }), join(root, "other.yaml"));
  assert.equal(findConfigFile({ cwd, path: "../other.yaml", env: {} }), join(root, "other.yaml"));
  assert.throws(() => findConfigFile({ cwd, path: "missing.yaml", env: {} }), /does not exist/);
  assert.equal(findConfigFile({ cwd: root, env: { XDG_CONFIG_HOME: join(root, "none"), HOME: join(root, "none") } }), undefined);
  assert.equal(loadConfig({ cwd, env: {} })?.profiles.j?.provider, "ollama");
});

test("createClient({ profile }): model, params, limits and endpoints from the file; a missing key env var is a ConfigError", async () => {
  await withSim({ apiKey: "k-123" }, {}, async (sim) => {
    const config = parseConfig(`profiles:
  - name: chat
    baseURL: ${sim.baseURL}
    model: chat-model
    apiKeyEnv: SIM_KEY
    params: { temperature: 0.1, max_tokens: 9 }
    maxRetries: 0
    endpoints: [chat]
  - name: embed
    baseURL: ${sim.baseURL}
    embeddingModel: e-model
    apiKeyEnv: SIM_KEY
    endpoints: [embeddings]
  - name: hosted
    provider: groq
    apiKey: { env: NOT_SET_ANYWHERE }
`, P);
    process.env.SIM_KEY = "k-123";
    try {
      const llm = createClient({ profile: "chat", config });
      await llm.chat.completions.create({ messages: user("hi"), temperature: 0.5 });
      const body = sim.requests[0]!.body;
      assert.deepEqual([body.model, body.temperature, body.max_tokens], ["chat-model", 0.5, 9]);
      await assert.rejects(llm.embeddings.create({ input: "x" }), /profile "chat" does not serve embeddings/);
      const emb = createClient({ profile: "embed", config });
      assert.equal((await emb.embeddings.create({ input: "x" })).model, "e-model");
      await assert.rejects(emb.complete("hi"), /does not serve chat/);
      assert.throws(() => createClient({ profile: "hosted", config }), /profile "hosted" reads its key from NOT_SET_ANYWHERE, which is not set/);
      assert.throws(() => createClient({ profile: "zzz", config }), /no profile named "zzz"/);
    } finally {
      delete process.env.SIM_KEY;
    }
  });
});

test("provider: mock is a valid profile provider: the client answers offline", async () => {
  const config = parseConfig("profiles:\n  - name: offline\n    provider: mock\n    params: { temperature: 0.2 }\n", P);
  assert.equal(config.profiles.offline!.provider, "mock");
  const llm = createClient({ profile: "offline", config });
  assert.equal(llm.provider.id, "mock");
  assert.equal(await llm.complete("hello"), "You said: hello");
  assert.match(configError("profiles:\n  - name: a\n    provider: mocky"), /unknown provider "mocky" \(known: .*, mock\)/);
});

test("createClient({ config }) with no profile named and no default: a ConfigError naming the file and its profiles", () => {
  const config = parseConfig("profiles:\n  - name: a\n    provider: ollama\n  - name: b\n    provider: mock\n", P);
  assert.throws(() => createClient({ config }), (e: unknown) => e instanceof ConfigError && /\/cfg\/mimir-llm\.yaml: which profile\? .*\(profiles: a, b\)/.test(e.message));
  // Naming the server makes the file's choice moot.
  assert.equal(createClient({ config, baseURL: "http://127.0.0.1:1/v1" }).provider.id, "openai-compatible");
});
