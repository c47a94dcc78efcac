import { createInterface, type Interface } from "node:readline";
import type { ApprovalAnswer, ApprovalRequest } from "../agent/events.js";
import { endOpenLines, err, out, styler } from "./output.js";

/** What a person answered to one question: yes, no, nothing in time, or the run was stopped meanwhile. */
export type Answer = "yes" | "no" | "timeout" | "stopped";

/** Ask one yes/no question on the terminal; `run` is the tool loop's controller (Ctrl-D there stops it). */
export type Ask = (question: string, timeoutMs: number, run: AbortController) => Promise<Answer>;

const isYes = (line: string) => /^y(es)?$/i.test(line.trim());

/** stdin saw its end (Ctrl-D at a question): nothing more can be asked on it. */
let stdinEnded = false;

/**
 * The one-shot chat's question: stdin is a terminal nobody reads otherwise, so one line is read from it
 * in the terminal's own line mode (it echoes, and Ctrl-C stays a signal: it stops the run, as it does
 * while a reply streams). The question goes to stderr.
 */
export const askOnTerminal: Ask = (question, timeoutMs, run) =>
  new Promise<Answer>((resolve) => {
    if (run.signal.aborted) return resolve("stopped");
    if (stdinEnded) return resolve("no");
    err.write(question);
    const rl = createInterface({ input: process.stdin, terminal: false });
    let done = false;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      run.signal.removeEventListener("abort", onAbort);
      rl.close();
      resolve(a);
    };
    const onAbort = () => finish("stopped");
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    run.signal.addEventListener("abort", onAbort, { once: true });
    rl.once("line", (line) => {
      // The terminal echoed the answer and its Enter: the cursor is on a fresh line.
      err.atLineStart = true;
      finish(isYes(line) ? "yes" : "no");
    });
    rl.once("close", () => {
      if (done) return;
      // Ctrl-D: no answer, and the end of stdin.
      stdinEnded = true;
      finish("no");
    });
  });

/**
 * The interactive session's question: its readline owns the terminal, so the question is asked through
 * it (as its prompt, on stdout) and the answer is its next line, which the session never sees as a
 * message. Ctrl-C reaches the session's handler (which stops the run, and so the question); Ctrl-D
 * denies and stops.
 */
export function askInSession(rl: Interface): Ask {
  return (question, timeoutMs, run) =>
    new Promise<Answer>((resolve) => {
      if (run.signal.aborted) return resolve("stopped");
      const cancel = new AbortController();
      let done = false;
      const finish = (a: Answer) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        run.signal.removeEventListener("abort", onAbort);
        rl.off("close", onClose);
        // Cancelling the question restores the session's prompt and ends the question's line.
        if (a !== "yes" && a !== "no") cancel.abort();
        out.atLineStart = err.atLineStart = true;
        resolve(a);
      };
      const onAbort = () => finish("stopped");
      const onClose = () => {
        run.abort();
        finish("stopped");
      };
      const timer = setTimeout(() => finish("timeout"), timeoutMs);
      run.signal.addEventListener("abort", onAbort, { once: true });
      rl.once("close", onClose);
      rl.question(question, { signal: cancel.signal }, (line) => finish(isYes(line) ? "yes" : "no"));
    });
}

/** How the CLI answers approvals: ask on the terminal, approve everything (`--yes`), or cannot ask. */
export interface ApprovalPolicy {
  /** Asks the person; undefined when there is no terminal to ask on. */
  ask: Ask | undefined;
  /** `--yes`: every call is approved unasked. */
  yes: boolean;
  timeoutMs: number;
  /** Told when a question goes on screen (true) and when it is answered (false): other lines wait meanwhile. */
  onQuestion?: (open: boolean) => void;
}

/** A call as the person reads it: `write_note({"path":"a.txt"})`. */
export function callText(name: string, args: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(args) ?? "";
  } catch {
    json = String(args);
  }
  return `${name}(${json})`;
}

/**
 * The tool loop's `approve` for one run. Questions are asked one at a time (parallel calls queue up),
 * each with its own full timeout from when it is shown, so the loop's own timeout is not used.
 */
export function approver(policy: ApprovalPolicy, run: AbortController): (request: ApprovalRequest) => Promise<ApprovalAnswer> {
  const dim = styler(process.stderr).dim;
  let queue: Promise<unknown> = Promise.resolve();
  const one = async (request: ApprovalRequest): Promise<ApprovalAnswer> => {
    const call = callText(request.tool.name, request.args);
    if (run.signal.aborted) return false;
    if (policy.yes) {
      err.line(`(${call} approved by --yes)`, dim);
      return true;
    }
    if (!policy.ask) {
      err.line(`(${request.tool.name} needs approval, which cannot be asked: stdin is not a terminal. Denied; --yes approves every call)`, dim);
      return { approved: false, reason: "approval could not be asked" };
    }
    endOpenLines();
    policy.onQuestion?.(true);
    let answer: Answer;
    try {
      answer = await policy.ask(`Allow ${call}? [y/N] `, policy.timeoutMs, run);
    } finally {
      policy.onQuestion?.(false);
    }
    if (answer === "timeout") {
      err.line(`(no answer in ${policy.timeoutMs / 1000} s: denied)`, dim);
      return { approved: false, reason: "no answer in time" };
    }
    return answer === "yes";
  };
  return (request) => {
    const next = queue.then(() => one(request));
    queue = next.catch(() => {});
    return next;
  };
}
