import type { Dialect } from "./dialects.js";
import type { SimChatReply, SimToolCall } from "./script.js";

let counter = 0;
const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).padStart(6, "0")}`;

/** Word-sized pieces, as a tokenizer would stream them. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
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
  // F3: vLLM with tool_choice "required" says stop.
  if (dialect.toolFinishRequired && body.tool_choice === "required") return dialect.toolFinishRequired;
  return dialect.toolFinish;
}

function contentPieces(reply: SimChatReply): string[] {
  const content = reply.chunks ?? pieces(reply.text ?? "");
  if (reply.thinkInline && reply.reasoning) return ["<think>", ...pieces(reply.reasoning), "</think>", "\n\n", ...content];
  return content;
}

/** A non-streamed chat completion in the dialect's shape. */
export function renderCompletion(reply: SimChatReply, dialect: Dialect, body: Record<string, any>): Record<string, unknown> {
  const model = reply.model ?? body.model ?? "sim-model";
  const content = contentPieces(reply).join("");
  const tools = reply.toolCalls?.map((c) => ({
    id: toolId(dialect, c), type: "function",
    function: { name: c.name, arguments: c.arguments },
  }));
  const message: Record<string, unknown> = { role: "assistant", content: tools && !content ? null : content };
  if (reply.reasoning && !reply.thinkInline) message[dialect.reasoningField] = reply.reasoning;
  if (tools) message.tool_calls = tools;
  const finish = finishOf(reply, dialect, body);
  const n = reply.choices ?? 1;
  const out: Record<string, unknown> = {
    id: nextId("chatcmpl-sim"), object: "chat.completion", created: Math.floor(Date.now() / 1000), model,
    choices: Array.from({ length: n }, (_, index) => ({ index, message, finish_reason: finish, logprobs: null })),
  };
  const usage = usageOf(reply, body, pieces(content).length + (reply.reasoning ? pieces(reply.reasoning).length : 0));
  if (usage) out.usage = usage;
  return out;
}

/** The chunk objects of a streamed reply, in order (without SSE framing). */
export function renderChunks(reply: SimChatReply, dialect: Dialect, body: Record<string, any>): Record<string, unknown>[] {
  const id = nextId("chatcmpl-sim");
  const model = reply.model ?? body.model ?? "sim-model";
  const created = Math.floor(Date.now() / 1000);
  const n = reply.choices ?? 1;
  const chunks: Record<string, unknown>[] = [];
  const each = (delta: (i: number) => Record<string, unknown>, finish: string | null = dialect.pendingFinish) =>
    chunks.push({ id, object: "chat.completion.chunk", created, model, choices: Array.from({ length: n }, (_, index) => ({ index, delta: delta(index), finish_reason: finish })) });

  each(() => ({ role: "assistant", content: "" }));
  let completion = 0;
  if (reply.reasoning && !reply.thinkInline) {
    for (const p of pieces(reply.reasoning)) {
      each(() => ({ [dialect.reasoningField]: p }));
      completion++;
    }
  }
  for (const p of contentPieces(reply)) {
    each(() => ({ content: p }));
    completion++;
  }
  const calls = reply.toolCalls ?? [];
  calls.forEach((call, index) => {
    const tid = toolId(dialect, call);
    const args = call.arguments;
    const text = typeof args === "string" ? args : JSON.stringify(args);
    const frags = text.match(/[\s\S]{1,8}/g) ?? [""];
    switch (dialect.toolCalls) {
      case "whole-no-index": // T1 + T5: Ollama sends each call whole, without `index`.
        each(() => ({ tool_calls: [{ id: tid, type: "function", function: { name: call.name, arguments: args } }] }));
        break;
      case "repeat-name": // T3: llama.cpp repeats id and name in every delta.
        for (const f of frags) each(() => ({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: f } }] }));
        break;
      case "null-then-full": // T8: vLLM: a null-arguments header, an empty delta, then everything.
        each(() => ({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: null } }] }));
        each(() => ({ tool_calls: [{ index, function: { arguments: "" } }] }));
        each(() => ({ tool_calls: [{ index, function: { arguments: args } }] }));
        break;
      default:
        if (typeof args !== "string") {
          each(() => ({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: args } }] }));
          break;
        }
        each(() => ({ tool_calls: [{ index, id: tid, type: "function", function: { name: call.name, arguments: "" } }] }));
        for (const f of frags) each(() => ({ tool_calls: [{ index, function: { arguments: f } }] }));
    }
    completion += frags.length;
  });
  const finish = finishOf(reply, dialect, body);
  const usage = usageOf(reply, body, completion);
  if (finish !== null) {
    each(() => ({}), finish);
    const last = chunks[chunks.length - 1]!;
    if (usage && dialect.streamUsage === "last-chunk") last.usage = usage;
    if (usage && dialect.streamUsage === "x_groq") last.x_groq = { id: `req_${id}`, usage };
  }
  const asked = body.stream_options?.include_usage === true;
  if (usage && (dialect.streamUsage === "always-chunk" || (dialect.streamUsage === "on-request" && asked))) {
    chunks.push({ id, object: "chat.completion.chunk", created, model, choices: [], usage });
  }
  return chunks;
}
