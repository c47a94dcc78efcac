import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isTool, tool, type Tool } from "../structured/tool.js";
import { UsageError } from "./args.js";

/**
 * A tool given as a plain object, for a module that does not import mimir-llm: what `tool()` takes,
 * with `parameters` a JSON Schema (or any Standard Schema). Recognised by a string `name` and a
 * function `execute`.
 */
function isPlainTool(x: unknown): x is Record<string, unknown> & { name: string; execute: (...a: never[]) => unknown } {
  return typeof x === "object" && x !== null && !Array.isArray(x) && typeof (x as { name?: unknown }).name === "string" && typeof (x as { execute?: unknown }).execute === "function";
}

/**
 * Let the tools module `import { tool } from "mimir-llm"` wherever it lives: Node resolves the name
 * from the module's own location first (a project that installed mimir-llm, this repository), and
 * only when that finds nothing, from the package this CLI belongs to (a global install, a file in
 * the home directory). A resolve hook, registered once and only for `--tools`.
 */
let hooked = false;
async function resolveMimirFromHere(): Promise<void> {
  if (hooked) return;
  hooked = true;
  const mod = await import("node:module");
  if (typeof mod.register !== "function") return;
  const hook = `let self;
export function initialize(data) { self = data.self; }
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (e?.code !== "ERR_MODULE_NOT_FOUND" || !(specifier === "mimir-llm" || specifier.startsWith("mimir-llm/"))) throw e;
    return next(specifier, { ...context, parentURL: self });
  }
}`;
  // From any file inside the package, "mimir-llm" is the package itself (a self-reference).
  mod.register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { self: import.meta.url } });
}

/**
 * Why a module failed to load. A syntax error's message does not say where it is, and a dynamic
 * import's error does not carry it: `node --check` finds it (only on this error path).
 */
async function loadFailure(e: unknown, path: string): Promise<string> {
  if (!(e instanceof Error)) return String(e);
  let where = "";
  if (e instanceof SyntaxError) {
    const { spawnSync } = await import("node:child_process");
    const check = spawnSync(process.execPath, ["--check", path], { encoding: "utf8", timeout: 10_000 });
    const line = /^(.*):(\d+)\r?$/m.exec(check.stderr ?? "");
    if (line) where = ` (${line[1]}:${line[2]})`;
  }
  return `${e.name === "Error" ? "" : `${e.name}: `}${e.message}${where}`;
}

/**
 * The tools of `--tools FILE`: an ES module whose exports are tools. A default export may be one tool
 * or an array of them; named exports that are tools count too, anything else exported is ignored.
 * A tool is a `tool()` object, or a plain object `{ name, description, parameters, execute,
 * needsApproval }` (wrapped with `tool()` here). Every mistake is a UsageError naming the file.
 */
export async function loadTools(file: string, cwd = process.cwd()): Promise<Tool[]> {
  const path = resolve(cwd, file);
  const fail = (why: string) => new UsageError(`--tools ${file}: ${why}`);
  if (!existsSync(path)) throw fail(`no such file (${path})`);
  if (statSync(path).isDirectory()) throw fail("is a directory; give the module file (.mjs or .js)");
  await resolveMimirFromHere();
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw fail(`the module failed to load: ${await loadFailure(e, path)}`);
  }

  const tools: Tool[] = [];
  const seen = new Set<unknown>();
  const add = (value: unknown, where: string) => {
    if (seen.has(value)) return;
    seen.add(value);
    let t: Tool;
    if (isTool(value)) t = value;
    else {
      const p = value as Record<string, unknown>;
      try {
        t = tool({
          name: p.name as string,
          description: p.description as string | undefined,
          parameters: p.parameters ?? { type: "object", properties: {} },
          jsonSchema: p.jsonSchema as Record<string, unknown> | undefined,
          strict: p.strict as boolean | undefined,
          execute: p.execute as never,
          needsApproval: p.needsApproval as never,
        });
      } catch (e) {
        throw fail(`${where}: ${(e as Error).message}`);
      }
    }
    if (typeof t.execute !== "function") throw fail(`${where}: tool "${t.name}" has no execute, and the CLI can only offer tools it can run`);
    const twin = tools.find((x) => x.name === t.name);
    if (twin) throw fail(`two tools are named "${t.name}"`);
    tools.push(t);
  };
  const isToolLike = (x: unknown) => isTool(x) || isPlainTool(x);

  const def = mod.default;
  if (Array.isArray(def)) {
    def.forEach((x, i) => {
      if (!isToolLike(x)) throw fail(`the default export's item ${i} is not a tool (a tool() object, or an object with name and execute)`);
      add(x, `the default export's item ${i}`);
    });
  } else if (isToolLike(def)) add(def, "the default export");
  for (const [name, value] of Object.entries(mod)) {
    if (name !== "default" && isToolLike(value)) add(value, `the export "${name}"`);
  }
  if (!tools.length) {
    throw fail("exports no tools: export tool() objects (a default export may be an array of them), or plain objects { name, description, parameters, execute } (see mimir-llm chat --help)");
  }
  return tools;
}
