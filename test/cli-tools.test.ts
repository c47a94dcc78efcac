import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startSimulator, type Simulator } from "./exports.js";
import { cli, cliTty, closedPort, hasScript } from "./cli-helpers.js";

// `mimir-llm chat --tools FILE`: the tool loop from the command line, against the simulator over real HTTP.

const REPO = resolve(import.meta.dirname, "../..");
const FIXTURES = join(REPO, "test/fixtures");
const DICE = join(FIXTURES, "dice-tools.mjs");
const scratch = mkdtempSync(join(tmpdir(), "mimir-cli-tools-"));
const isolated = { XDG_CONFIG_HOME: scratch, MIMIR_LLM_CONFIG: undefined, OLLAMA_HOST: undefined };
let notes = 0;
/** A fresh path for write_note, which the tool writes only if it runs. */
const notePath = () => join(scratch, `note-${++notes}.txt`);

const call = (name: string, args: string, id = "call_1") => ({ toolCalls: [{ id, name, arguments: args }] });
const writeNote = call("write_note", '{"text":"Bring rope."}');
/** The tool message the model was sent in request `i`. */
const toolMessage = (sim: Simulator, i: number) => sim.requests[i]!.body.messages.find((m: { role: string }) => m.role === "tool");

async function withSim(script: object[], fn: (sim: Simulator) => Promise<void>): Promise<void> {
  const sim = await startSimulator({ script: script as never });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

test("one-shot: the model calls a tool, the CLI runs it and sends the result; stdout is the text of each step, stderr the call and the result", async () => {
  await withSim([{ text: "Let me roll.", ...call("roll", '{ "d": 20 }') }, { text: "You rolled a 17." }], async (sim) => {
    // The path is relative to the working directory.
    const r = await cli(["chat", "--tools", "test/fixtures/dice-tools.mjs", "--base-url", sim.baseURL, "--model", "m", "Roll a d20."], { cwd: REPO, env: isolated });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Let me roll.\nYou rolled a 17.\n");
    assert.equal(r.stderr, '→ roll({"d":20})\n← roll: {"d":20,"value":17}\n');
    assert.equal(sim.requests.length, 2);
    // Every tool the module exports, once (roll is both the default export and a named one; `sides` is no tool).
    assert.deepEqual(sim.requests[0]!.body.tools.map((t: any) => t.function.name), ["roll", "write_note"]);
    assert.equal(sim.requests[0]!.body.stream, true);
    assert.deepEqual(toolMessage(sim, 1), { role: "tool", tool_call_id: "call_1", content: '{"d":20,"value":17}' });
  });
});

test("tool errors are shown with ✗ and go back to the model; --json prints the last completion; --max-steps bounds the loop", async () => {
  await withSim([call("roll", '{"d":"twenty"}'), { text: "Sorry." }], async (sim) => {
    const r = await cli(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "--json", "Roll."], { env: isolated });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).choices[0].message.content, "Sorry.");
    assert.match(r.stderr, /^→ roll\(\{"d":"twenty"\}\)\n✗ roll: invalid arguments for roll: d: .*\n$/);
    assert.match(toolMessage(sim, 1).content, /^Error: invalid arguments for roll/);
  });
  await withSim([call("roll", '{"d":6}'), call("roll", '{"d":6}', "call_2")], async (sim) => {
    const r = await cli(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "--max-steps", "1", "Roll forever."], { env: isolated });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sim.requests.length, 1);
    assert.match(r.stderr, /still calling tools after 1 steps; --max-steps raises the limit/);
  });
});

test("piped stdin: an approval cannot be asked, so the call is denied with a note, and the model is told; --yes approves it", async () => {
  await withSim([writeNote, { text: "I could not write it." }], async (sim) => {
    const note = notePath();
    const r = await cli(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m"], { input: "Remember the rope.", env: { ...isolated, DICE_NOTE_PATH: note } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(note), false, "the tool did not run");
    assert.match(r.stderr, /write_note needs approval, which cannot be asked: stdin is not a terminal\. Denied; --yes approves every call/);
    assert.match(r.stderr, /✗ write_note: The user did not approve/);
    assert.match(toolMessage(sim, 1).content, /did not approve this call of write_note \(approval could not be asked\)/);
    assert.equal(r.stdout, "I could not write it.\n");
  });
  await withSim([writeNote, { text: "Written." }], async (sim) => {
    const note = notePath();
    const r = await cli(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "--yes"], { input: "Remember the rope.", env: { ...isolated, DICE_NOTE_PATH: note } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(note, "utf8"), "Bring rope.");
    assert.match(r.stderr, /\(write_note\(\{"text":"Bring rope\."\}\) approved by --yes\)/);
    assert.equal(toolMessage(sim, 1).content, "wrote 11 characters");
  });
});

test("on a terminal: the approval is asked; y runs the tool, n denies it and the model is told", { skip: !hasScript }, async () => {
  const env = { NO_COLOR: "1", XDG_CONFIG_HOME: scratch };
  await withSim([writeNote, { text: "Noted." }], async (sim) => {
    const note = notePath();
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "Remember the rope."], [{ waitFor: "[y/N] ", send: "y\r" }], { ...env, DICE_NOTE_PATH: note });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /→ write_note\(\{"text":"Bring rope\."\}\)\r\nAllow write_note\(\{"text":"Bring rope\."\}\)\? \[y\/N\] y\r\n← write_note: wrote 11 characters\r\nNoted\.\r\n$/);
    assert.equal(readFileSync(note, "utf8"), "Bring rope.");
    assert.equal(toolMessage(sim, 1).content, "wrote 11 characters");
  });
  await withSim([writeNote, { text: "As you wish." }], async (sim) => {
    const note = notePath();
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "Remember the rope."], [{ waitFor: "[y/N] ", send: "n\r" }], { ...env, DICE_NOTE_PATH: note });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(existsSync(note), false);
    assert.match(r.stdout, /✗ write_note: The user did not approve/);
    assert.match(toolMessage(sim, 1).content, /^The user did not approve this call of write_note\./);
    assert.match(r.stdout, /As you wish\.\r\n$/);
  });
});

test("on a terminal: a parallel call's result waits until the question on screen is answered", { skip: !hasScript }, async () => {
  const both = { toolCalls: [{ id: "r", name: "roll", arguments: '{"d":20}' }, { id: "w", name: "write_note", arguments: '{"text":"Bring rope."}' }] };
  await withSim([both, { text: "Done." }], async (sim) => {
    let askedAt = 0;
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "Roll, and note the rope."], [
      { waitFor: "[y/N] ", send: "" },
      // roll finished long before the answer comes.
      { waitFor: () => Date.now() - (askedAt ||= Date.now()) > 300, send: "y\r" },
    ], { NO_COLOR: "1", XDG_CONFIG_HOME: scratch, DICE_NOTE_PATH: notePath() });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /→ roll\(\{"d":20\}\)\r\n→ write_note\(.*\)\r\nAllow write_note\(.*\)\? \[y\/N\] y\r\n← roll: \{"d":20,"value":17\}\r\n← write_note: wrote 11 characters\r\nDone\.\r\n$/);
    assert.deepEqual(sim.requests[1]!.body.messages.filter((m: any) => m.role === "tool").map((m: any) => m.tool_call_id), ["r", "w"]);
  });
});

test("on a terminal: no answer within --approval-timeout denies, and says so; Ctrl-C at the question denies and stops (130)", { skip: !hasScript }, async () => {
  const env = { NO_COLOR: "1", XDG_CONFIG_HOME: scratch };
  await withSim([writeNote, { text: "Too slow." }], async (sim) => {
    const note = notePath();
    const started = Date.now();
    // Nothing is typed (the step sends nothing, and keeps the terminal open).
    const r = await cliTty(["chat", "--tools", DICE, "--approval-timeout", "1", "--base-url", sim.baseURL, "--model", "m", "Remember the rope."], [{ waitFor: "[y/N] ", send: "" }], { ...env, DICE_NOTE_PATH: note });
    assert.equal(r.code, 0, r.stdout);
    assert.ok(Date.now() - started >= 1000);
    assert.equal(existsSync(note), false);
    assert.match(r.stdout, /\[y\/N\] \r\n\(no answer in 1 s: denied\)\r\n/);
    assert.match(toolMessage(sim, 1).content, /did not approve this call of write_note \(no answer in time\)/);
  });
  await withSim([writeNote, { text: "never asked for" }], async (sim) => {
    const note = notePath();
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m", "Remember the rope."], [{ waitFor: "[y/N] ", send: "\x03" }], { ...env, DICE_NOTE_PATH: note });
    assert.equal(r.code, 130, r.stdout);
    assert.match(r.stdout, /\(stopped\)\r\n$/);
    assert.equal(existsSync(note), false);
    assert.equal(sim.requests.length, 1, "the loop went no further");
  });
});

test("interactive with tools: the answer to an approval is not a message; the history after the loop is the loop's, and the next turn continues it", { skip: !hasScript }, async () => {
  const promptAfter = (after: string) => new RegExp(`${after.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*you› `);
  await withSim([writeNote, { text: "Noted." }, { text: "You asked me to remember rope." }], async (sim) => {
    const note = notePath();
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m"], [
      { waitFor: "you› ", send: "Remember the rope.\r" },
      { waitFor: "[y/N] ", send: "yes\r" },
      { waitFor: promptAfter("Noted."), send: "What did I ask?\r" },
      { waitFor: promptAfter("remember rope."), send: "/exit\r" },
    ], { NO_COLOR: "1", XDG_CONFIG_HOME: scratch, DICE_NOTE_PATH: note });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /with 2 tools \(roll, write_note\)/);
    assert.equal(readFileSync(note, "utf8"), "Bring rope.");
    assert.equal(sim.requests.length, 3);
    assert.deepEqual(sim.requests[2]!.body.messages.map((m: any) => [m.role, m.content || ""]), [
      ["user", "Remember the rope."], ["assistant", ""], ["tool", "wrote 11 characters"], ["assistant", "Noted."], ["user", "What did I ask?"],
    ]);
    assert.equal(sim.requests[2]!.body.messages[1].tool_calls[0].function.name, "write_note");
  });
});

test("interactive with tools: Ctrl-C at an approval stops the loop; the call is answered as stopped in the history, and the session goes on", { skip: !hasScript }, async () => {
  const promptAfter = (after: string) => new RegExp(`${after.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*you› `);
  await withSim([writeNote, { text: "Fine, no note." }], async (sim) => {
    const note = notePath();
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m"], [
      { waitFor: "you› ", send: "Remember the rope.\r" },
      { waitFor: "[y/N] ", send: "\x03" },
      { waitFor: promptAfter("(stopped)"), send: "Never mind.\r" },
      { waitFor: promptAfter("no note."), send: "\x04" },
    ], { NO_COLOR: "1", XDG_CONFIG_HOME: scratch, DICE_NOTE_PATH: note });
    assert.equal(r.code, 0, r.stdout);
    assert.equal(existsSync(note), false);
    const sent = sim.requests[1]!.body.messages;
    assert.deepEqual(sent.map((m: any) => m.role), ["user", "assistant", "tool", "user"]);
    assert.match(sent[2].content, /stopped the run before this call of write_note finished/);
  });
});

test("interactive: Ctrl-D at an approval denies, stops and leaves (0), as Ctrl-D while a plain reply streams leaves once it is done; neither hangs", { skip: !hasScript }, async () => {
  await withSim([writeNote, { text: "never asked for" }], async (sim) => {
    const note = notePath();
    const r = await cliTty(["chat", "--tools", DICE, "--base-url", sim.baseURL, "--model", "m"], [
      { waitFor: "you› ", send: "Remember the rope.\r" },
      { waitFor: "[y/N] ", send: "\x04" },
    ], { NO_COLOR: "1", XDG_CONFIG_HOME: scratch, DICE_NOTE_PATH: note });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /\[y\/N\] (\x1b\[\d+G)?\r\r\n\(stopped\)\r\n$/);
    assert.equal(existsSync(note), false);
    assert.equal(sim.requests.length, 1);
  });
  await withSim([{ chunks: ["Once ", "upon ", "a ", "time."], chunkDelayMs: 100 }], async (sim) => {
    const r = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m"], [
      { waitFor: "you› ", send: "Tell me a story\r" },
      { waitFor: "Once", send: "\x04" },
    ], { NO_COLOR: "1", XDG_CONFIG_HOME: scratch });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Once upon a time\.\r\n$/);
  });
});

test("tools as plain objects need no import; a module importing mimir-llm from outside any package finds the CLI's own", async () => {
  await withSim([{ toolCalls: [{ id: "a", name: "clock", arguments: "" }, { id: "b", name: "shout", arguments: '{"word":"ale"}' }] }, { text: "Midnight: ALE!" }], async (sim) => {
    const r = await cli(["chat", "--tools", join(FIXTURES, "plain-tools.mjs"), "--base-url", sim.baseURL, "--model", "m", "Time?"], { env: isolated });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Midnight: ALE!\n");
    assert.deepEqual(sim.requests[0]!.body.tools.map((t: any) => [t.function.name, t.function.parameters.type]), [["clock", "object"], ["shout", "object"]]);
    assert.deepEqual(sim.requests[1]!.body.messages.filter((m: any) => m.role === "tool").map((m: any) => m.content), ["midnight", "ALE!"]);
  });
  const elsewhere = mkdtempSync(join(tmpdir(), "mimir-tools-home-"));
  copyFileSync(DICE, join(elsewhere, "dice.mjs"));
  await withSim([call("roll", '{"d":6}'), { text: "A six." }], async (sim) => {
    const r = await cli(["chat", "--tools", "dice.mjs", "--base-url", sim.baseURL, "--model", "m", "Roll a d6."], { cwd: elsewhere, env: isolated });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "A six.\n");
    assert.equal(toolMessage(sim, 1).content, '{"d":6,"value":6}');
  });
});

test("a missing module, one that fails to load, one without tools, a tool without execute, and tool flags without --tools: exit 2 with one clear line, no request", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mimir-bad-tools-"));
  writeFileSync(join(dir, "broken.mjs"), "export const roll = {\n  name: 'roll',,\n};\n");
  writeFileSync(join(dir, "throws.mjs"), "throw new Error('no dice today');\n");
  writeFileSync(join(dir, "missing-dep.mjs"), "import 'left-pad-that-is-not-installed';\n");
  writeFileSync(join(dir, "no-execute.mjs"), "export default [{ name: 'roll', execute: () => 1 }, { name: 'ask', parameters: {} }];\n");
  writeFileSync(join(dir, "twins.mjs"), "export const a = { name: 'roll', execute: () => 1 }; export const b = { name: 'roll', execute: () => 2 };\n");
  writeFileSync(join(dir, "bad-name.mjs"), "export default { name: 'roll dice', execute: () => 1 };\n");
  const base = `http://127.0.0.1:${await closedPort()}/v1`;
  const cases: [string[], RegExp][] = [
    [["--tools", "nope.mjs"], /^mimir-llm: --tools nope\.mjs: no such file \(.*nope\.mjs\)$/],
    [["--tools", "broken.mjs"], /^mimir-llm: --tools broken\.mjs: the module failed to load: SyntaxError: .*broken\.mjs:2\)$/],
    [["--tools", "throws.mjs"], /^mimir-llm: --tools throws\.mjs: the module failed to load: no dice today$/],
    [["--tools", "missing-dep.mjs"], /^mimir-llm: --tools missing-dep\.mjs: the module failed to load: Cannot find package 'left-pad-that-is-not-installed'/],
    [["--tools", join(FIXTURES, "no-tools.mjs")], /^mimir-llm: --tools .*no-tools\.mjs: exports no tools: export tool\(\) objects/],
    [["--tools", "no-execute.mjs"], /^mimir-llm: --tools no-execute\.mjs: the default export's item 1 is not a tool/],
    [["--tools", "twins.mjs"], /two tools are named "roll"/],
    [["--tools", "bad-name.mjs"], /--tools bad-name\.mjs: the default export: a tool needs a name of 1–64 letters/],
    [["--tools", "."], /is a directory/],
    [["--yes"], /^mimir-llm: --yes goes with --tools FILE$/],
    [["--max-steps", "3"], /--max-steps goes with --tools FILE/],
    [["--tools", DICE, "--max-steps", "0"], /--max-steps must be a positive integer/],
    [["--tools", DICE, "--approval-timeout", "-1"], /--approval-timeout must be a number of seconds > 0/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(["chat", "--base-url", base, "--model", "m", ...args, "hi"], { cwd: dir, env: isolated });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split("\n").length, 1, `one line: ${r.stderr}`);
    assert.match(r.stderr.trim(), re, args.join(" "));
  }
});

test("a tool() object without execute is refused: the CLI can only offer tools it can run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mimir-no-exec-"));
  writeFileSync(join(dir, "ask.mjs"), "import { tool } from 'mimir-llm';\nexport const ask = tool({ name: 'ask_user', parameters: { type: 'object' } });\n");
  const r = await cli(["chat", "--tools", "ask.mjs", "--base-url", `http://127.0.0.1:${await closedPort()}/v1`, "hi"], { cwd: dir, env: isolated });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /the export "ask": tool "ask_user" has no execute, and the CLI can only offer tools it can run/);
});

test("chat --help documents --tools, the module formats, approvals and --yes", async () => {
  const r = await cli(["chat", "--help"], { env: isolated });
  assert.equal(r.code, 0);
  for (const s of ["--tools FILE", "--max-steps N", "--approval-timeout S", "--yes", "Dangerous", 'import { tool } from "mimir-llm"', "plain object", "[y/N]", "stdin is not a terminal"]) {
    assert.ok(r.stdout.includes(s), s);
  }
});
