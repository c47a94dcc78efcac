import { endOpenLines } from "./output.js";

let stop: (() => void) | undefined;

/**
 * While `fn` runs, Ctrl-C (SIGINT) calls `onStop` instead of ending the program: a one-shot chat
 * stops its reply and still prints what came. A second Ctrl-C ends the program at once.
 */
export async function interruptible<T>(onStop: () => void, fn: () => Promise<T>): Promise<T> {
  stop = onStop;
  try {
    return await fn();
  } finally {
    stop = undefined;
  }
}

/**
 * Ctrl-C anywhere else (a pull's progress bar, a stalled request): end the lines left open so the
 * shell's prompt starts on its own line, and exit as interrupted (130, as a shell reports SIGINT).
 * The interactive session never gets here: its terminal is in raw mode and readline reports Ctrl-C.
 */
export function handleInterrupts(): void {
  process.on("SIGINT", () => {
    const s = stop;
    stop = undefined;
    if (s) return s();
    endOpenLines();
    process.exit(130);
  });
}
