/** Terminal styling, only where the stream is a TTY (and NO_COLOR is unset). */
export function styler(stream: NodeJS.WriteStream) {
  const on = Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const wrap = (open: string, close: string) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { tty: Boolean(stream.isTTY), dim: wrap("2", "22"), bold: wrap("1", "22"), red: wrap("31", "39"), cyan: wrap("36", "39") };
}

/**
 * A stream that remembers whether its last write ended a line, so that an error, a note or the
 * shell's prompt never starts glued to the end of a streamed reply or a progress bar.
 */
export class LineWriter {
  atLineStart = true;
  /** Streamed text not yet written (see `streamed`). */
  private pending = "";
  private lastFlush = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  constructor(readonly stream: NodeJS.WriteStream) {}

  get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Write `text`, wrapped in `style`; the line tracking looks at the text, not at escape codes. */
  write(text: string, style?: (s: string) => string): void {
    if (!text) return;
    this.flush();
    this.stream.write(style ? style(text) : text);
    this.atLineStart = text.endsWith("\n");
  }

  /**
   * Write streamed tokens, a few at a time: one `write` per token costs more than the tokens themselves
   * on a long reply (a 10 MB answer is ~2 M tokens). Held at most 16 KB or 20 ms, far below what a
   * reader notices; any other write, or `flush()`, sends it first.
   */
  streamed(text: string): void {
    if (!text) return;
    this.pending += text;
    this.atLineStart = text.endsWith("\n");
    const now = Date.now();
    if (this.pending.length >= 16_384 || now - this.lastFlush >= 20) this.flush(now);
    // A stream that pauses (a slow model, a stall) must not keep its last tokens back.
    else this.timer ??= setTimeout(() => this.flush(), 20);
  }

  /** Send what `streamed` holds. */
  flush(now = Date.now()): void {
    this.lastFlush = now;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.pending) return;
    const text = this.pending;
    this.pending = "";
    this.stream.write(text);
  }

  /** End the line the last write left open, if any. */
  endLine(): void {
    if (!this.atLineStart) this.write("\n");
    else this.flush();
  }

  /** One whole line, starting on a fresh one. */
  line(text: string, style?: (s: string) => string): void {
    this.endLine();
    this.stream.write((style ? style(text) : text) + "\n");
    this.atLineStart = true;
  }
}

/** Every write of the CLI goes through these two. */
export const out = new LineWriter(process.stdout);
export const err = new LineWriter(process.stderr);

/**
 * Before an error line or an exit: close the lines left open. stdout only on a terminal (piped
 * output stays exactly what the server sent, plus the usual final newline on success); stderr
 * always, since the error line that follows must be a line of its own in a log too.
 */
export function endOpenLines(): void {
  if (out.tty) out.endLine();
  else out.flush();
  err.endLine();
}

const UNITS = ["B", "KB", "MB", "GB", "TB"];
export function formatBytes(n: number): string {
  let i = 0;
  while (n >= 1000 && i < UNITS.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${UNITS[i]}`;
}

/** `[██████░░░░]` of `width` cells. */
export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${"█".repeat(full)}${"░".repeat(width - full)}]`;
}

/** Plain-text table with padded columns. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ")).join("\n");
}
