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

/** Run the CLI under a pseudo-terminal (util-linux `script`), feeding `input` as typed keys. */
export function cliTty(args: string[], input: string, env: Record<string, string> = {}): Promise<Run> {
  const cmd = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  return new Promise((resolvePromise, reject) => {
    const child = spawn("script", ["-qfec", cmd, "/dev/null"], { env: { ...process.env, TERM: "xterm", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    // Type everything at once (the CLI must queue what is typed ahead); stdin stays open until the
    // program leaves by itself (`/exit`), since closing it would end the terminal session early.
    const guard = setTimeout(() => child.kill(), 30_000);
    child.on("close", (code) => {
      clearTimeout(guard);
      resolvePromise({ code, stdout, stderr: "" });
    });
    if (input) setTimeout(() => child.stdin.write(input), 300);
    else child.stdin.end();
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
