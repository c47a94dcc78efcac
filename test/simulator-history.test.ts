import { test } from "node:test";
import assert from "node:assert/strict";
import { checkHistory, dialects, startSimulator, type DialectName, type SimulatorOptions } from "./exports.js";

/** POST a chat body to a simulator over real HTTP; the status and the parsed body as the server sent them. */
async function wire(options: SimulatorOptions, messages: unknown[], model = "sim-model"): Promise<{ status: number; body: any }> {
  const sim = await startSimulator(options);
  try {
    const res = await fetch(`${sim.baseURL}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages }) });
    return { status: res.status, body: await res.json() };
  } finally {
    await sim.close();
  }
}

const call = (id: string | undefined, name = "weather", args: unknown = '{"city":"Paris"}') => ({ ...(id === undefined ? {} : { id }), type: "function", function: { name, arguments: args } });
const ask = { role: "user", content: "weather?" };
const turn = (...ids: (string | undefined)[]) => ({ role: "assistant", content: null, tool_calls: ids.map((id) => call(id)) });
const result = (id: string | undefined, content = "18C") => ({ role: "tool", ...(id === undefined ? {} : { tool_call_id: id }), content });

// Tool-call ids of nine letters and digits, so Mistral's own id rule (T10) passes and its history checks answer.
const valid = [{ role: "system", content: "Be brief." }, ask, turn("callAAAA1", "callBBBB2"), result("callBBBB2", "22C"), result("callAAAA1"), { role: "assistant", content: "Paris 18C." }, { role: "user", content: "thanks" }];
const orphan = [ask, { role: "assistant", content: "Let me look." }, result("callAAAA1"), { role: "user", content: "and?" }];
const unanswered = [ask, turn("callAAAA1", "callBBBB2"), result("callAAAA1"), { role: "user", content: "and?" }];
const noId = [ask, turn("callAAAA1"), result(undefined), { role: "user", content: "and?" }];
const unknownId = [ask, turn("callAAAA1"), result("callZZZZ9"), { role: "user", content: "and?" }];
const objectArgs = [ask, { role: "assistant", content: null, tool_calls: [call("callAAAA1", "weather", { city: "Paris" })] }, result("callAAAA1")];
const toolThenUser = [ask, turn("callAAAA1"), result("callAAAA1"), { role: "user", content: "and?" }];
const midSystem = [{ role: "system", content: "Be brief." }, ask, { role: "assistant", content: "Sunny." }, { role: "system", content: "Now in project B." }, { role: "user", content: "and?" }];

test("every dialect takes a valid history with tool calls, results in any order, over HTTP", async () => {
  for (const dialect of Object.keys(dialects) as DialectName[]) {
    const got = await wire({ dialect }, valid);
    assert.equal(got.status, 200, `${dialect}: ${JSON.stringify(got.body)}`);
  }
});

test("openai: each broken history gets OpenAI's own 400, in its error shape", async () => {
  const refused = async (messages: unknown[]) => {
    const got = await wire({ dialect: "openai" }, messages);
    assert.equal(got.status, 400);
    return got.body;
  };
  assert.deepEqual(await refused(orphan), {
    error: { message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", type: "invalid_request_error", param: "messages.[2].role", code: null },
  });
  assert.deepEqual(await refused(unanswered), {
    error: {
      message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: callBBBB2",
      type: "invalid_request_error", param: "messages.[1].role", code: null,
    },
  });
  assert.deepEqual(await refused(noId), {
    error: { message: "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.", type: "invalid_request_error", param: "messages.[2].tool_call_id", code: null },
  });
  assert.deepEqual(await refused(unknownId), {
    error: { message: "Invalid parameter: 'tool_call_id' of 'callZZZZ9' not found in 'tool_calls' of previous message.", type: "invalid_request_error", param: "messages.[2].tool_call_id", code: null },
  });
  assert.deepEqual(await refused(objectArgs), {
    error: {
      message: "Invalid type for 'messages[1].tool_calls[0].function.arguments': expected a string, but got an object instead.",
      type: "invalid_request_error", param: "messages[1].tool_calls[0].function.arguments", code: "invalid_type",
    },
  });
  // A system message between a tool-call turn and its results interrupts them.
  const got = await refused([ask, turn("callAAAA1"), { role: "system", content: "x" }, result("callAAAA1")]);
  assert.match(got.error.message, /did not have response messages: callAAAA1$/);
  // A call left unanswered at the very end is refused too; mid-conversation system messages are taken.
  assert.equal((await wire({ dialect: "openai" }, [ask, turn("callAAAA1")])).status, 400);
  assert.equal((await wire({ dialect: "openai" }, midSystem)).status, 200);
  assert.equal((await wire({ dialect: "openai" }, toolThenUser)).status, 200);
});

test("validateHistory: false takes any history, as before", async () => {
  for (const messages of [orphan, unanswered, noId, unknownId, objectArgs]) {
    assert.equal((await wire({ dialect: "openai", validateHistory: false }, messages)).status, 200);
  }
});

test("deepseek: its own words, with param null and code invalid_request_error", async () => {
  const got = await wire({ dialect: "deepseek" }, orphan);
  assert.equal(got.status, 400);
  assert.deepEqual(got.body, { error: { message: "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'", type: "invalid_request_error", param: null, code: "invalid_request_error" } });
  const missing = await wire({ dialect: "deepseek" }, unanswered);
  assert.equal(missing.status, 400);
  assert.equal(missing.body.error.message, "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. (insufficient tool messages following tool_calls message)");
});

test("groq: a tool message without tool_call_id fails its schema check, in its words", async () => {
  const got = await wire({ dialect: "groq" }, noId);
  assert.equal(got.status, 400);
  assert.equal(got.body.error.message, "'messages.2' : for 'role:tool' the following must be satisfied[('messages.2.tool_call_id' : property 'tool_call_id' is missing)]");
  assert.equal(got.body.error.type, "invalid_request_error");
});

test("mistral: mistral_common's order, count and id checks, in La Plateforme's error shape", async () => {
  const order = await wire({ dialect: "mistral" }, toolThenUser);
  assert.equal(order.status, 400);
  assert.deepEqual(order.body, { object: "error", message: "Unexpected role 'user' after role 'tool'", type: "invalid_request_message_order", param: null, code: "3230" });
  const userThenTool = await wire({ dialect: "mistral" }, [ask, result("callAAAA1")]);
  assert.equal(userThenTool.body.message, "Unexpected role 'tool' after role 'user'");
  // Counted at the next assistant message and at the end: one result for two calls.
  const count = await wire({ dialect: "mistral" }, [ask, turn("callAAAA1", "callBBBB2"), result("callAAAA1")]);
  assert.equal(count.status, 400);
  assert.equal(count.body.message, "Not the same number of function calls and responses");
  const id = await wire({ dialect: "mistral" }, [ask, turn("callAAAA1"), result(undefined)]);
  assert.equal(id.body.message, "Tool call id has to be defined.");
  // A system message may not follow an assistant one.
  assert.equal((await wire({ dialect: "mistral" }, midSystem)).body.message, "Unexpected role 'system' after role 'assistant'");
  // Counted, not matched: the wrong id passes the count (and T10, being nine alphanumerics).
  assert.equal((await wire({ dialect: "mistral" }, [ask, turn("callAAAA1"), result("callZZZZ9")])).status, 200);
});

test("vllm: lenient itself; strict where the model's tokenizer or template is (mistral_common, Qwen 3.5+)", async () => {
  for (const messages of [orphan, unanswered, noId, midSystem, toolThenUser]) assert.equal((await wire({ dialect: "vllm" }, messages)).status, 200);
  const mistral = "mistralai/Mistral-Small-3.2-24B-Instruct-2506";
  const order = await wire({ dialect: "vllm" }, toolThenUser, mistral);
  assert.equal(order.status, 400);
  assert.deepEqual(order.body, { error: { message: "Unexpected role 'user' after role 'tool'", type: "BadRequestError", param: null, code: 400 } });
  // mistral_common in test mode counts at assistant messages only: an unanswered last turn passes.
  assert.equal((await wire({ dialect: "vllm" }, [ask, turn("callAAAA1", "callBBBB2"), result("callAAAA1")], mistral)).status, 200);
  const count = await wire({ dialect: "vllm" }, [ask, turn("callAAAA1", "callBBBB2"), result("callAAAA1"), { role: "assistant", content: "?" }, { role: "user", content: "go" }], mistral);
  assert.equal(count.body.error.message, "Not the same number of function calls and responses");
  const qwen = await wire({ dialect: "vllm" }, midSystem, "Qwen/Qwen3.6-27B");
  assert.equal(qwen.status, 400);
  assert.equal(qwen.body.error.message, "System message must be at the beginning.");
  assert.equal((await wire({ dialect: "vllm" }, [{ role: "system", content: "a" }, { role: "system", content: "b" }, ask], "Qwen/Qwen3.5-9B")).status, 400);
  assert.equal((await wire({ dialect: "vllm" }, midSystem, "Qwen/Qwen3-8B")).status, 200);
});

test("ollama, llama.cpp, LM Studio, OpenRouter take every broken history (no check modelled)", async () => {
  for (const dialect of ["ollama", "llamacpp", "lmstudio", "openrouter"] as DialectName[]) {
    for (const messages of [orphan, unanswered, noId, unknownId, objectArgs, midSystem, toolThenUser]) {
      const got = await wire({ dialect }, messages);
      assert.equal(got.status, 200, `${dialect}: ${JSON.stringify(got.body)}`);
    }
  }
});

test("checkHistory, called directly, gives the refusal the wire carries", async () => {
  for (const dialect of ["openai", "deepseek", "groq", "mistral"] as DialectName[]) {
    for (const messages of [valid, orphan, unanswered, noId, unknownId, objectArgs, midSystem, toolThenUser]) {
      const direct = checkHistory(messages, dialects[dialect].history ?? []);
      const got = await wire({ dialect }, messages);
      assert.equal(got.status, direct ? direct.status : 200, `${dialect}: ${JSON.stringify(messages)}`);
      if (direct) assert.equal(got.body.error?.message ?? got.body.message, direct.message);
    }
  }
});
