import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, createClient, defineProvider, presets, type PresetId } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  throw new Error("expected a ConfigError");
}

test("unknown preset: ConfigError listing the known ones", () => {
  // A typo fails to compile (the type is the union of preset ids); at run time it is a ConfigError.
  // @ts-expect-error "grok" is not a preset id
  const e = configError(() => createClient({ provider: "grok" }));
  assert.match(e.message, /unknown provider "grok"; known: openai, groq, ollama/);
});

test("missing key for a hosted preset: ConfigError naming the env var", () => {
  const old = process.env.GROQ_API_KEY;
  delete process.env.GROQ_API_KEY;
  try {
    const e = configError(() => createClient({ provider: "groq" }));
    assert.match(e.message, /GROQ_API_KEY/);
  } finally {
    if (old !== undefined) process.env.GROQ_API_KEY = old;
  }
});

test("the key is read from the preset's env var", async () => {
  process.env.MISTRAL_API_KEY = "mistral-from-env";
  try {
    await withSim({ dialect: "mistral" }, { provider: "mistral" }, async (sim, llm) => {
      await llm.complete("hi");
      assert.equal(sim.requests[0]!.headers.authorization, "Bearer mistral-from-env");
    });
  } finally {
    delete process.env.MISTRAL_API_KEY;
  }
});

test("bad base URLs: not a URL, wrong scheme, credentials inside", () => {
  assert.match(configError(() => createClient({ baseURL: "localhost:11434" })).message, /http or https|not a valid URL/);
  assert.match(configError(() => createClient({ baseURL: "not a url" })).message, /not a valid URL/);
  assert.match(configError(() => createClient({ baseURL: "ftp://x/v1" })).message, /http or https/);
  assert.match(configError(() => createClient({ baseURL: "http://u:p@x/v1" })).message, /credentials/);
});

test("no provider and no baseURL; bad numbers; bad preset objects", () => {
  assert.match(configError(() => createClient({})).message, /no provider/);
  assert.match(configError(() => createClient({ provider: "ollama", maxRetries: -1 })).message, /maxRetries/);
  assert.match(configError(() => createClient({ provider: "ollama", timeout: Number.NaN })).message, /timeout/);
  assert.match(configError(() => createClient({ provider: "ollama", idleTimeout: "5" as any })).message, /idleTimeout/);
  assert.match(configError(() => createClient({ provider: { id: "" } as any })).message, /non-empty string `id`/);
  assert.match(configError(() => createClient({ provider: { id: "x", baseURL: "http://x" } as any })).message, /keyRequired/);
  assert.match(configError(() => createClient({ provider: "ollama", fetch: 5 as any })).message, /fetch/);
});

test("bad request input: no messages, no model, bad embeddings input → ConfigError before any request", async () => {
  await withSim({}, { model: undefined }, async (sim, llm) => {
    assert.match((await rejection(llm.chat.completions.create({} as any))).message, /messages/);
    assert.match((await rejection(llm.complete("hi"))).message, /no model/);
    assert.match((await rejection(llm.embeddings.create({ input: 5 } as any))).message, /input/);
    assert.equal(sim.requests.length, 0);
  });
});

test("every shipped preset resolves with its documented base URL; local ones need no key", () => {
  const expected: Record<string, string> = {
    openai: "https://api.openai.com/v1", groq: "https://api.groq.com/openai/v1", ollama: "http://127.0.0.1:11434/v1",
    vllm: "http://127.0.0.1:8000/v1", lmstudio: "http://127.0.0.1:1234/v1", llamacpp: "http://127.0.0.1:8080/v1",
    openrouter: "https://openrouter.ai/api/v1", together: "https://api.together.xyz/v1", fireworks: "https://api.fireworks.ai/inference/v1",
    deepseek: "https://api.deepseek.com/v1", mistral: "https://api.mistral.ai/v1", xai: "https://api.x.ai/v1",
    cerebras: "https://api.cerebras.ai/v1", gemini: "https://generativelanguage.googleapis.com/v1beta/openai",
  };
  assert.deepEqual(Object.keys(presets).sort(), Object.keys(expected).sort());
  const old = process.env.OLLAMA_HOST;
  delete process.env.OLLAMA_HOST;
  try {
    for (const [id, url] of Object.entries(expected) as [PresetId, string][]) {
      const p = presets[id];
      const llm = createClient({ provider: id, apiKey: p.keyRequired ? "k-test" : undefined });
      assert.equal(llm.baseURL, url, id);
      if (!p.keyRequired) assert.doesNotThrow(() => createClient({ provider: id }));
    }
  } finally {
    if (old !== undefined) process.env.OLLAMA_HOST = old;
  }
});

test("defineProvider: a user preset with its own hooks goes through the one request path", async () => {
  const box = defineProvider({
    id: "box", baseURL: "http://unused", keyRequired: false, defaultModel: "box-model",
    capabilities: { unsupportedParams: ["seed"] },
    hooks: { adaptRequest(body) { body.custom = true; } },
  });
  await withSim({}, { provider: box, model: undefined }, async (sim, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi"), seed: 1 });
    assert.equal(sim.requests[0]!.body.model, "box-model");
    assert.equal(sim.requests[0]!.body.custom, true);
    assert.equal(sim.requests[0]!.body.seed, undefined);
    assert.equal(c.warnings?.[0]?.param, "seed");
  });
});

test("unknown fields from servers pass through untouched", async () => {
  await withSim({ script: [{ kind: "raw", contentType: "application/json", body: JSON.stringify({ id: "x", object: "chat.completion", created: 1, model: "m", provider: "Lambda", choices: [{ index: 0, message: { role: "assistant", content: "hi", annotations: [1] }, finish_reason: "stop" }] }) }] }, {}, async (_s, llm) => {
    const c = await llm.chat.completions.create({ messages: user("hi") });
    assert.equal(c.provider, "Lambda");
    assert.deepEqual(c.choices[0]!.message.annotations, [1]);
  });
});

test("the Authorization header is never sent to another origin on a redirect", async () => {
  const { createServer } = await import("node:http");
  const seen: (string | undefined)[] = [];
  const other = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ id: "m" }] }));
  });
  await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
  const port = (other.address() as { port: number }).port;
  const redirector = createServer((_req, res) => res.writeHead(307, { location: `http://localhost:${port}/v1/models` }).end());
  await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
  try {
    const llm = createClient({ baseURL: `http://127.0.0.1:${(redirector.address() as { port: number }).port}/v1`, apiKey: "sk-secret-key-000000" });
    const models = await llm.models.list();
    assert.equal(models[0]!.id, "m");
    assert.deepEqual(seen, [undefined]);
  } finally {
    redirector.close();
    other.close();
  }
});

test("models.list normalises each server's list; gemini strips the models/ prefix", async () => {
  await withSim({ dialect: "llamacpp", models: ["a", "b"] }, {}, async (_s, llm) => {
    assert.deepEqual((await llm.models.list()).map((m) => [m.id, m.object]), [["a", "model"], ["b", "model"]]);
  });
  await withSim({ models: ["models/gemini-2.5-flash"] }, { provider: "gemini", apiKey: "AIza-test-key" }, async (_s, llm) => {
    assert.equal((await llm.models.list())[0]!.id, "gemini-2.5-flash");
  });
});
