import type { Dialect } from "./dialects.js";
import type { SimChatReply, SimToolCall } from "./script.js";

let counter = 0;
const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).padStart(6, "0")}`;

const WORD = /\s*\S+\s*|\s+/g;

/** Word-sized pieces, as a tokenizer would stream them. */
export function pieces(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** The same pieces one at a time, so a long reply is never held twice (once as text, once as pieces). */
function* eachPiece(text: string): Generator<string> {
  for (const m of text.matchAll(WORD)) yield m[0];
}

function toolId(dialect: Dialect, call: SimToolCall): string {
  if (call.id) return call.id;
  // T10: Mistral's own ids are 9 alphanumerics.
  return dialect.toolIds === "nine-alphanumerics" ? nextId("").replace(/[^A-Za-z0-9]/g, "").padStart(9, "a").slice(-9) : nextId("call_");
}

function usageOf(reply: SimChatReply, body: Record<string, any>, completion: number) {
  if (reply.usage === false) return undefined;
  const u = reply.usage ?? { prompt_tokens: Math.ceil(JSON.stringify(body.messages ?? "").length / 4), completion_tokens: completion };
  return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens };
}

function finishOf(reply: SimChatReply, dialect: Dialect, body: Record<string, any>): string | null {
  if (reply.finishReason !== undefined) return reply.finishReason;
  if (!reply.toolCalls?.length) return "stop";
  // F3: vLLM before PR #25054 said `stop` for a non-streamed reply to tool_choice "required".
  if (dialect.toolFinishRequired && body.tool_choice === "required" && !body.stream) return dialect.toolFinishRequired;
  return dialect.toolFinish;
}

function* contentPieces(reply: SimChatReply): Generator<string> {
  if (reply.refusal !== undefined) return;
  if (reply.thinkInline && reply.reasoning) yield* ["<think>", ...pieces(reply.reasoning), "</think>", "\n\n"];
  if (reply.chunks) yield* reply.chunks;
  else yield* eachPiece(reply.text ?? "");
}

function countPieces(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(WORD)) n++;
  return n;
}

/** A non-streamed chat completion in the dialect's shape. */
export function renderCompletion(reply: SimChatReply, dialect: Dialect, body: Record<string, any>): Record<string, unknown> {
  const model = reply.model ?? body.model ?? "sim-model";
  const content = [...contentPieces(reply)].join("");
  const tools = reply.toolCalls?.map((c) => ({
    id: toolId(dialect, c), type: "function",
    function: { name: c.name, arguments: c.arguments },
  }));
  const refused = reply.refusal !== undefined;
  const message: Record<string, unknown> = { role: "assistant", content: (tools || refused) && !content ? null : content };
  if (refused) message.refusal = reply.refusal;
  if (reply.reasoning && !reply.thinkInline) message[dialect.reasoningField] = reply.reasoning;
  if (tools) message.tool_calls = tools;
  const finish = finishOf(reply, dialect, body);
  const n = reply.choices ?? 1;
  const out: Record<string, unknown> = {
    id: nextId("chatcmpl-sim"), object: "chat.completion", created: Math.floor(Date.now() / 1000), model,
    choices: Array.from({ length: n }, (_, index) => ({ index, message, finish_reason: finish, logprobs: null })),
  };
  const usage = usageOf(reply, body, countPieces(content) + countPieces(reply.refusal ?? "") + (reply.reasoning ? countPieces(reply.reasoning) : 0));
  if (usage) out.usage = usage;
  return out;
}

/** The chunk objects of a streamed reply, in order (without SSE framing). */
export function renderChunks(reply: SimChatReply, dialect: Dialect, body: Record<string, any>): Record<string, unknown>[] {
  return [...streamChunks(reply, dialect, body)];
}

/**
 * The chunk objects of a streamed reply, one at a time: a reply of millions of words streams in
 * constant memory, each chunk made when the transport asks for it.
 */
export function* streamChunks(reply: SimChatReply, dialect: Dialect, body: Record<string, any>): Generator<Record<string, unknown>> {
  const id = nextId("chatcmpl-sim");
  const model = reply.model ?? body.model ?? "sim-model";
  const created = Math.floor(Date.now() / 1000);
  const n = reply.choices ?? 1;
  const chunk = (delta: Record<string, unknown>, finish: string | null = dialect.pendingFinish): Record<string, unknown> => {
    const choices = [];
    for (let index = 0; index < n; index++) choices.push({ index, delta, finish_reason: finish });
    return { id, object: "chat.completion.chunk", created, model, choices };
  };

  // A refusal opens as OpenAI's does: no content, an empty refusal to append to.
  yield chunk(reply.refusal !== undefined ? { role: "assistant", content: null, refusal: "" } : { role: "assistant", content: "" });
  let completion = 0;
  if (reply.reasoning && !reply.thinkInline) {
    for (const p of eachPiece(reply.reasoning)) {
      yield chunk({ [dialect.reasoningField]: p });
      completion++;
    }
  }
  for (const p of contentPieces(reply)) {
    yield chunk({ content: p });
    completion++;
  }
  for (const p of eachPiece(reply.refusal ?? "")) {
    yield chunk({ refusal: p });
    completion++;
  }
  const calls = reply.toolCalls ?? [];
  for (const [index, call] of calls.entries()) {
    const tid = toolId(dialect, call);
    const args = call.arguments;
    const text = typeof args === "string" ? args : JSON.stringify(args);
    const frags = text.match(/[\s\S]{1,8}/g) ?? [""];
    switch (dialect.toolCalls) {
      case "whole": // T5: current Ollama sends each call whole, arguments marshalled to a string, with `index`.
        yield chunk({ tool_calls: [{ id: tid, index, type: "function", function: { name: call.name, arguments: text } }] });
        break;
      case "whole-no-index": // T1 + T5: older Ollama sent each call whole, without `index`.
        yield chunk({ tool_calls: [{ id: tid, type: "function", function: { name: call.name, arguments: text } }] });
        break;
      case "repeat-name": // T3: older llama.cpp repeated id and name in every delta.
        for (const f of frags) yield chunk({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: f } }] });
        break;
      case "null-then-full": // T8: vLLM: a null-arguments header, an empty delta, then everything.
        yield chunk({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: null } }] });
        yield chunk({ tool_calls: [{ index, function: { arguments: "" } }] });
        yield chunk({ tool_calls: [{ index, function: { arguments: args } }] });
        break;
      default:
        if (typeof args !== "string") {
          // T6: an object in the script goes on the wire as an object.
          yield chunk({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: args } }] });
          break;
        }
        yield chunk({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: "" } }] });
        for (const f of frags) yield chunk({ tool_calls: [{ index, function: { arguments: f } }] });
    }
    completion += frags.length;
  }
  const finish = finishOf(reply, dialect, body);
  const usage = usageOf(reply, body, completion);
  if (finish !== null) {
    const last = chunk({}, finish);
    if (usage && dialect.streamUsage === "last-chunk") last.usage = usage;
    if (usage && dialect.streamUsage === "x_groq") last.x_groq = { id: `req_${id}`, usage };
    yield last;
  }
  const asked = body.stream_options?.include_usage === true;
  if (usage && (dialect.streamUsage === "always-chunk" || (dialect.streamUsage === "on-request" && asked))) {
    yield { id, object: "chat.completion.chunk", created, model, choices: [], usage };
  }
}
