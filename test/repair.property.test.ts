import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BadRequestError, createClient, presets, type ChatCompletionMessageParam } from "./exports.js";
import { checkHistory, dialects, startSimulator, type HistoryCheck } from "./exports.js";
import { repairMessages, type RepairOptions } from "../src/agent/repair.js";

type Msg = Record<string, any>;

// ---- Valid histories, built from valid turns ----

const words = fc.stringMatching(/^[A-Za-z0-9 ]{0,10}$/).map((s) => `w${s}`);
const round = fc.record({
  calls: fc.array(fc.record({ name: fc.constantFrom("weather", "clock", "search"), arg: fc.integer({ min: 0, max: 99 }) }), { minLength: 1, maxLength: 3 }),
  results: fc.array(words, { minLength: 3, maxLength: 3 }),
  order: fc.array(fc.integer(), { minLength: 3, maxLength: 3 }),
  content: fc.constantFrom(null, "", "Let me check."),
});
const exchange = fc.record({ user: words, rounds: fc.array(round, { maxLength: 2 }), reply: fc.option(words, { nil: undefined }) });
const validHistory = fc.record({ system: fc.option(words, { nil: undefined }), exchanges: fc.array(exchange, { minLength: 1, maxLength: 4 }) }).map(({ system, exchanges }) => {
  const out: Msg[] = [];
  let n = 0;
  if (system !== undefined) out.push({ role: "system", content: system });
  for (const ex of exchanges) {
    out.push({ role: "user", content: ex.user });
    for (const r of ex.rounds) {
      const calls = r.calls.map((c) => ({ id: `id${n++}`, type: "function", function: { name: c.name, arguments: JSON.stringify({ n: c.arg }) } }));
      out.push({ role: "assistant", content: r.content, tool_calls: calls });
      // Results in any order.
      const order = calls.map((_, k) => k).sort((a, b) => r.order[a]! - r.order[b]! || a - b);
      for (const k of order) out.push({ role: "tool", tool_call_id: calls[k]!.id, content: r.results[k]! });
    }
    if (ex.reply !== undefined) out.push({ role: "assistant", content: ex.reply });
  }
  return out;
});

// ---- Damage, as stored histories get it ----

const damageKinds = [
  "drop-result-id", "empty-result-id", "drop-result", "strip-calls", "dup-result-same", "dup-result-other", "dup-call-id",
  "drop-call-id", "drop-call-and-result-id", "object-args", "drop-type", "insert-system", "insert-orphan", "unknown-id",
  "move-result", "object-result", "empty-calls", "number-id",
] as const;
type Damage = { kind: (typeof damageKinds)[number]; a: number; b: number };
const damage = fc.record({ kind: fc.constantFrom(...damageKinds), a: fc.nat(), b: fc.nat() });

function pick<T>(xs: T[], n: number): T | undefined {
  return xs.length ? xs[n % xs.length] : undefined;
}

function harm(history: Msg[], damages: Damage[]): Msg[] {
  const h: Msg[] = structuredClone(history);
  for (const { kind, a, b } of damages) {
    const tools = h.filter((m) => m.role === "tool");
    const turns = h.filter((m) => m.role === "assistant" && Array.isArray(m.tool_calls) && m.tool_calls.length);
    const t = pick(tools, a);
    const turn = pick(turns, a);
    const call = turn && turn.tool_calls[b % turn.tool_calls.length];
    switch (kind) {
      case "drop-result-id": if (t) delete t.tool_call_id; break;
      case "empty-result-id": if (t) t.tool_call_id = ""; break;
      case "drop-result": if (t) h.splice(h.indexOf(t), 1); break;
      case "strip-calls": if (turn) delete turn.tool_calls; break;
      case "dup-result-same": if (t) h.splice(h.indexOf(t) + 1, 0, { ...t }); break;
      case "dup-result-other": if (t) h.splice(h.indexOf(t) + 1, 0, { ...t, content: `${t.content} again` }); break;
      case "dup-call-id":
        if (turn && turn.tool_calls.length > 1) {
          const old = turn.tool_calls[1].id;
          turn.tool_calls[1].id = turn.tool_calls[0].id;
          if (b % 2) for (const m of h) if (m.role === "tool" && m.tool_call_id === old) m.tool_call_id = turn.tool_calls[0].id;
        }
        break;
      case "drop-call-id": if (call) delete call.id; break;
      case "drop-call-and-result-id":
        if (call) {
          for (const m of h) if (m.role === "tool" && m.tool_call_id === call.id) delete m.tool_call_id;
          delete call.id;
        }
        break;
      case "object-args": if (call && typeof call.function.arguments === "string") call.function.arguments = JSON.parse(call.function.arguments); break;
      case "drop-type": if (call) delete call.type; break;
      case "insert-system": h.splice(a % (h.length + 1), 0, { role: b % 3 ? "system" : "developer", content: `sys${b}` }); break;
      case "insert-orphan": h.splice(a % (h.length + 1), 0, { role: "tool", tool_call_id: b % 2 ? `stray${b}` : undefined, content: `orphan${b}` }); break;
      case "unknown-id": if (t) t.tool_call_id = `nope${b}`; break;
      case "move-result": if (t) { h.splice(h.indexOf(t), 1); h.splice(b % (h.length + 1), 0, t); } break;
      case "object-result": if (t) t.content = b % 2 ? { value: t.content } : null; break;
      case "empty-calls": if (turn) turn.tool_calls = []; break;
      case "number-id": if (call && t) { call.id = 1000 + b; t.tool_call_id = 1000 + b; } break;
    }
  }
  return h;
}

const damaged = fc.tuple(validHistory, fc.array(damage, { minLength: 1, maxLength: 5 })).map(([v, d]) => harm(v, d));

/** The strict servers' checks a repaired history must pass, with the options the repair is given for each. */
const strict: { name: string; checks: readonly HistoryCheck[]; model?: string; options: RepairOptions }[] = [
  { name: "openai", checks: dialects.openai.history!, options: { provider: presets.openai } },
  { name: "deepseek", checks: dialects.deepseek.history!, options: { provider: presets.deepseek } },
  { name: "groq", checks: dialects.groq.history!, options: { provider: presets.groq } },
  { name: "mistral", checks: dialects.mistral.history!, options: { provider: presets.mistral, assistantAfterToolResults: true } },
  { name: "vllm (a Mistral model)", checks: dialects.vllm.history!, model: "mistralai/Mistral-Small-3.2-24B-Instruct-2506", options: { provider: presets.vllm, assistantAfterToolResults: true } },
  { name: "vllm (Qwen 3.6)", checks: dialects.vllm.history!, model: "Qwen/Qwen3.6-27B", options: { provider: presets.vllm } },
];

const text = (c: unknown): string => (typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => p?.text ?? "").join("") : "");

test("property: any damaged history, once repaired, passes every strict server's checks; input untouched; a second repair changes nothing", () => {
  fc.assert(
    fc.property(damaged, fc.constantFrom(...strict), (history, s) => {
      const before = structuredClone(history);
      const r = repairMessages(history as ChatCompletionMessageParam[], s.options);
      assert.deepEqual(history, before, "the input was mutated");
      const refused = checkHistory(r.messages, s.checks, s.model);
      assert.equal(refused, undefined, `${s.name}: ${refused?.message}\n${JSON.stringify(r.messages)}`);
      const again = repairMessages(r.messages, s.options);
      assert.deepEqual(again.warnings, []);
      assert.deepEqual(again.messages, r.messages);
      // Within a turn, every call has its own id.
      for (const m of r.messages as Msg[]) {
        if (m.role !== "assistant" || !m.tool_calls) continue;
        const ids = m.tool_calls.map((c: Msg) => c.id);
        assert.equal(new Set(ids).size, ids.length, `ids repeated in a turn: ${ids}`);
        assert.ok(ids.every((id: unknown) => typeof id === "string" && id !== ""));
      }
      // A change is always said; no change, nothing said.
      const same = r.messages.length === history.length && r.messages.every((m, k) => m === history[k]);
      assert.equal(r.warnings.length === 0, same);
    }),
    { numRuns: 600 },
  );
});

test("property: nothing said is lost: every tool result and system message with words is still there, as itself or in a note", () => {
  fc.assert(
    fc.property(damaged, (history) => {
      const r = repairMessages(history as ChatCompletionMessageParam[]);
      const all = r.messages.map((m) => text((m as Msg).content)).join("\n");
      for (const m of history) {
        if ((m.role === "tool" || m.role === "system" || m.role === "developer") && typeof m.content === "string" && m.content.trim()) {
          assert.ok(all.includes(m.content), `lost: ${JSON.stringify(m)}`);
        }
      }
      // Every call made is still made, under its name and with its arguments.
      const calls = (ms: Msg[]) => ms.flatMap((m) => (m.role === "assistant" && Array.isArray(m.tool_calls) ? m.tool_calls.map((c: Msg) => c.function.name) : []));
      assert.deepEqual(calls(r.messages as Msg[]), calls(history));
    }),
    { numRuns: 400 },
  );
});

test("property: a valid history comes back unchanged (the same objects), with no warnings, for every preset that keeps its content", () => {
  fc.assert(
    fc.property(validHistory, fc.constantFrom(undefined, presets.openai, presets.groq, presets.deepseek, presets.vllm, presets.mistral), (history, provider) => {
      for (const s of strict.slice(0, 3)) assert.equal(checkHistory(history, s.checks), undefined, "the generator made an invalid history");
      const r = repairMessages(history as ChatCompletionMessageParam[], { provider });
      assert.deepEqual(r.warnings, []);
      assert.equal(r.messages.length, history.length);
      r.messages.forEach((m, k) => assert.equal(m, history[k]));
    }),
    { numRuns: 400 },
  );
});

test("property: results stored without their tool_call_id, in call order, get them back: the repair restores the history", () => {
  const inOrder = validHistory.map((h) => {
    // Results in call order (the order tool loops append them).
    const out: Msg[] = [];
    for (const m of h) {
      if (m.role !== "tool") out.push(m);
      if (m.role === "assistant" && m.tool_calls) {
        const results = h.filter((t) => t.role === "tool" && m.tool_calls.some((c: Msg) => c.id === t.tool_call_id));
        for (const c of m.tool_calls) out.push(results.find((t) => t.tool_call_id === c.id)!);
      }
    }
    return out;
  });
  fc.assert(
    fc.property(inOrder, fc.array(fc.boolean(), { maxLength: 40 }), (history, strip) => {
      let k = 0;
      const stored = history.map((m) => {
        if (m.role !== "tool" || !strip[k++]) return m;
        const { tool_call_id: _id, ...rest } = m;
        return rest;
      });
      const r = repairMessages(stored as ChatCompletionMessageParam[]);
      assert.deepEqual(r.messages, history);
      assert.equal(r.warnings.length, stored.filter((m, i) => m !== history[i]).length, "one warning per result matched");
    }),
    { numRuns: 300 },
  );
});

test("property, over HTTP (a sample): the stored history gets the 400 the checks predict, the repaired one is answered", async () => {
  const sim = await startSimulator({ dialect: "openai" });
  try {
    const llm = createClient({ baseURL: sim.baseURL, model: "sim-model", maxRetries: 0 });
    let refusedSeen = 0;
    await fc.assert(
      fc.asyncProperty(damaged, async (history) => {
        const sent = sim.requests.length;
        const before = await llm.chat.completions.create({ messages: history as ChatCompletionMessageParam[] }).then(() => undefined, (e: unknown) => e);
        const wire = sim.requests[sent]!.body.messages;
        const predicted = checkHistory(wire, dialects.openai.history!);
        if (predicted) {
          refusedSeen++;
          assert.ok(before instanceof BadRequestError, String(before));
          assert.equal(before.status, 400);
          assert.ok(before.message.includes(predicted.message), `${before.message} / ${predicted.message}`);
        } else assert.equal(before, undefined);
        const { messages } = repairMessages(history as ChatCompletionMessageParam[], { provider: presets.openai });
        const ok = await llm.chat.completions.create({ messages });
        assert.equal(ok.choices.length, 1);
      }),
      { numRuns: 25 },
    );
    assert.ok(refusedSeen > 0, "no sample was refused: the damage is too mild to test anything");
  } finally {
    await sim.close();
  }
});
