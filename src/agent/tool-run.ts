import { LlmError } from "../errors.js";
import { EventQueue, type RunEvent, type RunEventOf, type RunResult } from "./events.js";

/**
 * A running tool loop: iterate it for events (`for await (const e of run)`), or listen with
 * `run.on(type, fn)`, and `await run.done()` for the result. It starts at once; events wait in order
 * for whoever reads them.
 */
export class ToolRun implements AsyncIterable<RunEvent> {
  private readonly queue = new EventQueue();
  private readonly result: Promise<RunResult>;
  private iterated = false;

  /** @internal */
  constructor(start: (emit: (e: RunEvent) => void) => Promise<RunResult>) {
    this.result = Promise.resolve().then(() => start((e) => this.queue.emit(e)));
    this.result.then(
      () => this.queue.close(),
      (error) => this.queue.close({ error }),
    );
    // The caller may only iterate, or only listen: a failure is theirs through done() or the iterator.
    this.result.catch(() => {});
  }

  /** Hear every event of one type as it happens (`"*"` for all). */
  on<T extends RunEvent["type"]>(type: T | "*", fn: (event: RunEventOf<T>) => void): this {
    this.queue.on(type, fn as (e: RunEvent) => void);
    return this;
  }

  /** The result, when the loop has ended. Rejects with the error that ended it (an `AbortError` carries `messages`). */
  done(): Promise<RunResult> {
    return this.result;
  }

  [Symbol.asyncIterator](): AsyncIterator<RunEvent> {
    if (this.iterated) throw new LlmError("this tool run's events have already been iterated; use run.on() for a second listener");
    this.iterated = true;
    return { next: () => this.queue.next() };
  }
}

