// Deterministic workloads shared by the bench server (to serialise) and the clients' checks (to verify).

export const COMPLETION_TEXT = "The tavern door creaks open.";

/** Text of content chunk i: short, like one token. */
export const piece = (i) => `w${i} `;

export function expectedText(n) {
  let s = "";
  for (let i = 0; i < n; i++) s += piece(i);
  return s;
}

/** The tool call's full arguments, and its split into n fragments. */
export function toolArguments(n) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(`"k${i}":${i}`);
  const args = `{${parts.join(",")}}`;
  const size = Math.ceil(args.length / n);
  const frags = [];
  for (let i = 0; i < n; i++) frags.push(args.slice(i * size, (i + 1) * size));
  return { args, frags: frags.filter((f, i) => f !== "" || i === 0) };
}

const meta = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 1700000000, model: "bench" };

export function completionBody() {
  return JSON.stringify({
    id: "chatcmpl-bench", object: "chat.completion", created: 1700000000, model: "bench",
    choices: [{ index: 0, message: { role: "assistant", content: COMPLETION_TEXT }, finish_reason: "stop", logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 },
  });
}

const ev = (o) => `data: ${JSON.stringify(o)}\n\n`;

/** SSE events of a stream of n content chunks plus a usage chunk. */
export function streamEvents(n) {
  const out = [ev({ ...meta, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] })];
  for (let i = 0; i < n; i++) out.push(ev({ ...meta, choices: [{ index: 0, delta: { content: piece(i) }, finish_reason: null }] }));
  out.push(ev({ ...meta, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  out.push(ev({ ...meta, choices: [], usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: n + 5 } }));
  out.push("data: [DONE]\n\n");
  return out;
}

/** SSE events of one tool call whose arguments arrive in n fragments. */
export function toolEvents(n) {
  const { frags } = toolArguments(n);
  const out = [ev({ ...meta, choices: [{ index: 0, delta: { role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_bench", type: "function", function: { name: "record", arguments: "" } }] }, finish_reason: null }] })];
  for (const f of frags) out.push(ev({ ...meta, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: f } }] }, finish_reason: null }] }));
  out.push(ev({ ...meta, choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] }));
  out.push(ev({ ...meta, choices: [], usage: { prompt_tokens: 5, completion_tokens: n, total_tokens: n + 5 } }));
  out.push("data: [DONE]\n\n");
  return out;
}
