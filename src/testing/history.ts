/**
 * How a server checks the conversation a chat request carries: tool results paired with the calls they
 * answer, the order of roles, where system messages may stand. Each dialect lists the checks its
 * server makes (`DialectHabits.history`), in the order it makes them, with its own words for each
 * refusal; the first that fails answers the request. Pure: no Node APIs.
 */

/** A refusal of a history, as the server words it (sent in the dialect's error shape). */
export interface HistoryRefusal {
  status: number;
  message: string;
  type?: string;
  param?: string;
  code?: string;
}

interface CheckBase {
  /**
   * The check is made only for models whose name matches: where the model's chat template or tokenizer
   * makes it rather than the server (vLLM serving a Mistral model through mistral_common, a Qwen 3.5 template).
   */
  models?: RegExp;
}

/** A `tool` message without `tool_call_id` is refused (a schema check, made before the others). */
export interface ToolCallIdRequired extends CheckBase {
  kind: "tool-call-id-required";
  refuse(at: number): HistoryRefusal;
}

/** A tool call whose `function.arguments` is not a string is refused (a schema check). */
export interface ArgumentsString extends CheckBase {
  kind: "arguments-string";
  refuse(at: number, call: number, got: string): HistoryRefusal;
}

/**
 * Results paired with calls by id (OpenAI): the tool messages right after an assistant `tool_calls`
 * turn must answer its calls, each call must be answered before the next other message (or the end).
 */
export interface ResultsById extends CheckBase {
  kind: "results-by-id";
  /** A tool message with no assistant `tool_calls` turn right before it (other tool messages aside). */
  orphan(at: number): HistoryRefusal;
  /** A tool message whose id is none of that turn's calls [`orphan`]. */
  unknownId?(at: number, id: string): HistoryRefusal;
  /** The calls of the turn at `at` that got no tool message. */
  unanswered(at: number, ids: string[]): HistoryRefusal;
}

/**
 * Results counted, not matched (mistral_common's `_validate_tool_calls_followed_by_tool_messages`): each
 * assistant message resets the count of tool messages expected; it must have reached zero by then, and,
 * with `atEnd`, at the end of the conversation.
 */
export interface ResultsCounted extends CheckBase {
  kind: "results-counted";
  atEnd: boolean;
  refuse(at: number): HistoryRefusal;
}

/** Which role may follow which (mistral_common's `_validate_message_order`); the first message may be any. */
export interface RoleOrder extends CheckBase {
  kind: "role-order";
  allowedAfter: Readonly<Record<string, readonly string[]>>;
  refuse(previous: string, next: string, at: number): HistoryRefusal;
}

/** A system message anywhere but first is refused (Qwen 3.5's chat template). */
export interface SystemFirst extends CheckBase {
  kind: "system-first";
  refuse(at: number): HistoryRefusal;
}

/** One check a server makes on a request's messages. */
export type HistoryCheck = ToolCallIdRequired | ArgumentsString | ResultsById | ResultsCounted | RoleOrder | SystemFirst;

type Msg = Record<string, any>;
const isObj = (v: unknown): v is Msg => typeof v === "object" && v !== null && !Array.isArray(v);
const role = (m: unknown): string | undefined => (isObj(m) && typeof m.role === "string" ? m.role : undefined);
const calls = (m: unknown): unknown[] | undefined =>
  isObj(m) && m.role === "assistant" && Array.isArray(m.tool_calls) && m.tool_calls.length > 0 ? m.tool_calls : undefined;
/** JSON's name for the type of a value, as servers say "got an object". */
const jsonType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "object" ? "object" : typeof v);

/**
 * The first refusal the checks give for these messages, or undefined when the server takes them.
 * Checks whose `models` does not match `model` are skipped.
 *
 * @example
 * checkHistory([{ role: "user", content: "hi" }, { role: "tool", tool_call_id: "x", content: "42" }], dialects.openai.history!);
 * // { status: 400, message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", … }
 */
export function checkHistory(messages: readonly unknown[], checks: readonly HistoryCheck[], model?: string): HistoryRefusal | undefined {
  for (const check of checks) {
    if (check.models && !check.models.test(model ?? "")) continue;
    const refusal = run(check, messages);
    if (refusal) return refusal;
  }
  return undefined;
}

function run(check: HistoryCheck, messages: readonly unknown[]): HistoryRefusal | undefined {
  switch (check.kind) {
    case "tool-call-id-required":
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i];
        if (role(m) === "tool" && typeof (m as Msg).tool_call_id !== "string") return check.refuse(i);
      }
      return undefined;
    case "arguments-string":
      for (let i = 0; i < messages.length; i++) {
        const cs = calls(messages[i]) ?? [];
        for (let k = 0; k < cs.length; k++) {
          const args = isObj(cs[k]) && isObj((cs[k] as Msg).function) ? (cs[k] as Msg).function.arguments : undefined;
          if (typeof args !== "string") return check.refuse(i, k, jsonType(args));
        }
      }
      return undefined;
    case "results-by-id":
      return resultsById(check, messages);
    case "results-counted": {
      let expected = 0;
      for (let i = 0; i < messages.length; i++) {
        const r = role(messages[i]);
        if (i === 0) continue; // mistral_common skips the first message
        if (r === "tool") expected--;
        else if (r === "assistant") {
          if (expected !== 0) return check.refuse(i);
          expected = calls(messages[i])?.length ?? 0;
        }
      }
      return check.atEnd && expected !== 0 ? check.refuse(messages.length - 1) : undefined;
    }
    case "role-order":
      for (let i = 1; i < messages.length; i++) {
        const prev = role(messages[i - 1]) ?? "";
        const next = role(messages[i]) ?? "";
        const allowed = check.allowedAfter[prev];
        if (allowed && !allowed.includes(next)) return check.refuse(prev, next, i);
      }
      return undefined;
    case "system-first":
      for (let i = 1; i < messages.length; i++) if (role(messages[i]) === "system") return check.refuse(i);
      return undefined;
  }
}

function resultsById(check: ResultsById, messages: readonly unknown[]): HistoryRefusal | undefined {
  let open: { at: number; ids: string[]; answered: Set<string> } | undefined;
  const pending = () => (open ? open.ids.filter((id) => !open!.answered.has(id)) : []);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (role(m) === "tool") {
      if (!open) return check.orphan(i);
      const id = (m as Msg).tool_call_id;
      if (typeof id !== "string" || !open.ids.includes(id)) return check.unknownId ? check.unknownId(i, String(id)) : check.orphan(i);
      open.answered.add(id);
      continue;
    }
    const left = pending();
    if (open && left.length) return check.unanswered(open.at, left);
    const cs = calls(m);
    open = cs ? { at: i, ids: cs.map((c) => String(isObj(c) ? c.id : undefined)), answered: new Set() } : undefined;
  }
  const left = pending();
  return open && left.length ? check.unanswered(open.at, left) : undefined;
}
