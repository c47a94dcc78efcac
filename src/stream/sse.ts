/** One server-sent event: its `event:` name (if any) and its `data:` lines joined with `\n`. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

const LF = 10;
const COLON = 58;
const SPACE = 32;
const BRACE = 123;

/**
 * Incremental server-sent-events decoder: bytes in, events out.
 *
 * Tolerates what real servers send: any split of the bytes, even inside a UTF-8 character (S3);
 * `\n`, `\r\n` and bare `\r` line endings (S2); comment keep-alives (S1); a body that ends
 * without a blank line or `[DONE]` (S4); and bare JSON lines without `data:` (broken proxies),
 * which become events rather than being dropped.
 *
 * Hot path: one streaming `TextDecoder`, `indexOf` line splitting, one substring per data line.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder();
  private rest = "";
  private data: string | undefined = undefined;
  private event: string | undefined = undefined;
  /** The previous text ended with `\r`: a `\n` starting the next one belongs to the same line end. */
  private pendingCR = false;

  /** Feed raw bytes; returns the events they completed. */
  push(bytes: Uint8Array): SseEvent[] {
    return this.feed(this.decoder.decode(bytes, { stream: true }), []);
  }

  /** Feed text already decoded. */
  pushText(text: string): SseEvent[] {
    return this.feed(text, []);
  }

  /** The body ended: flush what is left (an unterminated last line and event still count, S4). */
  end(): SseEvent[] {
    const out = this.feed(this.decoder.decode(), []);
    if (this.rest) {
      const line = this.rest;
      this.rest = "";
      this.line(line, 0, line.length, out);
    }
    this.dispatch(out);
    return out;
  }

  /** The raw text of an event that was cut off by the end of the body, if any (for error evidence). */
  get pending(): string | undefined {
    return this.data ?? (this.rest || undefined);
  }

  private feed(text: string, out: SseEvent[]): SseEvent[] {
    if (text.length === 0) return out;
    const buf = this.rest ? this.rest + text : text;
    const len = buf.length;
    let pos = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (buf.charCodeAt(0) === LF) pos = 1;
    }
    // Cached positions of the next LF / CR (-1: none left in this buffer), so that a
    // stream using only one kind of line end never rescans the buffer for the other.
    let lf = buf.indexOf("\n", pos);
    let cr = buf.indexOf("\r", pos);
    while (pos < len) {
      if (lf !== -1 && lf < pos) lf = buf.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = buf.indexOf("\r", pos);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 < len) next = buf.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
        else {
          next = len;
          this.pendingCR = true;
        }
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(buf, pos, end, out);
      pos = next;
    }
    this.rest = pos < len ? buf.slice(pos) : "";
    return out;
  }

  private line(buf: string, start: number, end: number, out: SseEvent[]): void {
    if (start === end) {
      this.dispatch(out);
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
      this.dispatch(out);
      out.push({ event: undefined, data: buf.slice(start, end) });
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
    this.data = this.data === undefined ? v : this.data + "\n" + v;
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data !== undefined) out.push({ event: this.event, data: this.data });
    else if (this.event === "error") out.push({ event: "error", data: "" });
    this.data = undefined;
    this.event = undefined;
  }
}
