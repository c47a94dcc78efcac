import type { ChatCompletion, ChatCompletionMessageParam, ChatCompletionMessageToolCall, CompletionUsage, LlmWarning } from "../types.js";
import type { Tool } from "../structured/tool.js";

/** What `approve` is asked: which call, of which tool, with which (validated) arguments. */
export interface ApprovalRequest {
  /** The tool call's id. */
  id: string;
  toolCall: ChatCompletionMessageToolCall;
  tool: Tool;
  args: unknown;
  /** The step (model call) that made the call, from 1. */
  step: number;
}

/** `approve`'s answer: yes, no, or no with a reason the model is told. */
export type ApprovalAnswer = boolean | { approved: boolean; reason?: string };

/** One tool call's outcome. */
export interface ToolResultRecord {
  toolCallId: string;
  name: string;
  /** What the model is sent (a string; JSON for other values). */
  result: string;
  /** The call failed: bad arguments, a throwing tool, a denial, an unknown tool. */
  isError: boolean;
  durationMs: number;
}

/** One model call of the loop and what followed it. */
export interface StepRecord {
  step: number;
  completion: ChatCompletion;
  toolResults: ToolResultRecord[];
  durationMs: number;
}

/** Why the loop ended. */
export type RunFinishReason = "stop" | "length" | "content_filter" | "tool-without-execute" | "max-steps";

/** What `run.done()` resolves. */
export interface RunResult {
  /** The last model call's completion. */
  completion: ChatCompletion;
  /** The whole history, valid to store and send again: the input (repaired), every assistant turn, every tool result. */
  messages: ChatCompletionMessageParam[];
  steps: StepRecord[];
  /** Summed over every step. */
  usage: CompletionUsage | undefined;
  finishReason: RunFinishReason;
  warnings: LlmWarning[];
}

/** What a tool loop reports as it runs, in order. */
export type RunEvent =
  | { type: "step-start"; step: number }
  | { type: "text-delta"; step: number; text: string }
  | { type: "reasoning-delta"; step: number; text: string }
  | { type: "tool-call"; step: number; toolCall: ChatCompletionMessageToolCall; name: string }
  | { type: "approval-request"; step: number; request: ApprovalRequest }
  | { type: "approval-timeout"; step: number; toolCallId: string; name: string }
  | ({ type: "tool-result"; step: number } & ToolResultRecord)
  | { type: "step-finish"; step: number; completion: ChatCompletion; usage: CompletionUsage | undefined }
  | { type: "warning"; warning: LlmWarning }
  | { type: "done"; result: RunResult };

/** The event of a given type. */
export type RunEventOf<T extends RunEvent["type"]> = Extract<RunEvent, { type: T }>;

/**
 * An ordered event queue: `emit` never blocks and never drops (a slow consumer only makes it grow),
 * listeners hear each event as it happens, one iterator reads them in order.
 */
export class EventQueue {
  private readonly buffer: RunEvent[] = [];
  private waiting: ((r: IteratorResult<RunEvent>) => void) | undefined;
  private closed = false;
  private failure: { error: unknown } | undefined;
  private readonly listeners = new Map<string, ((e: RunEvent) => void)[]>();

  on(type: string, fn: (e: RunEvent) => void): void {
    const list = this.listeners.get(type) ?? [];
    list.push(fn);
    this.listeners.set(type, list);
  }

  emit(e: RunEvent): void {
    for (const fn of this.listeners.get(e.type) ?? []) fn(e);
    for (const fn of this.listeners.get("*") ?? []) fn(e);
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: e, done: false });
    } else this.buffer.push(e);
  }

  /** No more events; `error` ends the iteration with it after the buffered ones. */
  close(error?: { error: unknown }): void {
    this.closed = true;
    this.failure = error;
    if (this.waiting && !this.buffer.length) {
      const w = this.waiting;
      this.waiting = undefined;
      if (error) this.pendingReject?.(error.error);
      else w({ value: undefined, done: true });
    }
  }

  private pendingReject: ((e: unknown) => void) | undefined;

  next(): Promise<IteratorResult<RunEvent>> {
    const e = this.buffer.shift();
    if (e) return Promise.resolve({ value: e, done: false });
    if (this.closed) return this.failure ? Promise.reject(this.failure.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.pendingReject = reject;
    });
  }
}
