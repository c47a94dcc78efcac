const LF = 10;
const CR = 13;

/**
 * Splits decoded text into lines, across any split of the input: `\n`, `\r\n` and bare `\r` end a
 * line (S2), and a `\r` at the end of one piece with `\n` at the start of the next is one line end.
 * The one line splitter of the package: SSE streams and NDJSON (Ollama's pull progress) both use it.
 *
 * Linear in the input whatever its shape: each piece of text is scanned once. A line that spans many
 * reads (a multi-megabyte line without a newline) is kept as a list of pieces and joined once when it
 * ends, never re-concatenated and re-scanned per read. A line longer than `maxLine` characters throws
 * whatever `tooLong` returns.
 *
 * Lines are handed to `onLine(text, start, end)` as a range of a string, so the hot path slices nothing
 * it does not need.
 */
export class LineSplitter {
  private parts: string[] = [];
  private partLen = 0;
  /** The previous text ended with `\r`: a `\n` starting the next one belongs to the same line end. */
  private pendingCR = false;
  /** The last `end()` flushed a final line that had no line ending: the body was cut mid-line. */
  cutOff = false;

  constructor(
    private readonly onLine: (text: string, start: number, end: number) => void,
    private readonly maxLine = Infinity,
    private readonly tooLong: (limit: number) => Error = (limit) => new RangeError(`a line is longer than ${limit} characters`),
  ) {}

  /** Characters held of a line not yet ended. */
  get pendingLength(): number {
    return this.partLen;
  }

  /** The text of the line not yet ended, if any (evidence for errors). */
  get pendingText(): string {
    return this.parts.join("");
  }

  push(text: string): void {
    const len = text.length;
    if (len === 0) return;
    let pos = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }
    if (this.partLen > 0) {
      // A line is open from earlier reads: look for its end in the new text only.
      const end = lineEnd(text, pos);
      if (end === -1) {
        this.keep(text, pos, len);
        return;
      }
      this.parts.push(text.slice(pos, end));
      const line = this.parts.join("");
      this.parts = [];
      this.partLen = 0;
      if (line.length > this.maxLine) throw this.tooLong(this.maxLine);
      this.onLine(line, 0, line.length);
      pos = this.after(text, end);
    }
    // Cached positions of the next LF / CR (-1: none left), so that a stream using only one kind of
    // line end never rescans the text for the other.
    let lf = text.indexOf("\n", pos);
    let cr = text.indexOf("\r", pos);
    while (pos < len) {
      if (lf !== -1 && lf < pos) lf = text.indexOf("\n", pos);
      if (cr !== -1 && cr < pos) cr = text.indexOf("\r", pos);
      let end: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) end = cr;
      else if (lf !== -1) end = lf;
      else break;
      if (end - pos > this.maxLine) throw this.tooLong(this.maxLine);
      this.onLine(text, pos, end);
      pos = this.after(text, end);
    }
    if (pos < len) this.keep(text, pos, len);
  }

  /** The input ended: hand out a last line that had no line ending. */
  end(): void {
    this.pendingCR = false;
    this.cutOff = false;
    if (this.partLen === 0) return;
    const line = this.parts.join("");
    this.parts = [];
    this.partLen = 0;
    this.cutOff = true;
    this.onLine(line, 0, line.length);
  }

  /** Where the next line starts after a line end at `end`. */
  private after(text: string, end: number): number {
    if (text.charCodeAt(end) === CR) {
      if (end + 1 === text.length) {
        this.pendingCR = true;
        return end + 1;
      }
      if (text.charCodeAt(end + 1) === LF) return end + 2;
    }
    return end + 1;
  }

  private keep(text: string, from: number, to: number): void {
    const piece = from === 0 && to === text.length ? text : text.slice(from, to);
    this.parts.push(piece);
    this.partLen += piece.length;
    if (this.partLen > this.maxLine) {
      this.parts = [];
      this.partLen = 0;
      throw this.tooLong(this.maxLine);
    }
  }
}

function lineEnd(text: string, from: number): number {
  const lf = text.indexOf("\n", from);
  const cr = text.indexOf("\r", from);
  return cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
}
