import type { ProviderCapabilities } from "../providers/preset.js";
import type { ChatCompletionContentPart, ChatCompletionMessageParam, LlmWarning, LlmWarningType } from "../types.js";

/**
 * Capabilities the repair reads beyond today's `ProviderCapabilities` (proposed for it; a preset that
 * sets them is honoured as soon as they exist there).
 */
export interface RepairCapabilities extends ProviderCapabilities {
  /** The server takes system messages anywhere in the conversation, not only one, first [false]. */
  systemAnywhere?: boolean;
  /** After tool results the server wants an assistant message before a user or system message (Mistral) [false]. */
  assistantAfterToolResults?: boolean;
}

/** Options of `repairMessages`. */
export interface RepairOptions {
  /** The preset (or its capabilities) the history is for: decides mid-conversation system messages and tool-turn content. */
  provider?: { id?: string; capabilities?: RepairCapabilities };
  /** Keep system messages wherever they are [the preset's `systemAnywhere`, else false]. */
  allowMidSystem?: boolean;
  /**
   * Where a system message that cannot stay goes: appended to the first message, the system message
   * (`"merge"`), or turned into a user note where it stood (`"user"`) ["merge"].
   */
  midSystem?: "merge" | "user";
  /** Put an assistant message between tool results and a following user or system message [the preset's `assistantAfterToolResults`, else false]. */
  assistantAfterToolResults?: boolean;
  /**
   * Leave the calls of the last turn without results, when nothing but its results follows it: a tool
   * loop about to run them wants them pending, not answered "no result was recorded" [false].
   */
  keepPendingCalls?: boolean;
}

/** What `repairMessages` returns. */
export interface RepairResult {
  messages: ChatCompletionMessageParam[];
  /** One per change, saying what and why (type "history-repaired"), in order. Empty when the history was valid. */
  warnings: LlmWarning[];
}

/** The content of a tool message added for a call that got none. */
export const MISSING_RESULT = "no result was recorded for this call";
/** The content of the assistant message put between tool results and a user message, where the server wants one. */
export const RESULTS_RECEIVED = "[tool results received]";

const HISTORY_REPAIRED: LlmWarningType = "history-repaired";

type Msg = Record<string, any>;
type Content = string | ChatCompletionContentPart[];

interface Call {
  /** The call object as it goes out. */
  value: Msg;
  id: string;
  /** The id the caller gave, when it was renamed (a duplicate) or absent (""). */
  given?: string;
  name: string;
  /** The result bound to it: its position in the turn's results. */
  result?: number;
}

const isObj = (v: unknown): v is Msg => typeof v === "object" && v !== null && !Array.isArray(v);
const isInstruction = (m: unknown) => isObj(m) && (m.role === "system" || m.role === "developer");
/** An id as given: strings as they are, numbers as text; anything else, or "", is no id. */
const idOf = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : undefined);
const hasCalls = (m: unknown): boolean => isObj(m) && m.role === "assistant" && Array.isArray(m.tool_calls) && m.tool_calls.length > 0;

function isEmpty(content: unknown): boolean {
  if (content == null) return true;
  if (typeof content === "string") return content.trim() === "";
  if (Array.isArray(content)) return content.every((p) => isObj(p) && p.type === "text" && (typeof p.text !== "string" || p.text.trim() === ""));
  return false;
}

/** Text or parts, as the wire takes them: `null` is "", anything else is its JSON. */
function asContent(content: unknown): Content {
  if (typeof content === "string" || Array.isArray(content)) return content as Content;
  if (content == null) return "";
  return json(content);
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** `label` and the content after it, as one content: a string, or parts led by the label. */
function labelled(label: string, content: unknown): Content {
  const c = asContent(content);
  return typeof c === "string" ? `${label} ${c}` : [{ type: "text", text: label }, ...c];
}

function joinContent(a: unknown, b: unknown): Content {
  const x = asContent(a);
  const y = asContent(b);
  if (typeof x === "string" && typeof y === "string") return x === "" ? y : `${x}\n\n${y}`;
  const parts = (c: Content): ChatCompletionContentPart[] => (typeof c === "string" ? (c === "" ? [] : [{ type: "text", text: c }]) : c);
  return [...parts(x), ...(parts(x).length ? [{ type: "text" as const, text: "\n\n" }] : []), ...parts(y)];
}

const sameContent = (a: unknown, b: unknown) => json(asContent(a)) === json(asContent(b));

/**
 * Make a stored chat history one that strict servers take, changing as little as possible and saying
 * what changed. Pure and deterministic: `messages` is never mutated, and a history that is already valid
 * comes back equal (the same message objects), with no warnings. Repairing a repaired history changes
 * nothing more.
 *
 * A *tool-call turn* is an assistant message with a non-empty `tool_calls`; its *results* are the `tool`
 * messages that come right after it (system messages among them aside, see below). The rules, in the
 * order they apply:
 *
 * 1. **Calls.** A call that is not an object or has no function name is dropped (a server cannot take
 *    it). `function.arguments` that is not a string is sent as its JSON (`null`/absent as `"{}"`);
 *    a missing `type` becomes `"function"`. A call without an id, or with the id of an earlier call of
 *    the same turn, gets a fresh one: `call` followed by the turn's index (3 base-36 digits) and the
 *    call's (2): nine letters and digits, which every server's id rules take (Mistral's included), and
 *    the same for the same history. Ids repeated across *different* turns are left alone: each result
 *    pairs with its own turn.
 * 2. **Results, by id.** A result whose `tool_call_id` names a call of its turn answers it; with a
 *    duplicated id, the first such result answers the first such call, the next the renamed one (and
 *    gets its new id).
 * 3. **Results without a usable id** (none, `""`, or an id no call anywhere in the history has) are
 *    matched when that is unambiguous: among the calls still unanswered (narrowed to the tool message's
 *    `name`, when it has one), the call at the result's own position in the turn, else the only one
 *    left. A result whose id names a call of *another* turn is not re-paired: it is that call's late
 *    result.
 * 4. **Results that answer nothing** (a tool message after no tool-call turn, like those of a turn
 *    re-sent without its `tool_calls`; an ambiguous one; a second, different result for an answered
 *    call) become a user note where they stood, after the turn's results:
 *    `[tool result for <function name, else id>]: <content>`, so nothing said is lost. One that is
 *    empty, or repeats the answer already given word for word, is dropped.
 * 5. **Calls left unanswered** get a tool message each, after the turn's results:
 *    `"no result was recorded for this call"` (with `keepPendingCalls`, not those of a last turn that
 *    nothing but its results follows).
 * 6. **System messages.** Unless the preset takes them anywhere (`systemAnywhere`, or
 *    `allowMidSystem: true`), only the first message may be a system (or developer) message, and only
 *    one: every other one is appended to it, after a blank line (one is put first if the history had
 *    none); with `midSystem: "user"` those after the conversation began become user notes in place
 *    (`[system]: …`) instead, kept after any tool results they interrupted. Servers that take one leading
 *    system message all take this; an instruction keeps its authority rather than its position. Kept
 *    system messages that interrupted tool results are moved after them.
 * 7. **Content.** A tool message whose content is not text or parts gets its JSON (`null`: `""`). An
 *    assistant message with no tool calls and `content: null` gets `""`; an empty `tool_calls` array is
 *    removed. A tool-call turn without text gets what the preset's `toolCallTurnContent` (Q6) asks:
 *    `""` or `null`.
 * 8. Where the preset says `assistantAfterToolResults` (Mistral), an assistant message
 *    `"[tool results received]"` is put between tool results and a user or system message.
 *
 * Messages that are not objects with a known role are passed through untouched.
 *
 * @example
 * const { messages, warnings } = repairMessages(stored, { provider: presets.groq });
 * for (const w of warnings) log.info(w.message);
 */
export function repairMessages(messages: ChatCompletionMessageParam[], options: RepairOptions = {}): RepairResult {
  const input = messages as unknown as unknown[];
  const caps = options.provider?.capabilities ?? {};
  const keepSystem = options.allowMidSystem ?? caps.systemAnywhere ?? false;
  const systemAsUser = options.midSystem === "user";
  const bridge = options.assistantAfterToolResults ?? caps.assistantAfterToolResults ?? false;
  const turnContent = caps.toolCallTurnContent ?? "keep";
  const warnings: LlmWarning[] = [];
  const warn = (at: number | undefined, message: string) =>
    warnings.push({ type: HISTORY_REPAIRED, param: at === undefined ? "messages" : `messages[${at}]`, message: at === undefined ? message : `messages[${at}]: ${message}` });

  // Every call id in the history, with its function name and turn: for notes, and to tell a stray
  // result of another turn from one whose id was lost.
  const callTurn = new Map<string, number>();
  const callName = new Map<string, string>();
  const taken = new Set<string>();
  input.forEach((m, i) => {
    if (!hasCalls(m)) return;
    for (const c of (m as Msg).tool_calls as unknown[]) {
      const id = isObj(c) ? idOf(c.id) : undefined;
      if (id === undefined) continue;
      taken.add(id);
      if (!callTurn.has(id)) callTurn.set(id, i);
      const name = isObj(c) && isObj(c.function) ? c.function.name : undefined;
      if (typeof name === "string" && name && !callName.has(id)) callName.set(id, name);
    }
  });
  for (const m of input) if (isObj(m) && m.role === "tool" && idOf(m.tool_call_id)) taken.add(idOf(m.tool_call_id)!);
  const freshId = (at: number, k: number): string => {
    const base = `call${at.toString(36).padStart(3, "0")}${k.toString(36).padStart(2, "0")}`;
    let id = base;
    for (let n = 1; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    return id;
  };

  const out: unknown[] = [];
  // The leading system message and what is appended to it.
  let head: { msg: Msg; added: unknown[]; created: boolean } | undefined;
  let i = 0;
  if (isInstruction(input[0])) {
    head = { msg: input[0] as Msg, added: [], created: false };
    out.push(input[0]);
    i = 1;
  }

  const note = (label: string, content: unknown): Msg => ({ role: "user", content: labelled(label, content) });

  // System messages right after the first one, before the conversation begins, are merged even with
  // `midSystem: "user"`: there is no turn to keep them beside.
  let leadEnd = 0;
  while (leadEnd < input.length && isInstruction(input[leadEnd])) leadEnd++;

  /** A system message other than the first message, at `at`; `after`: the tool-call turn whose results it interrupted. */
  const instruction = (at: number, m: Msg, after?: number) => {
    const where = after === undefined ? "" : ` (it stood among the results of the tool-call turn at messages[${after}])`;
    if (keepSystem) {
      if (after !== undefined) warn(at, `${m.role} message moved after the tool results it interrupted`);
      out.push(m);
      return;
    }
    if (isEmpty(m.content)) {
      warn(at, `empty ${m.role} message dropped${where}`);
      return;
    }
    if (systemAsUser && at >= leadEnd) {
      out.push(note("[system]:", m.content));
      warn(at, `${m.role} message turned into a user note: the server takes a system message only first${where}`);
      return;
    }
    if (!head) {
      head = { msg: { role: m.role, content: m.content }, added: [], created: true };
      warn(at, `${m.role} message moved to the start: the server takes a system message only first${where}`);
      return;
    }
    head.added.push(m.content);
    warn(at, `${m.role} message appended to the ${head.created ? "system message put first" : "first message"}: the server takes one system message, first${where}`);
  };

  /** A tool message that answers nothing: a note, or nothing when it says nothing. */
  const stray = (at: number, m: Msg, why: string, notes: unknown[]) => {
    const id = idOf(m.tool_call_id);
    const label = (typeof m.name === "string" && m.name) || (id && callName.get(id)) || id || "an unknown call";
    if (isEmpty(m.content)) {
      warn(at, `empty tool result dropped: ${why}`);
      return;
    }
    notes.push(note(`[tool result for ${label}]:`, m.content));
    warn(at, `tool result turned into a user note: ${why}`);
  };

  while (i < input.length) {
    const m = input[i];
    if (!isObj(m) || typeof m.role !== "string") {
      out.push(m);
      i++;
      continue;
    }
    if (isInstruction(m)) {
      instruction(i, m);
      i++;
      continue;
    }
    if (m.role === "tool") {
      const notes: unknown[] = [];
      stray(i, m, "no assistant message with tool_calls comes right before it", notes);
      out.push(...notes);
      i++;
      continue;
    }
    if (hasCalls(m)) {
      let j = i + 1;
      const results: number[] = [];
      const held: number[] = [];
      while (j < input.length && ((isObj(input[j]) && (input[j] as Msg).role === "tool") || isInstruction(input[j]))) {
        ((input[j] as Msg).role === "tool" ? results : held).push(j);
        j++;
      }
      // System messages after the last result did not interrupt anything: they are taken in turn below.
      j = (results.at(-1) ?? i) + 1;
      while (held.length && held.at(-1)! >= j) held.pop();
      turn(i, m, results, j === input.length);
      for (const k of held) instruction(k, input[k] as Msg, i);
      i = j;
      continue;
    }
    if (m.role === "assistant") {
      let n = m;
      if (m.tool_calls !== undefined && !hasCalls(m)) {
        const { tool_calls: _t, ...rest } = n;
        n = rest;
        warn(i, `tool_calls ${Array.isArray(m.tool_calls) ? "that was empty" : `that was ${m.tool_calls === null ? "null" : "not a list"}`} removed`);
      }
      if (n.content == null) {
        n = { ...n, content: "" };
        warn(i, "assistant message without tool calls or content given content \"\"");
      }
      out.push(n);
      i++;
      continue;
    }
    out.push(m);
    i++;
  }

  function turn(at: number, m: Msg, resultAt: number[], last: boolean) {
    // 1. The calls.
    const calls: Call[] = [];
    const seen = new Set<string>();
    let callsChanged = false;
    (m.tool_calls as unknown[]).forEach((c, k) => {
      const fn = isObj(c) ? c.function : undefined;
      if (!isObj(c) || !isObj(fn) || typeof fn.name !== "string" || fn.name === "") {
        warn(at, `tool call ${k} dropped: it has no function name`);
        callsChanged = true;
        return;
      }
      let value = c;
      if (typeof fn.arguments !== "string") {
        const args = fn.arguments == null ? "{}" : json(fn.arguments);
        value = { ...value, function: { ...fn, arguments: args } };
        warn(at, `tool call ${k} (${fn.name}): arguments given as ${fn.arguments === null ? "null" : typeof fn.arguments} sent as the string ${args.length > 60 ? `${args.slice(0, 57)}...` : args}`);
      }
      if (c.type === undefined) {
        value = { ...value, type: "function" };
        warn(at, `tool call ${k} (${fn.name}): type "function" added`);
      }
      const given = idOf(c.id);
      let id = given;
      if (id === undefined || seen.has(id)) {
        id = freshId(at, k);
        warn(at, given === undefined ? `tool call ${k} (${fn.name}) had no id; given ${id}` : `tool call ${k} (${fn.name}) repeated the id ${given} of an earlier call of its turn; renamed ${id}`);
      }
      seen.add(id);
      if (id !== c.id) {
        value = { ...value, id };
        if (id === given) warn(at, `tool call ${k} (${fn.name}): id ${json(c.id)} sent as the string "${id}"`);
      }
      if (value !== c) callsChanged = true;
      calls.push({ value, id, given: id === given ? undefined : (given ?? ""), name: fn.name });
    });

    // 2. and 3. Bind the results.
    const results = resultAt.map((r) => input[r] as Msg);
    const bound: (Call | undefined)[] = results.map(() => undefined);
    const unanswered = () => calls.filter((c) => c.result === undefined);
    results.forEach((r, p) => {
      const id = idOf(r.tool_call_id);
      if (id === undefined) return;
      const call = unanswered().find((c) => c.id === id) ?? unanswered().find((c) => c.given === id);
      if (call) {
        call.result = p;
        bound[p] = call;
      }
    });
    const notes: unknown[] = [];
    const dropped = new Set<number>();
    const matched = new Set<number>();
    results.forEach((r, p) => {
      if (bound[p]) return;
      const at2 = resultAt[p]!;
      const id = idOf(r.tool_call_id);
      const mine = id !== undefined && calls.find((c) => c.id === id || c.given === id);
      if (mine) {
        const first = results[mine.result!]!;
        dropped.add(p);
        if (isEmpty(r.content) || sameContent(first.content, r.content)) {
          warn(at2, `repeated tool result for ${id} dropped: messages[${resultAt[mine.result!]}] already answers it with the same content`);
        } else stray(at2, r, `${id} is already answered by messages[${resultAt[mine.result!]}]; this later, different result is kept as a note`, notes);
        return;
      }
      if (id !== undefined && callTurn.has(id) && callTurn.get(id) !== at) {
        dropped.add(p);
        stray(at2, r, `${id} is a call of the turn at messages[${callTurn.get(id)}], not of the turn at messages[${at}]`, notes);
        return;
      }
      const name = typeof r.name === "string" && r.name ? r.name : undefined;
      const candidates = unanswered().filter((c) => name === undefined || c.name === name);
      const call = candidates.includes(calls[p]!) ? calls[p] : candidates.length === 1 ? candidates[0] : undefined;
      const had = id === undefined ? "no tool_call_id" : `the tool_call_id ${id}, which no call has`;
      if (!call) {
        dropped.add(p);
        const why = candidates.length === 0 ? `it has ${had} and every call of the turn at messages[${at}]${name ? ` named ${name}` : ""} is answered` : `it has ${had} and could answer any of ${candidates.map((c) => c.id).join(", ")}`;
        stray(at2, r, why, notes);
        return;
      }
      call.result = p;
      bound[p] = call;
      matched.add(p);
      const how = candidates.length === 1 ? "the only call still unanswered" : "the call at its position";
      warn(at2, `tool result with ${had} answers ${call.id} (${call.name}), ${how}${name ? ` named ${name}` : ""} of the turn at messages[${at}]`);
    });

    if (calls.length === 0) {
      // Nothing left to answer: the turn is a plain assistant message; its results were all made notes above.
      const { tool_calls: _t, ...rest } = m;
      out.push(rest.content == null ? { ...rest, content: "" } : rest);
      out.push(...notes);
      return;
    }

    // 7. The turn's own content.
    let turnMsg: Msg = callsChanged ? { ...m, tool_calls: calls.map((c) => c.value) } : m;
    if (m.content == null || m.content === "") {
      const want = turnContent === "empty-string" ? "" : turnContent === "null" ? null : undefined;
      if (want !== undefined && m.content !== want) {
        turnMsg = { ...turnMsg, content: want };
        warn(at, `content of the tool-call turn sent as ${want === null ? "null" : '""'}, as ${options.provider?.id ?? "the preset"} wants (Q6)`);
      }
    }
    out.push(turnMsg);

    results.forEach((r, p) => {
      if (dropped.has(p)) return;
      const call = bound[p]!;
      let t = r;
      if (r.tool_call_id !== call.id) {
        t = { ...t, tool_call_id: call.id };
        if (call.given && idOf(r.tool_call_id) === call.given) warn(resultAt[p], `tool_call_id ${call.given} renamed ${call.id}, as its call was`);
        else if (!matched.has(p)) warn(resultAt[p], `tool_call_id ${json(r.tool_call_id)} sent as the string "${call.id}"`);
      }
      if (typeof r.content !== "string" && !Array.isArray(r.content)) {
        t = { ...t, content: asContent(r.content) };
        warn(resultAt[p], `tool result content given as ${r.content === null ? "null" : typeof r.content} sent as ${r.content == null ? '""' : "its JSON"}`);
      }
      out.push(t);
    });
    // 5. Calls left without results.
    if (!(last && options.keepPendingCalls)) {
      for (const c of unanswered()) {
        out.push({ role: "tool", tool_call_id: c.id, content: MISSING_RESULT });
        warn(at, `tool call ${c.id} (${c.name}) had no result; "${MISSING_RESULT}" added`);
      }
    }
    out.push(...notes);
  }

  if (head && (head.added.length || head.created)) {
    let content: unknown = head.msg.content;
    for (const c of head.added) content = joinContent(content, c);
    const merged = { ...head.msg, content };
    if (head.created) out.unshift(merged);
    else out[0] = merged;
  }

  // 8. An assistant message between tool results and what the server will not take after them.
  if (bridge) {
    for (let k = out.length - 2; k >= 0; k--) {
      const a = out[k];
      const b = out[k + 1];
      if (isObj(a) && a.role === "tool" && isObj(b) && typeof b.role === "string" && b.role !== "tool" && b.role !== "assistant") {
        out.splice(k + 1, 0, { role: "assistant", content: RESULTS_RECEIVED });
        warn(undefined, `"${RESULTS_RECEIVED}" put between tool results and the ${b.role} message after them: ${options.provider?.id ?? "the server"} wants an assistant message there`);
      }
    }
  }

  const same = out.length === input.length && out.every((m, k) => m === input[k]);
  return { messages: (same ? [...input] : out) as ChatCompletionMessageParam[], warnings };
}
