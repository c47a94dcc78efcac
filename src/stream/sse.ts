import { LineSplitter } from "./lines.js";

/** One server-sent event: its `event:` name (if any) and its `data:` lines joined with `\n`. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Options of `SseDecoder`. */
export interface SseDecoderOptions {
  /** Largest line or event, in characters [unlimited]. */
  maxEventSize?: number;
  /** The error to throw for a line or event over `maxEventSize`. */
  tooLarge?: (limit: number) => Error;
}

const COLON = 58;
const SPACE = 32;
const BRACE = 123;
/** How much of the body's start is kept as evidence for "this is not an event stream" errors. */
const HEAD = 2048;

/**
 * Incremental server-sent-events decoder: bytes in, events out.
 *
 * Tolerates what real servers send: any split of the bytes, even inside a UTF-8 character (S3);
 * `\n`, `\r\n` and bare `\r` line endings (S2); comment keep-alives (S1); a body that ends
 * without a blank line or `[DONE]` (S4); and bare JSON lines without `data:` (broken proxies),
 * which become events rather than being dropped. Linear in the body whatever its shape, with an
 * optional cap on the size of a line or event.
 *
 * Hot path: one streaming `TextDecoder`, `indexOf` line splitting, one substring per data line.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder();
  private readonly lines: LineSplitter;
  private data: string | undefined = undefined;
  private dataLen = 0;
  private event: string | undefined = undefined;
  private out: SseEvent[] = [];
  private readonly maxEvent: number;
  private readonly tooLarge: (limit: number) => Error;
  /** The first characters of the body, for errors about what came instead of events. */
  head = "";

  constructor(options: SseDecoderOptions = {}) {
    this.maxEvent = options.maxEventSize ?? Infinity;
    this.tooLarge = options.tooLarge ?? ((limit) => new RangeError(`a stream event is larger than ${limit} characters`));
    this.lines = new LineSplitter((text, start, end) => this.line(text, start, end), this.maxEvent, this.tooLarge);
  }

  /** Feed raw bytes; returns the events they completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.pushText(this.decoder.decode(bytes, { stream: true }));
  }

  /** Feed text already decoded. */
  pushText(text: string): SseEvent[] {
    if (this.head.length < HEAD) this.head += text.slice(0, HEAD - this.head.length);
    const out: SseEvent[] = (this.out = []);
    this.lines.push(text);
    return out;
  }

  /** The body ended: flush what is left (an unterminated last line and event still count, S4). */
  end(): SseEvent[] {
    const out = this.pushText(this.decoder.decode());
    this.lines.end();
    this.dispatch();
    return out;
  }

  /** The body ended in the middle of a line: the last event may be cut off (set by `end()`). */
  get cutOff(): boolean {
    return this.lines.cutOff;
  }

  /** The raw text of an event that was cut off by the end of the body, if any (for error evidence). */
  get pending(): string | undefined {
    return this.data ?? (this.lines.pendingText || undefined);
  }

  private line(buf: string, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    const c = buf.charCodeAt(start);
    if (c === COLON) return; // S1: comment / keep-alive
    if (c === 100 /* d */ && buf.startsWith("data:", start)) {
      let v = start + 5;
      if (v < end && buf.charCodeAt(v) === SPACE) v++;
      this.appendData(buf.slice(v, end));
      return;
    }
    if (c === BRACE) {
      // A bare JSON line (no `data:` prefix): treat it as a whole event rather than drop it.
      this.dispatch();
      this.out.push({ event: undefined, data: buf.slice(start, end) });
      return;
    }
    const colon = buf.indexOf(":", start);
    const fieldEnd = colon === -1 || colon > end ? end : colon;
    const field = buf.slice(start, fieldEnd);
    let v = fieldEnd + 1;
    if (v < end && buf.charCodeAt(v) === SPACE) v++;
    const value = fieldEnd === end ? "" : buf.slice(v, end);
    if (field === "event") this.event = value;
    else if (field === "data") this.appendData(value);
    // `id`, `retry` and unknown fields carry nothing we use (SSE spec: ignore).
  }

  private appendData(v: string): void {
    if (this.data === undefined) {
      this.data = v;
      this.dataLen = v.length;
      return;
    }
    // Many `data:` lines make one event: the event as a whole is capped, not just each line.
    this.dataLen += v.length + 1;
    if (this.dataLen > this.maxEvent) {
      this.data = undefined;
      throw this.tooLarge(this.maxEvent);
    }
    this.data = this.data + "\n" + v;
  }

  private dispatch(): void {
    if (this.data !== undefined) this.out.push({ event: this.event, data: this.data });
    else if (this.event === "error") this.out.push({ event: "error", data: "" });
    this.data = undefined;
    this.event = undefined;
  }
}
