import { spawn, execFileSync } from "node:child_process";
import { resolve } from "node:path";

export const BIN = resolve(import.meta.dirname, "../../dist/cli/main.js");

export interface Run { code: number | null; stdout: string; stderr: string }

/** Run the built CLI as a user would: a child process, optional stdin, its own environment. */
export function cli(args: string[], options: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** One step of typing under a terminal: wait until the output shows `waitFor` (or it holds), then type `send`. */
export interface TtyStep {
  /** Looked for in the output that came after the previous step's match (or from the start); a function is asked until it says yes. */
  waitFor?: string | RegExp | (() => boolean);
  send: string;
}

/**
 * Run the CLI under a pseudo-terminal (util-linux `script`), feeding `input` as typed keys: all at
 * once (a string), or step by step, each step waiting for something in the output first (so that a
 * Ctrl-C lands while a reply streams, not before the question was even read). The output is the
 * terminal's: stdout and stderr together, each "\n" as "\r\n".
 */
export function cliTty(args: string[], input: string | TtyStep[], env: Record<string, string> = {}): Promise<Run> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolvePromise, reject) => {
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], { env: { ...process.env, TERM: "xterm", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    const steps: TtyStep[] = typeof input === "string" ? (input ? [{ send: input }] : []) : [...input];
    /** Where the output not yet matched by a step begins. */
    let from = 0;
    // Keys that wait for nothing wait a moment all the same: typed before the program has set up
    // its terminal, they would be echoed twice (by the terminal and by readline).
    let started = steps[0]?.waitFor !== undefined;
    const advance = () => {
      while (started && steps.length) {
        const { waitFor, send } = steps[0]!;
        if (typeof waitFor === "function") {
          if (!waitFor()) return;
        } else if (waitFor !== undefined) {
          const rest = stdout.slice(from);
          const at = typeof waitFor === "string" ? rest.indexOf(waitFor) : rest.search(waitFor);
          if (at === -1) return;
          from += at + (typeof waitFor === "string" ? waitFor.length : waitFor.exec(rest.slice(at))![0].length);
        }
        steps.shift();
        child.stdin.write(send);
      }
    };
    child.stdout.on("data", (d) => {
      stdout += d;
      advance();
    });
    child.on("error", reject);
    // Stdin stays open until the program leaves by itself (`/exit`, Ctrl-D), since closing it
    // would end the terminal session early; the guard ends a program that never does.
    let killed = false;
    const guard = setTimeout(() => ((killed = true), child.kill()), 30_000);
    // Conditions outside the output (a server got a request) are asked again now and then.
    const poll = setInterval(advance, 20);
    child.on("close", (code) => {
      clearTimeout(guard);
      clearInterval(poll);
      // `script` may exit 0 when killed: a program that had to be killed never passes for one that left.
      resolvePromise({ code: killed ? null : code, stdout, stderr: "" });
    });
    if (!steps.length) child.stdin.end();
    else if (!started) setTimeout(() => ((started = true), advance()), 300);
  });
}

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const srv = createServer().listen(0, "127.0.0.1");
  await new Promise((r) => srv.once("listening", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

export const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();
