import type { ChatCompletionChunkToolCall } from "../types.js";

interface CallState {
  out: number;
  id: string | undefined;
  name: string | undefined;
  rawIndex: number | undefined;
  announced: boolean;
  /** Argument text received before the name was known (T4). */
  held: string;
}

let idCounter = 0;
/** A tool-call id for servers that send none (some Ollama/Gemini layers). */
export function synthesizeToolCallId(): string {
  idCounter = (idCounter + 1) % 0x7fffffff;
  return "call_" + Math.random().toString(36).slice(2, 10) + idCounter.toString(36);
}

/** Tool arguments as a string, whatever the server sent (T6 objects, T8 null). */
export function argumentsText(args: unknown): string {
  if (typeof args === "string") return args;
  if (args === null || args === undefined) return "";
  return JSON.stringify(args);
}

/**
 * Correlates one choice's tool-call deltas into calls with stable, dense indices, and
 * re-emits them in OpenAI's canonical form: the first delta of a call carries `id`, `type`
 * and `function.name`, later ones only argument text.
 *
 * Precedence (architecture notes): `id` when present, then `index`, then the single unfinished call.
 * T1: no `index` → by id, else by position. T2: a new id at a used index starts a new call.
 * T3: name and id repeated in every delta are overwritten, never concatenated.
 * T4: argument text before the name is held until the name arrives. T6: object arguments are serialised.
 */
export class ToolCallCorrelator {
  private readonly calls: CallState[] = [];
  private readonly byId = new Map<string, CallState>();
  private readonly byRawIndex = new Map<number, CallState>();

  get seen(): boolean {
    return this.calls.length > 0;
  }

  /** Normalise one delta's `tool_calls`; returns the canonical fragments to emit (possibly none). */
  push(deltas: unknown[]): ChatCompletionChunkToolCall[] {
    // Fast path, the common case of long argument streams: one fragment of an announced call that is
    // already canonical (index, string arguments, no id or name). Reused as is: no allocation per fragment.
    if (deltas.length === 1) {
      const tc = deltas[0] as Record<string, any> | null;
      const fn = tc?.function;
      if (tc && tc.id === undefined && typeof tc.index === "number" && fn && fn.name === undefined && typeof fn.arguments === "string" && tc.type === undefined) {
        const call = this.byRawIndex.get(tc.index);
        if (call?.announced) {
          if (fn.arguments === "") return [];
          tc.index = call.out;
          return deltas as ChatCompletionChunkToolCall[];
        }
      }
    }
    const out: ChatCompletionChunkToolCall[] = [];
    for (const d of deltas) {
      if (!d || typeof d !== "object") continue;
      const tc = d as Record<string, any>;
      const id = typeof tc.id === "string" && tc.id !== "" ? tc.id : undefined;
      const rawIndex = typeof tc.index === "number" ? tc.index : undefined;
      const fn = tc.function;
      const name = fn && typeof fn.name === "string" && fn.name !== "" ? fn.name : undefined;
      const args = argumentsText(fn?.arguments);
      const call = this.find(id, rawIndex, name);
      if (name !== undefined) call.name = name;
      if (id !== undefined && call.id === undefined) call.id = id;
      if (!call.announced) {
        if (call.name === undefined) {
          call.held += args;
          continue;
        }
        call.announced = true;
        call.id ??= synthesizeToolCallId();
        out.push({ index: call.out, id: call.id, type: "function", function: { name: call.name, arguments: call.held + args } });
        call.held = "";
      } else if (args !== "") {
        out.push({ index: call.out, function: { arguments: args } });
      }
    }
    return out;
  }

  /** The stream ended: announce calls whose name never came, so no argument text is lost. */
  flush(): ChatCompletionChunkToolCall[] {
    const out: ChatCompletionChunkToolCall[] = [];
    for (const call of this.calls) {
      if (call.announced) continue;
      call.announced = true;
      call.id ??= synthesizeToolCallId();
      out.push({ index: call.out, id: call.id, type: "function", function: { name: call.name ?? "", arguments: call.held } });
    }
    return out;
  }

  private find(id: string | undefined, rawIndex: number | undefined, name: string | undefined): CallState {
    let call: CallState | undefined;
    if (id !== undefined) {
      call = this.byId.get(id);
      if (!call && rawIndex !== undefined) {
        const atIndex = this.byRawIndex.get(rawIndex);
        // The id arrived after the first fragment of this call (T4-like); T2 if it had another id.
        if (atIndex && atIndex.id === undefined) call = atIndex;
      }
    } else if (rawIndex !== undefined) {
      call = this.byRawIndex.get(rawIndex);
    } else {
      // T1 with neither id nor index: continue the last call, unless this names a new one.
      const last = this.calls[this.calls.length - 1];
      if (last && !(name !== undefined && last.name !== undefined)) call = last;
    }
    if (!call) {
      call = { out: this.calls.length, id: undefined, name: undefined, rawIndex, announced: false, held: "" };
      this.calls.push(call);
    }
    if (id !== undefined) this.byId.set(id, call);
    if (rawIndex !== undefined) this.byRawIndex.set(rawIndex, call);
    return call;
  }
}
