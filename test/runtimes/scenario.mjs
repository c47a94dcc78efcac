// The runtime matrix's scenario: one ESM module, run unchanged under Node, Bun, Deno and Chromium
// against the packed package (it imports "mimir-llm" by name, resolved from the temp app's
// node_modules or, in the browser, through an import map).
//
// It only OBSERVES: every step returns what it saw (text, names, `instanceof` results) and
// test/runtimes.test.ts asserts on it, so the expectations live in one place, next to the
// simulator scripts. Each step talks to its own simulator (`urls[step]`), so a step that fails
// before sending its request cannot shift another step's scripted reply.
//
// Written in plain ES2022 with no runtime-specific API except where named, and no `process`:
// Deno runs it without --allow-env, and a stray env read must surface as the bug it is.
import {
  createClient,
  LlmError,
  NotFoundError,
  AbortError,
  ConfigError,
} from "mimir-llm";

/** Which runtime this is, as the runtime itself reports it (so the test knows Bun really was Bun). */
export function runtimeName() {
  const g = globalThis;
  if (g.Deno?.version?.deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun?.version) return `bun ${g.Bun.version}`;
  if (typeof g.window === "object" && typeof g.navigator?.userAgent === "string") return `browser ${g.navigator.userAgent}`;
  if (g.process?.versions?.node) return `node ${g.process.versions.node}`;
  return "unknown";
}

/** An error as plain data, with the `instanceof` checks the test asserts (they are lost in JSON). */
export function describeError(e) {
  return {
    name: e?.name,
    message: String(e?.message ?? e),
    isLlmError: e instanceof LlmError,
    isNotFoundError: e instanceof NotFoundError,
    isAbortError: e instanceof AbortError,
    isConfigError: e instanceof ConfigError,
    status: e?.status,
    stack: typeof e?.stack === "string" ? e.stack.split("\n").slice(0, 10).join("\n") : undefined,
  };
}

const STEP_TIMEOUT_MS = 20_000;

/** Run one step; a throw or a hang becomes `{ ok: false }` so the other steps still run and report. */
async function step(fn) {
  let timer;
  try {
    const hang = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`step did not finish within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS);
    });
    return { ok: true, value: await Promise.race([fn(), hang]) };
  } catch (e) {
    return { ok: false, error: describeError(e) };
  } finally {
    clearTimeout(timer);
  }
}

const user = (content) => [{ role: "user", content }];
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string" } }, required: ["city"] },
  },
};

/**
 * @param {Record<string, string>} urls  simulator base URLs (`http://127.0.0.1:<port>/v1`), one per step
 * @returns {Promise<{ runtime: string, steps: Record<string, { ok: boolean, value?: unknown, error?: unknown }> }>}
 */
export async function runScenario(urls) {
  // No retries: a failure should show as itself, at once.
  const client = (url, extra = {}) => createClient({ baseURL: url, model: "sim-model", maxRetries: 0, ...extra });
  const steps = {};

  steps.chat = await step(async () => {
    const c = await client(urls.chat).chat.completions.create({ messages: user("hi") });
    return { content: c.choices[0]?.message.content, finishReason: c.choices[0]?.finish_reason };
  });

  steps.stream = await step(async () => {
    const s = await client(urls.stream).chat.completions.create({ messages: user("stream please"), stream: true });
    let text = "";
    let contentChunks = 0;
    for await (const chunk of s) {
      const piece = chunk.choices[0]?.delta?.content;
      if (piece) {
        text += piece;
        contentChunks++;
      }
    }
    return { text, contentChunks };
  });

  steps.toolCall = await step(async () => {
    const s = await client(urls.toolCall).chat.completions.create({ messages: user("weather in Paris?"), tools: [weatherTool], stream: true });
    let toolDeltas = 0;
    for await (const chunk of s) if (chunk.choices[0]?.delta?.tool_calls?.length) toolDeltas++;
    const final = await s.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    return { toolDeltas, name: call?.function.name, arguments: call?.function.arguments, finishReason: final.choices[0]?.finish_reason };
  });

  steps.notFound = await step(async () => {
    try {
      await client(urls.notFound).chat.completions.create({ model: "no-such-model", messages: user("hi") });
      return { threw: false };
    } catch (e) {
      return { threw: true, ...describeError(e), model: e?.model };
    }
  });

  steps.abort = await step(async () => {
    const ac = new AbortController();
    const s = await client(urls.abort).chat.completions.create({ messages: user("tell me a long story"), stream: true }, { signal: ac.signal });
    let seen = "";
    try {
      for await (const chunk of s) {
        seen += chunk.choices[0]?.delta?.content ?? "";
        // The server stalls right after this chunk: only the abort can end the loop.
        if (seen) ac.abort();
      }
      return { threw: false, seen };
    } catch (e) {
      return { threw: true, seen, ...describeError(e) };
    }
  });

  steps.embeddings = await step(async () => {
    const llm = client(urls.embeddings);
    const floats = await llm.embeddings.create({ model: "sim-embed", input: ["alpha", "beta"] });
    // base64 goes through the core's own decoder (atob + Float32Array), which must exist everywhere.
    const b64 = await llm.embeddings.create({ model: "sim-embed", input: ["alpha"], encoding_format: "base64" });
    return { vectors: floats.data.map((d) => d.embedding), base64Vector: b64.data[0]?.embedding };
  });

  steps.models = await step(async () => {
    const models = await client(urls.models).models.list();
    return { ids: models.map((m) => m.id) };
  });

  steps.parse = await step(async () => {
    // Structured output: parse() loads its module on first use (a dynamic import every runtime must
    // resolve), the simulator answers a valid instance of the schema, the built-in validator checks it.
    const schema = { type: "object", properties: { name: { type: "string" }, level: { type: "integer", minimum: 3 } }, required: ["name", "level"] };
    const c = await client(urls.parse).chat.completions.parse({ messages: [{ role: "user", content: "An NPC." }], response_format: { type: "json_schema", json_schema: { name: "npc", schema } } });
    return { parsed: c.choices[0].message.parsed };
  });

  steps.presetOllama = await step(async () => {
    // A keyless local preset with an explicit baseURL: needs no environment at all.
    const llm = createClient({ provider: "ollama", baseURL: urls.presetOllama, model: "sim-model", maxRetries: 0 });
    return { provider: llm.provider.id, text: await llm.complete("hello ollama") };
  });

  steps.presetGroq = await step(async () => {
    // A hosted preset with an explicit key: the key must go on the wire, nothing read from the environment.
    const llm = createClient({ provider: "groq", apiKey: "gsk-test", baseURL: urls.presetGroq, model: "sim-model", maxRetries: 0 });
    return { provider: llm.provider.id, text: await llm.complete("hello groq") };
  });

  steps.presetMissingKey = await step(async () => {
    // A hosted preset without a key must say so with a ConfigError, even where the environment is off-limits.
    try {
      createClient({ provider: "groq", baseURL: urls.presetGroq });
      return { threw: false };
    } catch (e) {
      return { threw: true, ...describeError(e) };
    }
  });

  // `mimir-llm/testing` resolves per runtime (Node, Bun and Deno take the Node condition, with the HTTP
  // server; the browser's import map names the portable entry). Its in-process simulator must work
  // everywhere: a full chat with no port.
  const testing = await step(() => import("mimir-llm/testing"));
  steps.portable = await step(async () => {
    if (!testing.ok) throw Object.assign(new Error(`import("mimir-llm/testing") failed: ${testing.error.name}: ${testing.error.message}`), { name: "ImportFailed" });
    const llm = createClient({ baseURL: "http://mock.local/v1", model: "sim-model", fetch: testing.value.simulatorFetch({ script: [{ text: "Simulated in-process." }] }) });
    return { text: await llm.complete("hi"), exports: Object.keys(testing.value).sort() };
  });

  steps.portableBase64 = await step(async () => {
    if (!testing.ok) throw Object.assign(new Error(`import("mimir-llm/testing") failed: ${testing.error.name}`), { name: "ImportFailed" });
    // The simulator's own base64 encoder runs in-process here (not in a Node server), where there may be no Buffer.
    const llm = createClient({ baseURL: "http://mock.local/v1", fetch: testing.value.simulatorFetch() });
    const res = await llm.embeddings.create({ model: "sim-embed", input: ["alpha"], encoding_format: "base64" });
    return { embedding: res.data[0]?.embedding, expected: testing.value.simEmbedding("alpha", 8) };
  });

  return { runtime: runtimeName(), steps };
}
