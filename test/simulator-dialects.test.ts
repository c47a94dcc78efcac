import { test } from "node:test";
import assert from "node:assert/strict";
import { withServer } from "./helpers.js";
import { dialects, resolveDialect, type SimReply, type SimulatorOptions } from "./exports.js";


const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** The chunk objects of a streamed chat, as the server sent them. */
async function wireChunks(options: SimulatorOptions, reply: SimReply, body: Record<string, unknown> = {}): Promise<any[]> {
  return withServer({ ...options, script: [reply] }, async (origin) => {
    const res = await post(`${origin}/v1/chat/completions`, { model: "m", messages: [{ role: "user", content: "go" }], stream: true, ...body });
    assert.equal(res.status, 200);
    const text = await res.text();
    return text.split("\n\n").filter((f) => f.startsWith("data: {")).map((f) => JSON.parse(f.slice(6)));
  });
}

const twoCalls: SimReply = { toolCalls: [{ id: "a", name: "roll", arguments: '{"d":20}' }, { id: "b", name: "look", arguments: { at: "door" } }] };
const toolTurn = (content: unknown) => [
  { role: "user", content: "roll" },
  { role: "assistant", content, tool_calls: [{ id: "c1", type: "function", function: { name: "roll", arguments: "{}" } }] },
  { role: "tool", tool_call_id: "c1", content: "4" },
];

test("ollama (today's, 0.12): tool calls whole with index, finish_reason null until the last chunk, then tool_calls", async () => {
  const chunks = await wireChunks({ dialect: "ollama" }, twoCalls);
  const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  // T5 with `index` (Ollama's `Index int` has no omitempty); arguments always a JSON string.
  assert.deepEqual(calls.map((t: any) => [t.index, t.id, t.function.name, t.function.arguments]), [[0, "a", "roll", '{"d":20}'], [1, "b", "look", '{"at":"door"}']]);
  const finishes = chunks.filter((c) => c.choices.length).map((c) => c.choices[0].finish_reason);
  assert.deepEqual(finishes.slice(0, -1).filter((f) => f !== null), []);
  assert.equal(finishes.at(-1), "tool_calls");
});

test("ollama legacy (0.3): tool calls without index (T1), finish_reason \"\" on every chunk (F2), stop after tool calls (F3)", async () => {
  const chunks = await wireChunks({ dialect: "ollama", legacy: true }, twoCalls);
  const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  assert.equal(calls.length, 2);
  assert.ok(calls.every((t: any) => !("index" in t)));
  const finishes = chunks.filter((c) => c.choices.length).map((c) => c.choices[0].finish_reason);
  assert.ok(finishes.slice(0, -1).every((f) => f === ""));
  assert.equal(finishes.at(-1), "stop");
});

test("ollama: /api/version says 0.12.x today, 0.3.x in legacy mode; an explicit version wins", async () => {
  const version = (o: SimulatorOptions) => withServer({ dialect: "ollama", ...o }, async (origin) => (await (await fetch(`${origin}/api/version`)).json()).version);
  assert.match(await version({}), /^0\.12\.\d+$/);
  assert.match(await version({ legacy: true }), /^0\.3\.\d+$/);
  assert.equal(await version({ legacy: true, ollama: { version: "0.5.1" } }), "0.5.1");
});

test("Q6 ollama: null content beside tool_calls is accepted today, refused without tool_calls; legacy refuses both", async () => {
  await withServer({ dialect: "ollama" }, async (origin) => {
    const ok = await post(`${origin}/v1/chat/completions`, { model: "m", messages: toolTurn(null) });
    assert.equal(ok.status, 200);
    const bad = await post(`${origin}/v1/chat/completions`, { model: "m", messages: [{ role: "user", content: "hi" }, { role: "assistant", content: null }, { role: "user", content: "again" }] });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.message, "invalid message content type: <nil>");
  });
  await withServer({ dialect: "ollama", legacy: true }, async (origin) => {
    const bad = await post(`${origin}/v1/chat/completions`, { model: "m", messages: toolTurn(null) });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error.message, /invalid message content type/);
    assert.equal((await post(`${origin}/v1/chat/completions`, { model: "m", messages: toolTurn("") })).status, 200);
  });
});

test("Q8 ollama: base64 embeddings honoured today (little-endian float32), ignored by the legacy release", async () => {
  const embed = (o: SimulatorOptions) => withServer({ dialect: "ollama", embeddingDimensions: 4, ...o }, async (origin) => {
    const floats = (await (await post(`${origin}/v1/embeddings`, { model: "e", input: "a dragon" })).json()).data[0].embedding;
    const b64 = (await (await post(`${origin}/v1/embeddings`, { model: "e", input: "a dragon", encoding_format: "base64" })).json()).data[0].embedding;
    return { floats, b64 };
  });
  const today = await embed({});
  assert.equal(typeof today.b64, "string");
  const bytes = Uint8Array.from(atob(today.b64), (c) => c.charCodeAt(0));
  const view = new DataView(bytes.buffer);
  const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
  assert.equal(decoded.length, 4);
  decoded.forEach((x, i) => assert.ok(Math.abs(x - today.floats[i]) < 1e-6));
  const old = await embed({ legacy: true });
  assert.deepEqual(old.b64, old.floats);
});

test("ollama: an unknown route answers as Ollama's router does: 404, text/plain, \"404 page not found\"", async () => {
  await withServer({ dialect: "ollama" }, async (origin) => {
    for (const [method, path] of [["GET", "/api/nope"], ["POST", "/api/unknown"], ["GET", "/v1/nope"]] as const) {
      const res = await fetch(`${origin}${path}`, { method, body: method === "POST" ? "{}" : undefined });
      assert.equal(res.status, 404, path);
      assert.equal(res.headers.get("content-type"), "text/plain");
      assert.equal(await res.text(), "404 page not found");
    }
    // Known native routes still answer.
    assert.equal((await fetch(`${origin}/api/tags`)).status, 200);
  });
  // Other dialects keep their JSON error body.
  await withServer({ dialect: "openai" }, async (origin) => {
    const res = await fetch(`${origin}/api/nope`);
    assert.equal(res.status, 404);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  });
});

test("vLLM: errors nested as OpenAI's today (≥ 0.10.1), flat {object: \"error\"} in legacy mode", async () => {
  const err = (o: SimulatorOptions) => withServer({ dialect: "vllm", models: ["m"], ...o }, async (origin) => (await post(`${origin}/v1/chat/completions`, { model: "x", messages: [{ role: "user", content: "hi" }] })).json());
  const today = await err({});
  assert.equal(today.error.code, 404);
  assert.match(today.error.message, /`x` does not exist/);
  const old = await err({ legacy: true });
  assert.equal(old.object, "error");
  assert.match(old.message, /`x` does not exist/);
});

test("vLLM F3: a non-streamed reply to tool_choice required finishes with tool_calls today, stop in legacy mode", async () => {
  const finish = (o: SimulatorOptions) => withServer({ dialect: "vllm", ...o, script: [{ toolCalls: [{ name: "roll", arguments: "{}" }] }] }, async (origin) => {
    const body = await (await post(`${origin}/v1/chat/completions`, { model: "m", messages: [{ role: "user", content: "go" }], tools: [{ type: "function", function: { name: "roll" } }], tool_choice: "required" })).json();
    return body.choices[0].finish_reason;
  });
  assert.equal(await finish({}), "tool_calls");
  assert.equal(await finish({ legacy: true }), "stop");
});

test("vLLM T12: auto tool choice refused without the server flag, accepted with enableAutoToolChoice; no scripted reply used by the refusal", async () => {
  const tools = [{ type: "function", function: { name: "roll" } }];
  await withServer({ dialect: "vllm", script: [{ text: "rolled" }] }, async (origin) => {
    const res = await post(`${origin}/v1/chat/completions`, { model: "m", messages: [{ role: "user", content: "go" }], tools });
    assert.equal(res.status, 400);
    assert.match((await res.json()).error.message, /--enable-auto-tool-choice/);
    const ok = await post(`${origin}/v1/chat/completions`, { model: "m", messages: [{ role: "user", content: "go" }], tools, tool_choice: "required" });
    assert.equal((await ok.json()).choices[0].message.content, "rolled");
  });
  await withServer({ dialect: "vllm", enableAutoToolChoice: true }, async (origin) => {
    assert.equal((await post(`${origin}/v1/chat/completions`, { model: "m", messages: [{ role: "user", content: "go" }], tools, tool_choice: "auto" })).status, 200);
  });
});

test("llama.cpp: tool deltas as OpenAI sends them today (name once); legacy builds repeat id and name (T3)", async () => {
  const reply: SimReply = { toolCalls: [{ id: "call_1", name: "roll_dice", arguments: '{"dice":"3d8","bonus":2}' }] };
  const today = (await wireChunks({ dialect: "llamacpp" }, reply)).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  assert.equal(today.filter((t: any) => t.function?.name).length, 1);
  assert.equal(today.map((t: any) => t.function.arguments).join(""), '{"dice":"3d8","bonus":2}');
  const old = (await wireChunks({ dialect: "llamacpp", legacy: true }, reply)).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
  assert.ok(old.length > 1);
  assert.ok(old.every((t: any) => t.id === "call_1" && t.function.name === "roll_dice"));
});

test("legacy is data: resolveDialect lays a dialect's legacy fields over today's; dialects without one are unchanged", () => {
  for (const d of Object.values(dialects)) {
    const old = resolveDialect(d.name, true);
    if (!d.legacy) {
      assert.equal(old, d, d.name);
      continue;
    }
    assert.equal(old.version, d.legacy.version);
    assert.notEqual(old.version, d.version, `${d.name}: the legacy release reports another version`);
    assert.equal("legacy" in old, false);
    for (const [k, v] of Object.entries(d.legacy)) assert.equal((old as any)[k], v, `${d.name}.${k}`);
  }
  assert.equal(resolveDialect("ollama", false), dialects.ollama);
  assert.throws(() => resolveDialect("nope" as any), /unknown simulator dialect "nope"/);
});
