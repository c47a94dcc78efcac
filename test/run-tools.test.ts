import { test } from "node:test";
import assert from "node:assert/strict";
import * as z from "zod";
import { AbortError, MaxStepsError, StreamError, tool, type RunEvent } from "./exports.js";
import { rejection, user, withSim } from "./helpers.js";

// runTools: the loop every tool-using app writes, against the simulator over real HTTP.

const roll = tool({ name: "roll", description: "Roll a die", parameters: z.object({ d: z.number().int() }), execute: async ({ d }) => ({ d, value: Math.min(17, d) }) });
const call = (name: string, args: string, id?: string) => ({ toolCalls: [{ name, arguments: args, ...(id ? { id } : {}) }] });

async function events(run: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const out: RunEvent[] = [];
  for await (const e of run) out.push(e);
  return out;
}

test("one tool call: the loop runs it, sends the result back, and ends on the answer; history, steps and usage add up", async () => {
  const script = [{ ...call("roll", '{"d":20}', "call_1"), usage: { prompt_tokens: 10, completion_tokens: 3 } }, { text: "You rolled a 17.", usage: { prompt_tokens: 20, completion_tokens: 5 } }];
  await withSim({ script }, {}, async (sim, llm) => {
    const run = llm.chat.completions.runTools({ messages: user("Roll a d20."), tools: [roll] });
    const seen = await events(run);
    const r = await run.done();
    assert.deepEqual(seen.map((e) => e.type), ["step-start", "text-delta", "step-finish", "tool-call", "tool-result", "step-start", "text-delta", "step-finish", "done"].filter((t, i) => !(t === "text-delta" && i === 1)));
    assert.equal(r.finishReason, "stop");
    assert.equal(r.completion.choices[0]!.message.content, "You rolled a 17.");
    assert.deepEqual(r.usage, { prompt_tokens: 30, completion_tokens: 8, total_tokens: 38 });
    assert.deepEqual(r.messages.map((m) => m.role), ["user", "assistant", "tool", "assistant"]);
    assert.deepEqual(r.messages[2], { role: "tool", tool_call_id: "call_1", content: '{"d":20,"value":17}' });
    assert.equal(r.steps.length, 2);
    assert.equal(r.steps[0]!.toolResults[0]!.isError, false);
    // What went on the wire: the second request carries the assistant's call and its result.
    const second = sim.requests[1]!.body.messages;
    assert.equal(second[1].tool_calls[0].id, "call_1");
    assert.deepEqual(second[2], { role: "tool", tool_call_id: "call_1", content: '{"d":20,"value":17}' });
    assert.equal(sim.requests[0]!.body.tools[0].function.name, "roll");
  });
});

test("parallel calls run at most toolConcurrency at once; results go back in the order of the calls", async () => {
  let inFlight = 0;
  let most = 0;
  const slow = tool({
    name: "slow", parameters: z.object({ n: z.number() }),
    execute: async ({ n }) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 30 - n * 5));
      inFlight--;
      return `done ${n}`;
    },
  });
  const calls = { toolCalls: [0, 1, 2, 3].map((n) => ({ id: `c${n}`, name: "slow", arguments: `{"n":${n}}` })) };
  await withSim({ script: [calls, { text: "all done" }] }, {}, async (_sim, llm) => {
    const r = await llm.chat.completions.runTools({ messages: user("go"), tools: [slow] }, { toolConcurrency: 2 }).done();
    assert.equal(most, 2);
    assert.deepEqual(r.messages.filter((m) => m.role === "tool").map((m) => [(m as { tool_call_id: string }).tool_call_id, m.content]), [["c0", "done 0"], ["c1", "done 1"], ["c2", "done 2"], ["c3", "done 3"]]);
  });
});

const risky = (needsApproval: boolean | (() => boolean) = true) =>
  tool({ name: "write_file", parameters: z.object({ path: z.string() }), needsApproval, execute: async ({ path }) => `wrote ${path}` });

test("approval: granted runs the tool; denied (with a reason) tells the model; the request names the call and its arguments", async () => {
  await withSim({ script: [call("write_file", '{"path":"a.txt"}'), { text: "ok" }, call("write_file", '{"path":"b.txt"}'), { text: "fine" }] }, {}, async (_sim, llm) => {
    const asked: unknown[] = [];
    const yes = await llm.chat.completions.runTools({ messages: user("write"), tools: [risky()] }, { approve: (req) => (asked.push([req.tool.name, req.args, req.step]), true) }).done();
    assert.deepEqual(asked, [["write_file", { path: "a.txt" }, 1]]);
    assert.equal(yes.steps[0]!.toolResults[0]!.result, "wrote a.txt");
    const no = await llm.chat.completions.runTools({ messages: user("write"), tools: [risky()] }, { approve: () => ({ approved: false, reason: "not now" }) }).done();
    const r = no.steps[0]!.toolResults[0]!;
    assert.equal(r.isError, true);
    assert.match(r.result, /did not approve .*write_file.*\(not now\)/);
  });
});

test("approval: no answer in time is a denial with reason timeout and an approval-timeout event; no approve callback means denied, never run", async () => {
  let ran = false;
  const t = tool({ name: "write_file", parameters: z.object({ path: z.string() }), needsApproval: () => true, execute: async () => ((ran = true), "x") });
  await withSim({ script: [call("write_file", '{"path":"a"}'), { text: "ok" }, call("write_file", '{"path":"b"}'), { text: "ok" }] }, {}, async (_sim, llm) => {
    const run = llm.chat.completions.runTools({ messages: user("w"), tools: [t] }, { approve: () => new Promise(() => {}), approvalTimeout: 50 });
    const seen = await events(run);
    assert.ok(seen.some((e) => e.type === "approval-timeout"));
    assert.match((await run.done()).steps[0]!.toolResults[0]!.result, /\(timeout\)/);
    const none = await llm.chat.completions.runTools({ messages: user("w"), tools: [t] }).done();
    assert.match(none.steps[0]!.toolResults[0]!.result, /no approval callback/);
    assert.equal(ran, false);
  });
});

test("abort while waiting for approval: AbortError carrying the messages so far", async () => {
  await withSim({ script: [call("write_file", '{"path":"a"}')] }, {}, async (_sim, llm) => {
    const ac = new AbortController();
    const run = llm.chat.completions.runTools({ messages: user("w"), tools: [risky()] }, { signal: ac.signal, approve: () => (setTimeout(() => ac.abort(), 20), new Promise(() => {})) });
    const e = await rejection(run.done());
    assert.ok(e instanceof AbortError, String(e));
    assert.deepEqual(e.messages!.map((m: { role: string }) => m.role), ["user", "assistant"]);
  });
});

test("abort during a long execute: the tool sees its signal fire and the run ends with an AbortError", async () => {
  let toolSignal: AbortSignal | undefined;
  const long = tool({ name: "long", parameters: z.object({}), execute: (_a, ctx) => ((toolSignal = ctx.signal), new Promise(() => {})) });
  await withSim({ script: [call("long", "{}")] }, {}, async (_sim, llm) => {
    const ac = new AbortController();
    const run = llm.chat.completions.runTools({ messages: user("go"), tools: [long] }, { signal: ac.signal });
    run.on("tool-call", () => setTimeout(() => ac.abort(), 10));
    const e = await rejection(run.done());
    assert.ok(e instanceof AbortError, String(e));
    assert.equal(toolSignal?.aborted, true);
  });
});

test("a tool that throws, invalid JSON, arguments that fail the schema and an unknown tool go back to the model as errors; the loop goes on", async () => {
  const boom = tool({ name: "boom", parameters: z.object({}), execute: async () => { throw new Error("disk full"); } });
  const script = [
    { toolCalls: [{ id: "a", name: "boom", arguments: "{}" }, { id: "b", name: "roll", arguments: "{d:20" }, { id: "c", name: "roll", arguments: '{"d":"twenty"}' }, { id: "d", name: "fly", arguments: "{}" }] },
    call("roll", '{"d":20}', "e"),
    { text: "done" },
  ];
  await withSim({ script }, {}, async (_sim, llm) => {
    const r = await llm.chat.completions.runTools({ messages: user("go"), tools: [roll, boom] }).done();
    const [boomR, badJson, badArgs, unknown] = r.steps[0]!.toolResults;
    assert.match(boomR!.result, /boom failed: disk full/);
    assert.match(badJson!.result, /not valid JSON/);
    assert.match(badArgs!.result, /invalid arguments for roll: d: /);
    assert.match(unknown!.result, /no tool named "fly"/);
    assert.ok(r.steps[0]!.toolResults.every((x) => x.isError));
    assert.equal(r.steps[1]!.toolResults[0]!.isError, false, "corrected on the next step");
    assert.equal(r.finishReason, "stop");
    assert.equal(r.steps.length, 3);
  });
});

test("maxSteps ends the loop with finishReason max-steps, or MaxStepsError with onMaxSteps: throw", async () => {
  const forever = Array.from({ length: 6 }, (_, i) => call("roll", '{"d":6}', `s${i}`));
  await withSim({ script: forever }, {}, async (sim, llm) => {
    const r = await llm.chat.completions.runTools({ messages: user("again"), tools: [roll], maxSteps: 2 }).done();
    assert.equal(r.finishReason, "max-steps");
    assert.equal(sim.requests.length, 2);
    assert.equal(r.messages.at(-1)!.role, "tool", "the last results are kept");
    const e = await rejection(llm.chat.completions.runTools({ messages: user("again"), tools: [roll], maxSteps: 2, onMaxSteps: "throw" }).done());
    assert.ok(e instanceof MaxStepsError);
    assert.ok(e.messages!.length >= 5);
  });
});

test("a plain OpenAI tool (no execute) ends the loop for the caller to answer", async () => {
  const plain = { type: "function" as const, function: { name: "ask_user", parameters: { type: "object" } } };
  await withSim({ script: [call("ask_user", "{}", "q1")] }, {}, async (sim, llm) => {
    const r = await llm.chat.completions.runTools({ messages: user("?"), tools: [plain, roll] }).done();
    assert.equal(r.finishReason, "tool-without-execute");
    assert.equal(r.completion.choices[0]!.message.tool_calls![0]!.function.name, "ask_user");
    assert.equal(sim.requests.length, 1);
  });
});

test("stream: true: each step's text arrives as text-delta events; on() hears them too", async () => {
  await withSim({ script: [call("roll", '{"d":4}'), { text: "Four sides, rolled." }] }, {}, async (_sim, llm) => {
    const heard: string[] = [];
    const run = llm.chat.completions.runTools({ messages: user("roll"), tools: [roll], stream: true }).on("text-delta", (e) => heard.push(e.text));
    const seen = await events(run);
    assert.equal(seen.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text).join(""), "Four sides, rolled.");
    assert.equal(heard.join(""), "Four sides, rolled.");
    assert.ok(seen.filter((e) => e.type === "text-delta").length > 1, "streamed in pieces");
  });
});

test("a stream step cut by a mid-stream error ends the run with that StreamError", async () => {
  await withSim({ script: [{ text: "The goblin says", errorAfter: 3 }] }, {}, async (_sim, llm) => {
    const e = await rejection(llm.chat.completions.runTools({ messages: user("x"), tools: [roll], stream: true }).done());
    assert.ok(e instanceof StreamError, String(e));
  });
});

test("bad options are ConfigErrors", async () => {
  await withSim({ script: [] }, {}, async (_sim, llm) => {
    for (const [p, o, re] of [
      [{ messages: user("x"), tools: [roll], maxSteps: 0 }, {}, /maxSteps/],
      [{ messages: user("x"), tools: [roll] }, { toolConcurrency: 0 }, /toolConcurrency/],
      [{ messages: user("x") }, {}, /tools/],
    ] as [never, never, RegExp][]) {
      assert.match(String((await rejection(llm.chat.completions.runTools(p, o).done())).message), re);
    }
  });
});

// Every dialect as today's server speaks it: the tool-call turn, its result and the answer go over the
// wire, and the strict dialects' history checks accept what the loop sends.
for (const dialect of ["openai", "groq", "ollama", "vllm", "llamacpp", "lmstudio", "openrouter", "deepseek", "mistral"] as const) {
  test(`runTools through the ${dialect} dialect: a streamed tool step, its result, the answer`, async () => {
    const model = dialect === "deepseek" ? "deepseek-chat" : "sim-model";
    await withSim({ dialect, enableAutoToolChoice: true, script: [call("roll", '{"d":20}'), { text: "A 17." }] }, { model }, async (sim, llm) => {
      const r = await llm.chat.completions.runTools({ messages: user("Roll a d20."), tools: [roll], stream: true }).done();
      assert.equal(r.completion.choices[0]!.message.content, "A 17.");
      assert.equal(r.finishReason, "stop");
      // The last request (Mistral's first one is refused for stream_options and resent: Q1).
      const second = sim.requests.at(-1)!.body.messages;
      assert.equal(second.at(-1).role, "tool");
      assert.equal(second.at(-1).tool_call_id, second.at(-2).tool_calls[0].id);
      assert.equal(second.at(-1).content, '{"d":20,"value":17}');
    });
  });
}
