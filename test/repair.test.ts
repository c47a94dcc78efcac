import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { BadRequestError, createClient, presets, type ChatCompletionMessageParam } from "./exports.js";
import { checkHistory, dialects, startSimulator, type DialectName } from "./exports.js";
import { repairMessages, MISSING_RESULT, RESULTS_RECEIVED, type RepairOptions } from "../src/agent/repair.js";
import { rejection } from "./helpers.js";

type M = ChatCompletionMessageParam;
const h = (...m: unknown[]) => m as M[];
const call = (id: unknown, name = "weather", args: unknown = '{"city":"Paris"}') => ({ ...(id === undefined ? {} : { id }), type: "function", function: { name, arguments: args } });
const ask = { role: "user", content: "weather?" };
const after = { role: "user", content: "thanks" };
const turn = (...calls: object[]) => ({ role: "assistant", content: null, tool_calls: calls });
const result = (id: unknown, content: unknown = "18C", extra: object = {}) => ({ role: "tool", ...(id === undefined ? {} : { tool_call_id: id }), content, ...extra });

/** Repair, and check what every repair promises: input untouched, idempotent, valid for OpenAI and DeepSeek. */
function repair(messages: M[], options?: RepairOptions) {
  const before = structuredClone(messages);
  const r = repairMessages(messages, options);
  assert.deepEqual(messages, before, "the input was mutated");
  assert.ok(r.warnings.every((w) => (w.type as string) === "history-repaired" && w.message.length > 0));
  const again = repairMessages(r.messages, options);
  assert.deepEqual(again.messages, r.messages, "a second repair changed more");
  assert.deepEqual(again.warnings, [], "a second repair warned");
  for (const d of ["openai", "deepseek", "groq"] as DialectName[]) assert.equal(checkHistory(r.messages, dialects[d].history!), undefined, `${d} refuses the repair`);
  return { ...r, says: (re: RegExp) => assert.ok(r.warnings.some((w) => re.test(w.message)), `no warning matching ${re}: ${r.warnings.map((w) => w.message).join(" | ")}`) };
}

test("a valid history comes back equal, the same objects, with no warnings", () => {
  const valid = h(
    { role: "system", content: "Be brief." },
    ask,
    turn(call("a"), call("b", "clock", "{}")),
    result("b", "09:41"),
    result("a"),
    { role: "assistant", content: "18C at 09:41." },
    { role: "user", content: [{ type: "text", text: "and Rome?" }] },
    turn(call("a", "weather", '{"city":"Rome"}')), // an id used again in another turn: each result pairs with its own turn
    result("a", [{ type: "text", text: "22C" }]),
  );
  const r = repair(valid);
  assert.deepEqual(r.warnings, []);
  assert.deepEqual(r.messages, valid);
  assert.notEqual(r.messages, valid);
  r.messages.forEach((m, i) => assert.equal(m, valid[i]));
  // Also for presets: a tool-call turn with text is left as it is whatever Q6 says.
  assert.deepEqual(repairMessages(h(ask, { role: "assistant", content: "On it.", tool_calls: [call("a")] }, result("a")), { provider: presets.ollama }).warnings, []);
});

test("a tool message without tool_call_id answers the call at its position, else the only one left, else becomes a note", () => {
  const r = repair(h(ask, turn(call("a"), call("b", "clock", "{}")), result(undefined, "18C"), result(undefined, "09:41"), result(undefined, "extra"), after));
  assert.deepEqual(r.messages.slice(2, 6), [result("a", "18C"), result("b", "09:41"), { role: "user", content: "[tool result for an unknown call]: extra" }, after]);
  r.says(/messages\[2\]: tool result with no tool_call_id answers a \(weather\), the call at its position/);
  r.says(/messages\[4\]: tool result turned into a user note: it has no tool_call_id and every call .* is answered/);
  // The only call left: the id-less result is second but answers the first call.
  const only = repair(h(ask, turn(call("a"), call("b")), result("b", "22C"), result(undefined, "18C")));
  assert.deepEqual(only.messages.slice(2), [result("b", "22C"), result("a", "18C")]);
  only.says(/the only call still unanswered/);
  // An id no call has is treated alike; "" is no id.
  assert.deepEqual(repair(h(ask, turn(call("a")), result("gone", "18C"))).messages[2], result("a", "18C"));
  assert.deepEqual(repair(h(ask, turn(call("a")), result("", "18C"))).messages[2], result("a", "18C"));
});

test("an ambiguous result (its position answered, several calls left) becomes a note; the tool message's name decides when it can", () => {
  const history = (extra: object) => h(ask, turn(call("a"), call("b"), call("c", "clock", "{}")), result("b", "22C"), result(undefined, "09:41", extra), after);
  const r = repair(history({}));
  assert.deepEqual(r.messages.slice(2), [
    result("b", "22C"), result("a", MISSING_RESULT), result("c", MISSING_RESULT),
    { role: "user", content: "[tool result for an unknown call]: 09:41" }, after,
  ]);
  r.says(/could answer any of a, c/);
  const named = repair(history({ name: "clock" }));
  assert.deepEqual(named.messages.slice(1, 4), [turn(call("a"), call("b"), call("c", "clock", "{}")), result("b", "22C"), result("c", "09:41", { name: "clock" })]);
  named.says(/answers c \(clock\), the only call still unanswered named clock/);
});

test("an assistant turn re-sent without its tool_calls: its results become user notes; empty ones are dropped", () => {
  const r = repair(h(
    ask,
    { role: "assistant", content: "Booking it." },
    result("call_b7", '{"ok":true}', { name: "book_table" }),
    result("call_x", "plain"),
    result("call_y", "   "),
    after,
  ));
  assert.deepEqual(r.messages, [
    ask,
    { role: "assistant", content: "Booking it." },
    { role: "user", content: '[tool result for book_table]: {"ok":true}' },
    { role: "user", content: "[tool result for call_x]: plain" },
    after,
  ]);
  r.says(/messages\[2\]: tool result turned into a user note: no assistant message with tool_calls comes right before it/);
  r.says(/messages\[4\]: empty tool result dropped/);
  // Parts keep their parts, led by the label; the call's name is found in the history when the message lacks it.
  const parts = repair(h(ask, turn(call("a")), result("a"), { role: "assistant", content: "ok" }, result("a", [{ type: "text", text: "late" }])));
  assert.deepEqual(parts.messages.at(-1), { role: "user", content: [{ type: "text", text: "[tool result for weather]:" }, { type: "text", text: "late" }] });
});

test("a result whose id belongs to another turn is that call's late result, not re-paired", () => {
  const r = repair(h(ask, turn(call("a")), result("a"), { role: "assistant", content: "18C" }, { role: "user", content: "time?" }, turn(call("t", "clock", "{}")), result("a", "19C"), after));
  assert.deepEqual(r.messages.slice(5), [turn(call("t", "clock", "{}")), result("t", MISSING_RESULT), { role: "user", content: "[tool result for weather]: 19C" }, after]);
  r.says(/a is a call of the turn at messages\[1\], not of the turn at messages\[5\]/);
});

test("calls without results get a tool message each, after the results given, in call order", () => {
  const r = repair(h(ask, turn(call("a"), call("b"), call("c")), result("b", "22C"), after));
  assert.deepEqual(r.messages.slice(2), [result("b", "22C"), result("a", MISSING_RESULT), result("c", MISSING_RESULT), after]);
  r.says(/tool call a \(weather\) had no result; "no result was recorded for this call" added/);
  // At the very end too; with keepPendingCalls a last turn keeps its calls pending for the loop to run.
  assert.deepEqual(repair(h(ask, turn(call("a")))).messages.at(-1), result("a", MISSING_RESULT));
  const pending = repairMessages(h(ask, turn(call("a"), call("b")), result("a")), { keepPendingCalls: true });
  assert.deepEqual(pending.messages, h(ask, turn(call("a"), call("b")), result("a")));
  // ...but only the last turn.
  assert.equal(repairMessages(h(ask, turn(call("a")), after), { keepPendingCalls: true }).messages.length, 4);
});

test("duplicate ids: a later call with an earlier call's id is renamed, with its result; repeated results are dropped or kept as notes", () => {
  const r = repair(h(ask, turn(call("x"), call("x", "weather", '{"city":"Rome"}')), result("x", "18C"), result("x", "22C"), after));
  assert.deepEqual(r.messages.slice(1, 4), [
    turn(call("x"), call("call00101", "weather", '{"city":"Rome"}')),
    result("x", "18C"),
    result("call00101", "22C"),
  ]);
  r.says(/repeated the id x of an earlier call of its turn; renamed call00101/);
  r.says(/messages\[3\]: tool_call_id x renamed call00101, as its call was/);
  // Two results for one call: the same words are dropped, different words kept as a note.
  const same = repair(h(ask, turn(call("a")), result("a"), result("a"), after));
  assert.deepEqual(same.messages, h(ask, turn(call("a")), result("a"), after));
  same.says(/repeated tool result for a dropped/);
  const differ = repair(h(ask, turn(call("a")), result("a"), result("a", "19C"), after));
  assert.deepEqual(differ.messages.slice(3), [{ role: "user", content: "[tool result for weather]: 19C" }, after]);
});

test("calls without ids get stable nine-character ids; the results are matched by position", () => {
  const history = h(ask, turn(call(undefined), call("", "clock", "{}")), result(undefined), result(undefined, "09:41"), after);
  const r = repair(history);
  assert.deepEqual(r.messages.slice(1, 4), [turn(call("call00100"), call("call00101", "clock", "{}")), result("call00100"), result("call00101", "09:41")]);
  assert.deepEqual(repairMessages(history).messages, r.messages, "not deterministic");
  r.says(/tool call 0 \(weather\) had no id; given call00100/);
  // A fresh id never takes one the history already uses.
  const taken = repair(h(ask, turn(call("call00101"), call(undefined)), result("call00101"), result(undefined)));
  assert.equal((taken.messages[1] as any).tool_calls[1].id, "call001011");
  // Numbers are ids too, sent as text.
  assert.deepEqual(repair(h(ask, turn(call(7)), result(7))).messages.slice(1), [turn(call("7")), result("7")]);
});

test("arguments that are not a string are sent as their JSON; a missing type becomes function; unusable calls are dropped", () => {
  const r = repair(h(ask, turn(call("a", "weather", { city: "Paris" }), { id: "b", function: { name: "clock" } }, { id: "c", type: "function", function: { name: "x", arguments: null } }), result("a"), result("b"), result("c")));
  assert.deepEqual((r.messages[1] as any).tool_calls, [call("a", "weather", '{"city":"Paris"}'), { id: "b", function: { name: "clock", arguments: "{}" }, type: "function" }, call("c", "x", "{}")]);
  r.says(/arguments given as object sent as the string \{"city":"Paris"\}/);
  r.says(/type "function" added/);
  const broken = repair(h(ask, turn({ id: "z", type: "function", function: { arguments: "{}" } }), result("z", "?"), after));
  assert.deepEqual(broken.messages, h(ask, { role: "assistant", content: "" }, { role: "user", content: "[tool result for z]: ?" }, after));
  broken.says(/tool call 0 dropped: it has no function name/);
});

test("system messages past the first are appended to it (a blank line between), or put first when there is none", () => {
  const r = repair(h({ role: "system", content: "You are Mimir." }, { role: "system", content: "Be brief." }, ask, { role: "assistant", content: "Sunny." }, { role: "developer", content: "Now in project B." }, after));
  assert.deepEqual(r.messages, h({ role: "system", content: "You are Mimir.\n\nBe brief.\n\nNow in project B." }, ask, { role: "assistant", content: "Sunny." }, after));
  r.says(/messages\[4\]: developer message appended to the first message/);
  const none = repair(h(ask, { role: "assistant", content: "Sunny." }, { role: "system", content: "Now in project B." }, after));
  assert.deepEqual(none.messages, h({ role: "system", content: "Now in project B." }, ask, { role: "assistant", content: "Sunny." }, after));
  none.says(/moved to the start/);
  // Parts stay parts.
  const parts = repairMessages(h({ role: "system", content: "A" }, ask, { role: "system", content: [{ type: "text", text: "B" }] }));
  assert.deepEqual(parts.messages[0], { role: "system", content: [{ type: "text", text: "A" }, { type: "text", text: "\n\n" }, { type: "text", text: "B" }] });
  // One among tool results is taken out of them, so they stay together.
  const among = repair(h({ role: "system", content: "A" }, ask, turn(call("a")), { role: "system", content: "B" }, result("a")));
  assert.deepEqual(among.messages, h({ role: "system", content: "A\n\nB" }, ask, turn(call("a")), result("a")));
});

test("midSystem: user turns later system messages into user notes in place; allowMidSystem and systemAnywhere keep them", () => {
  const history = h({ role: "system", content: "A" }, { role: "system", content: "B" }, ask, turn(call("a")), { role: "system", content: "C" }, result("a"), { role: "system", content: "D" }, after);
  const notes = repair(history, { midSystem: "user" });
  assert.deepEqual(notes.messages, h({ role: "system", content: "A\n\nB" }, ask, turn(call("a")), result("a"), { role: "user", content: "[system]: C" }, { role: "user", content: "[system]: D" }, after));
  for (const options of [{ allowMidSystem: true }, { provider: { capabilities: { systemAnywhere: true } } }] as RepairOptions[]) {
    const kept = repair(history, options);
    assert.deepEqual(kept.messages, h(history[0], history[1], ask, turn(call("a")), result("a"), history[4], history[6], after));
    kept.says(/messages\[4\]: system message moved after the tool results it interrupted/);
    assert.deepEqual(repairMessages(h({ role: "system", content: "A" }, ask, { role: "system", content: "B" }), options).warnings, []);
  }
});

test("Q6: a tool-call turn without text carries what the preset wants", () => {
  const history = h(ask, turn(call("a")), result("a"));
  const ollama = repair(history, { provider: presets.ollama });
  assert.equal((ollama.messages[1] as any).content, "");
  ollama.says(/content of the tool-call turn sent as "", as ollama wants \(Q6\)/);
  const bedrock = repair(h(ask, { ...turn(call("a")), content: "" }, result("a")), { provider: { id: "bedrock-gw", capabilities: { toolCallTurnContent: "null" } } });
  assert.equal((bedrock.messages[1] as any).content, null);
  assert.deepEqual(repairMessages(history, { provider: presets.openai }).warnings, []);
});

test("content: a tool result that is not text is sent as its JSON; a turn left with no calls nor content gets \"\"", () => {
  const r = repair(h(ask, turn(call("a")), result("a", { temp: 18 }), result(undefined, null), { role: "assistant", content: null, tool_calls: [] }, after));
  assert.deepEqual(r.messages.slice(2), [result("a", '{"temp":18}'), { role: "assistant", content: "" }, after]);
  r.says(/tool result content given as object sent as its JSON/);
  r.says(/tool_calls that was empty removed/);
});

test("assistantAfterToolResults (Mistral): an assistant message between tool results and the user", () => {
  const history = h(ask, turn(call("a")), result("a"), after);
  const r = repair(history, { assistantAfterToolResults: true });
  assert.deepEqual(r.messages, h(ask, turn(call("a")), result("a"), { role: "assistant", content: RESULTS_RECEIVED }, after));
  assert.equal(checkHistory(history, dialects.mistral.history!)?.message, "Unexpected role 'user' after role 'tool'");
  assert.equal(checkHistory(r.messages, dialects.mistral.history!), undefined);
  assert.deepEqual(repair(history, { provider: { capabilities: { assistantAfterToolResults: true } } }).messages, r.messages);
});

// What Mimir reloads: tool messages stripped of tool_call_id, an assistant turn re-sent without its
// tool_calls followed by its results, a system message in the middle, an argument object.
const mimir = h(
  { role: "system", content: "You are Mimir." },
  { role: "user", content: "Weather in Paris, and the time?" },
  { role: "assistant", content: "Let me check.", tool_calls: [call("call_w1", "weather", { city: "Paris" }), call("call_c1", "clock", "{}")] },
  { role: "tool", content: "18C, sunny" },
  { role: "tool", content: "09:41" },
  { role: "assistant", content: "Paris: 18C and sunny; it is 09:41." },
  { role: "system", content: "The user switched to project Apollo." },
  { role: "user", content: "Book the usual table for tonight." },
  { role: "assistant", content: "Booking it." },
  { role: "tool", tool_call_id: "call_b7", name: "book_table", content: '{"ok":true,"table":12}' },
  { role: "user", content: "Thanks! What did I ask first?" },
);

test("Mimir's reloaded history: refused by the strict servers over HTTP, taken once repaired (OpenAI, DeepSeek, Groq)", async () => {
  const r = repair(mimir, { provider: presets.openai });
  assert.equal(r.warnings.length, 5, r.warnings.map((w) => w.message).join("\n"));
  assert.deepEqual(r.messages, h(
    { role: "system", content: "You are Mimir.\n\nThe user switched to project Apollo." },
    mimir[1],
    { role: "assistant", content: "Let me check.", tool_calls: [call("call_w1", "weather", '{"city":"Paris"}'), call("call_c1", "clock", "{}")] },
    { role: "tool", content: "18C, sunny", tool_call_id: "call_w1" },
    { role: "tool", content: "09:41", tool_call_id: "call_c1" },
    mimir[5], mimir[7], mimir[8],
    { role: "user", content: '[tool result for book_table]: {"ok":true,"table":12}' },
    mimir[10],
  ));
  for (const dialect of ["openai", "deepseek", "groq"] as DialectName[]) {
    const sim = await startSimulator({ dialect });
    try {
      const llm = createClient({ baseURL: sim.baseURL, model: "sim-model", maxRetries: 0 });
      const e = await rejection(llm.chat.completions.create({ messages: mimir }));
      assert.ok(e instanceof BadRequestError, `${dialect}: ${e}`);
      assert.equal(e.status, 400);
      assert.equal(e.message.includes("tool_call_id") || e.message.includes("tool_calls"), true, e.message);
      const ok = await llm.chat.completions.create({ messages: r.messages });
      assert.equal(ok.choices[0]!.message.content, "You said: Thanks! What did I ask first?");
      assert.deepEqual(sim.requests.at(-1)!.body.messages, r.messages);
    } finally {
      await sim.close();
    }
  }
});

test("Mimir's history through the official openai SDK: it throws on the stored one, not on the repaired one", async () => {
  const sim = await startSimulator({ dialect: "openai" });
  try {
    const client = new OpenAI({ baseURL: sim.baseURL, apiKey: "sk-test", maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: "sim-model", messages: mimir as any }), (e: any) => e.status === 400 && /tool_call_id/.test(e.message));
    const { messages } = repairMessages(mimir);
    const c = await client.chat.completions.create({ model: "sim-model", messages: messages as any });
    assert.match(c.choices[0]!.message.content!, /Thanks!/);
  } finally {
    await sim.close();
  }
});

test("Mimir's history for Mistral (La Plateforme) and a vLLM serving Qwen 3.6 or a Mistral model, over HTTP", async () => {
  const cases: { dialect: DialectName; model: string; client: Record<string, unknown>; options: RepairOptions; refusal: RegExp }[] = [
    { dialect: "mistral", model: "mistral-small-latest", client: { provider: "mistral", apiKey: "k" }, options: { provider: presets.mistral, assistantAfterToolResults: true }, refusal: /Unexpected role 'system' after role 'assistant'/ },
    { dialect: "vllm", model: "Qwen/Qwen3.6-27B", client: {}, options: { provider: presets.vllm }, refusal: /System message must be at the beginning/ },
    { dialect: "vllm", model: "mistralai/Devstral-Small-2507", client: {}, options: { provider: presets.vllm, assistantAfterToolResults: true }, refusal: /Unexpected role 'system' after role 'assistant'/ },
  ];
  for (const c of cases) {
    const sim = await startSimulator({ dialect: c.dialect });
    try {
      const llm = createClient({ baseURL: sim.baseURL, model: c.model, maxRetries: 0, ...c.client } as any);
      const e = await rejection(llm.chat.completions.create({ messages: mimir }));
      assert.ok(e instanceof BadRequestError, `${c.dialect} ${c.model}: ${e}`);
      assert.match(e.message, c.refusal);
      const { messages } = repair(mimir, c.options);
      const ok = await llm.chat.completions.create({ messages });
      assert.match(ok.choices[0]!.message.content!, /Thanks!/, `${c.dialect} ${c.model}`);
    } finally {
      await sim.close();
    }
  }
});

test("create({ repairHistory: true }) repairs before sending, with history-repaired warnings; without it the strict server refuses", async () => {

  const sim = await startSimulator({ dialect: "openai", script: [{ text: "fine" }] });
  try {
    const llm = createClient({ baseURL: sim.baseURL, model: "sim-model", maxRetries: 0 });
    const broken = [
      { role: "user" as const, content: "Roll." },
      { role: "assistant" as const, content: null, tool_calls: [{ id: "c1", type: "function" as const, function: { name: "roll", arguments: "{}" } }] },
    ];
    await assert.rejects(llm.chat.completions.create({ messages: broken }));
    const c = await llm.chat.completions.create({ messages: broken, repairHistory: true });
    assert.equal(c.choices[0]!.message.content, "fine");
    assert.ok(c.warnings?.some((w) => w.type === "history-repaired"));
    assert.equal(sim.requests.at(-1)!.body.repairHistory, undefined);
  } finally {
    await sim.close();
  }
});
