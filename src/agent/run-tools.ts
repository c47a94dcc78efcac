import type { ChatCreate } from "../core/chat-create.js";
import type { RequestOptions } from "../core/options.js";
import { AbortError, ConfigError, MaxStepsError } from "../errors.js";
import type { ProviderPreset } from "../providers/preset.js";
import { isMarkedTool } from "../core/tool-mark.js";
import type { Tool, ToolContext } from "../structured/tool.js";

const isTool = (t: unknown): t is Tool => isMarkedTool(t);
import type {
  ChatCompletion, ChatCompletionCreateParams, ChatCompletionMessageParam, ChatCompletionMessageToolCall,
  ChatCompletionTool, CompletionUsage, LlmWarning,
} from "../types.js";
import { ToolRun } from "./tool-run.js";
import {
  type ApprovalAnswer, type ApprovalRequest, type RunEvent, type RunFinishReason,
  type RunResult, type StepRecord, type ToolResultRecord,
} from "./events.js";

export { ToolRun, repairMessages };
import { repairMessages } from "./repair.js";

/** Parameters of `runTools`: a chat request whose tools may run themselves. */
export interface RunToolsParams extends Omit<ChatCompletionCreateParams, "tools" | "stream"> {
  /** `tool()` objects (with `execute`, they run; without, the loop ends there) and plain OpenAI tools (they end the loop). */
  tools: (Tool | ChatCompletionTool)[];
  /** Model calls at most [20]. */
  maxSteps?: number;
  /** Stream each step's text (`text-delta` and `reasoning-delta` events) [false]. */
  stream?: boolean;
  /** At `maxSteps`: end with `finishReason: "max-steps"`, or throw `MaxStepsError` [`stop`]. */
  onMaxSteps?: "stop" | "throw";
  /** Repair the given history before sending it (see `repairMessages`) [true]. */
  repairHistory?: boolean;
}

/** Options of `runTools`: the request's, plus approvals and concurrency. */
export interface RunToolsOptions extends RequestOptions {
  /** Asked for every call of a tool whose `needsApproval` says so; without it such calls are denied. */
  approve?: (request: ApprovalRequest) => ApprovalAnswer | Promise<ApprovalAnswer>;
  /** No answer within this many ms = denied (reason "timeout") [60 000]. */
  approvalTimeout?: number;
  /** Parallel tool calls of one step run at most this many at once [4]. */
  toolConcurrency?: number;
}

/** What `runTools` needs of a client: its `create` and its preset. */
export interface ToolLoopTarget {
  chat: { completions: { create: ChatCreate["create"] } };
  readonly provider: ProviderPreset;
}

const showError = (e: unknown) => (e instanceof Error ? e.message : String(e));

function addUsage(a: CompletionUsage | undefined, b: CompletionUsage | undefined): CompletionUsage | undefined {
  if (!a) return b ? { ...b } : undefined;
  if (!b) return a;
  return { ...a, prompt_tokens: a.prompt_tokens + b.prompt_tokens, completion_tokens: a.completion_tokens + b.completion_tokens, total_tokens: a.total_tokens + b.total_tokens };
}

/** A tool's result as the model gets it: strings as they are, anything else as JSON. */
function serialise(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Wait for `p`, or reject when `signal` aborts. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/** Run `limit` tasks at a time; results in the order of `items`. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The tool loop: call the model; run the tools it asks for (validated, approved where needed, in
 * parallel up to `toolConcurrency`); send the results back; again, until the model answers without
 * tool calls, calls a tool it must not run, or `maxSteps` is reached.
 *
 * @example
 * const run = llm.chat.completions.runTools({ messages, tools: [searchSpells, rollDice] }, { approve: (r) => ui.confirm(r) });
 * for await (const e of run) if (e.type === "text-delta") ui.append(e.text);
 * const { messages: history, usage } = await run.done();
 */
export function runTools(client: ToolLoopTarget, params: RunToolsParams, options: RunToolsOptions = {}): ToolRun {
  return new ToolRun((emit) => loop(client, params, options, emit));
}

/** The loop itself, emitting events; resolves the result. */
export async function loop(client: ToolLoopTarget, params: RunToolsParams, options: RunToolsOptions, emit: (e: RunEvent) => void): Promise<RunResult> {
  if (!params || !Array.isArray(params.messages)) throw new ConfigError("runTools needs { messages, tools }");
  if (!Array.isArray(params.tools)) throw new ConfigError("runTools needs { tools: [...] } (tool() objects or OpenAI function tools)");
  const { tools, maxSteps = 20, stream = false, onMaxSteps = "stop", repairHistory = true, ...request } = params;
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new ConfigError(`maxSteps must be an integer ≥ 1, got ${JSON.stringify(maxSteps)}`);
  const { approve, approvalTimeout = 60_000, toolConcurrency = 4, ...requestOptions } = options;
  if (approve !== undefined && typeof approve !== "function") throw new ConfigError("approve must be a function");
  if (!(approvalTimeout > 0)) throw new ConfigError(`approvalTimeout must be a number > 0, got ${JSON.stringify(approvalTimeout)}`);
  if (!Number.isInteger(toolConcurrency) || toolConcurrency < 1) throw new ConfigError(`toolConcurrency must be an integer ≥ 1, got ${JSON.stringify(toolConcurrency)}`);
  const byName = new Map<string, Tool | ChatCompletionTool>();
  for (const t of tools) byName.set(isTool(t) ? t.name : t.function.name, t);

  // One controller for the whole run: the caller's signal cancels the model call, approval waits and tools.
  const controller = new AbortController();
  const callerSignal = requestOptions.signal;
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) onCallerAbort();
  else callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  const signal = controller.signal;

  const warnings: LlmWarning[] = [];
  const warn = (w: LlmWarning) => {
    warnings.push(w);
    emit({ type: "warning", warning: w });
  };
  let messages: ChatCompletionMessageParam[] = [...request.messages];
  if (repairHistory) {
    // The loop only ever calls the model after the history ends in results or a user turn: pending calls at the end get a "no result" answer.
    const r = repairMessages(messages, { provider: client.provider });
    messages = r.messages;
    for (const w of r.warnings) warn(w);
  }
  const steps: StepRecord[] = [];
  let usage: CompletionUsage | undefined;
  const aborted = (cause: unknown) => {
    const e = new AbortError(`the tool loop was aborted after ${steps.length} step${steps.length === 1 ? "" : "s"}`, { cause });
    e.messages = messages;
    return e;
  };

  try {
    for (let step = 1; ; step++) {
      if (signal.aborted) throw aborted(signal.reason);
      if (step > maxSteps) {
        const last = steps[steps.length - 1]!;
        if (onMaxSteps === "throw") {
          const e = new MaxStepsError(`the tool loop reached maxSteps (${maxSteps}) with tool calls still coming`);
          e.messages = messages;
          throw e;
        }
        return finish(last.completion, "max-steps");
      }
      emit({ type: "step-start", step });
      const started = Date.now();
      const wire = { ...request, messages, tools: tools as ChatCompletionTool[] };
      const reqOpts = { ...requestOptions, signal };
      let completion: ChatCompletion;
      if (stream) {
        const s = await client.chat.completions.create({ ...wire, stream: true }, reqOpts);
        for await (const chunk of s) {
          const d = chunk.choices[0]?.delta;
          if (d?.reasoning_content) emit({ type: "reasoning-delta", step, text: d.reasoning_content });
          if (d?.content) emit({ type: "text-delta", step, text: d.content });
        }
        completion = await s.finalChatCompletion();
      } else {
        completion = await client.chat.completions.create({ ...wire, stream: false }, reqOpts);
        const m = completion.choices[0]?.message;
        if (m?.reasoning_content) emit({ type: "reasoning-delta", step, text: m.reasoning_content });
        if (m?.content) emit({ type: "text-delta", step, text: m.content });
      }
      for (const w of completion.warnings ?? []) warn(w);
      usage = addUsage(usage, completion.usage);
      const message = completion.choices[0]?.message;
      const calls = message?.tool_calls ?? [];
      const assistant: ChatCompletionMessageParam = { role: "assistant", content: message?.content ?? (calls.length ? null : "") };
      if (calls.length) assistant.tool_calls = calls;
      if (message?.reasoning_content) assistant.reasoning_content = message.reasoning_content;
      messages = [...messages, assistant];
      emit({ type: "step-finish", step, completion, usage: completion.usage });
      const record: StepRecord = { step, completion, toolResults: [], durationMs: 0 };
      steps.push(record);
      if (!calls.length) {
        record.durationMs = Date.now() - started;
        const fr = completion.choices[0]?.finish_reason;
        return finish(completion, fr === "length" || fr === "content_filter" ? fr : "stop");
      }
      for (const call of calls) emit({ type: "tool-call", step, toolCall: call, name: call.function.name });
      // A known tool the loop may not run (no execute): the caller answers it; the loop ends here.
      const external = calls.filter((c) => {
        const t = byName.get(c.function.name);
        return t !== undefined && (!isTool(t) || !t.execute);
      });
      if (external.length) {
        record.durationMs = Date.now() - started;
        return finish(completion, "tool-without-execute");
      }
      const before = messages;
      const results = await pool(calls, toolConcurrency, (call) => runCall(call, step, before));
      record.toolResults = results;
      record.durationMs = Date.now() - started;
      messages = [...messages, ...results.map((r): ChatCompletionMessageParam => ({ role: "tool", tool_call_id: r.toolCallId, content: r.result }))];
    }
  } catch (e) {
    if (signal.aborted && !(e instanceof AbortError && (e as AbortError).messages)) throw aborted(e);
    if (e instanceof AbortError) e.messages ??= messages;
    throw e;
  } finally {
    callerSignal?.removeEventListener("abort", onCallerAbort);
  }

  function finish(completion: ChatCompletion, finishReason: RunFinishReason): RunResult {
    const result: RunResult = { completion, messages, steps, usage, finishReason, warnings };
    emit({ type: "done", result });
    return result;
  }

  /** One tool call, start to result; never throws but for an abort. */
  async function runCall(call: ChatCompletionMessageToolCall, step: number, history: ChatCompletionMessageParam[]): Promise<ToolResultRecord> {
    const t0 = Date.now();
    const name = call.function.name;
    const done = (result: string, isError: boolean): ToolResultRecord => {
      const r: ToolResultRecord = { toolCallId: call.id, name, result, isError, durationMs: Date.now() - t0 };
      emit({ type: "tool-result", step, ...r });
      return r;
    };
    const t = byName.get(name);
    if (!t || !isTool(t) || !t.execute) return done(`Error: there is no tool named "${name}". Available tools: ${[...byName.keys()].join(", ")}.`, true);
    // Arguments: JSON, then the tool's schema. What is wrong goes back to the model so it can correct itself.
    let raw: unknown;
    try {
      raw = JSON.parse(call.function.arguments === "" ? "{}" : call.function.arguments);
    } catch (e) {
      return done(`Error: the arguments are not valid JSON (${showError(e)}). Call ${name} again with a JSON object.`, true);
    }
    const v = await t.validate(raw);
    if ("issues" in v) {
      const list = v.issues.slice(0, 10).map((i) => `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`).join("; ");
      return done(`Error: invalid arguments for ${name}: ${list}. Call it again with corrected arguments.`, true);
    }
    const ctx: ToolContext = { toolCallId: call.id, signal, messages: history };
    const needs = typeof t.needsApproval === "function" ? await t.needsApproval(v.value as never, ctx) : t.needsApproval === true;
    if (needs) {
      const answer = await askApproval({ id: call.id, toolCall: call, tool: t, args: v.value, step });
      if (!answer.approved) return done(`The user did not approve this call of ${name}${answer.reason ? ` (${answer.reason})` : ""}. Do not retry it unless asked.`, true);
    }
    try {
      const out = await abortable(Promise.resolve().then(() => t.execute!(v.value as never, ctx)), signal);
      return done(serialise(out), false);
    } catch (e) {
      if (signal.aborted) throw aborted(e);
      return done(`Error: ${name} failed: ${showError(e)}`, true);
    }
  }

  async function askApproval(request: ApprovalRequest): Promise<{ approved: boolean; reason?: string }> {
    emit({ type: "approval-request", step: request.step, request });
    if (!approve) return { approved: false, reason: "no approval callback was given" };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), approvalTimeout)));
    try {
      const answer = await abortable(Promise.race([Promise.resolve().then(() => approve!(request)), timeout]), signal);
      if (answer === "timeout") {
        emit({ type: "approval-timeout", step: request.step, toolCallId: request.id, name: request.tool.name });
        return { approved: false, reason: "timeout" };
      }
      if (typeof answer === "boolean") return { approved: answer };
      if (answer && typeof answer === "object" && typeof answer.approved === "boolean") return answer.reason === undefined ? { approved: answer.approved } : { approved: answer.approved, reason: answer.reason };
      return { approved: false, reason: "the approval callback gave no answer" };
    } catch (e) {
      if (signal.aborted) throw aborted(e);
      return { approved: false, reason: `the approval callback failed: ${showError(e)}` };
    } finally {
      clearTimeout(timer);
    }
  }
}
