// Entry for the command-line runtimes (node, bun, deno): `<runtime> cli.mjs '<urls as JSON>'`.
// Prints one line, `MIMIR-RESULT <json>`, so stray output from a runtime cannot be mistaken for it.
import { runScenario, runtimeName, describeError } from "./scenario.mjs";

// Deno.args first: under Deno `process` is a Node-compat shim, and this entry should not lean on it.
const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
const exit = globalThis.Deno ? (code) => globalThis.Deno.exit(code) : (code) => globalThis.process.exit(code);

let result;
try {
  result = await runScenario(JSON.parse(args[0]));
} catch (e) {
  result = { runtime: runtimeName(), fatal: describeError(e) };
}
console.log(`MIMIR-RESULT ${JSON.stringify(result)}`);
// A stalled stream or a keep-alive socket must not keep the runtime alive once the result is out.
exit(0);
