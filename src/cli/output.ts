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
  constructor(readonly stream: NodeJS.WriteStream) {}

  get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** Write `text`, wrapped in `style`; the line tracking looks at the text, not at escape codes. */
  write(text: string, style?: (s: string) => string): void {
    if (!text) return;
    this.stream.write(style ? style(text) : text);
    this.atLineStart = text.endsWith("\n");
  }

  /** End the line the last write left open, if any. */
  endLine(): void {
    if (!this.atLineStart) this.write("\n");
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
