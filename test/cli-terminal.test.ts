import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimulator, type Simulator } from "./exports.js";
import { cliTty, hasScript } from "./cli-helpers.js";

// Plain output makes the terminal's text easy to match; colours are not what is tested here.
const env = { NO_COLOR: "1" };
/** The session's prompt, once shown after whatever `after` matches. */
const promptAfter = (after: string) => new RegExp(`${after.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[\\s\\S]*you› `);

/** Wait until the simulator saw the connection of request `i` close early (a guard bounds it). */
async function closedEarly(sim: Simulator, i: number): Promise<boolean> {
  for (let n = 0; n < 200 && !sim.requests[i]?.closedEarly; n++) await new Promise((r) => setTimeout(r, 10));
  return sim.requests[i]?.closedEarly === true;
}

test("interactive: Ctrl-C stops the streaming reply, the session and its history go on; Ctrl-C clears a typed line; Ctrl-C on an empty line leaves (0)", { skip: !hasScript }, async () => {
  // The first reply goes silent after its role chunk and two pieces of text, and would never end by itself.
  const sim = await startSimulator({ script: [{ chunks: ["Once ", "upon ", "a ", "time"], stallAfter: 3 }, { text: "Then the dragon woke." }] });
  try {
    const r = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m"], [
      { waitFor: "you› ", send: "Tell me a long story\r" },
      { waitFor: "upon", send: "\x03" },
      // Typed, then abandoned with Ctrl-C: only the line after it is sent.
      { waitFor: promptAfter("(stopped)"), send: "typo words\x03And then?\r" },
      { waitFor: promptAfter("Then the dragon woke."), send: "\x03" },
    ], env);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Once upon \r\n\(stopped\)\r\n/);
    assert.match(r.stdout, /Then the dragon woke\./);
    assert.equal(await closedEarly(sim, 0), true, "the stopped request's connection was closed");
    assert.equal(sim.requests.length, 2);
    assert.deepEqual(sim.requests[1]!.body.messages.map((m: any) => [m.role, m.content]), [
      ["user", "Tell me a long story"], ["assistant", "Once upon "], ["user", "And then?"],
    ]);
    // Leaving with Ctrl-C ends the prompt's line: the shell's prompt starts on its own.
    assert.match(r.stdout, /you› (\x1b\[\d+G)?\r\n$/);
  } finally {
    await sim.close();
  }
});

test("interactive: Ctrl-C before anything arrived forgets the question too; a mistyped /command is not sent; Ctrl-D on an empty line leaves (0) on a fresh line", { skip: !hasScript }, async () => {
  const sim = await startSimulator({ script: [{ text: "never sent", stallAfter: 0 }, { text: "Second answer." }] });
  try {
    const r = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m"], [
      { waitFor: "you› ", send: "First question\r" },
      // The server has the request and sends nothing of a reply: stop it.
      { waitFor: () => sim.requests.length === 1, send: "\x03" },
      { waitFor: promptAfter("(stopped)"), send: "Second question\r" },
      { waitFor: promptAfter("Second answer."), send: "/exti\r" },
      { waitFor: promptAfter("unknown command /exti"), send: "\x04" },
    ], env);
    assert.equal(r.code, 0, r.stdout);
    assert.equal(sim.requests.filter((q) => JSON.stringify(q.body).includes("/exti")).length, 0);
    assert.deepEqual(sim.requests.at(-1)!.body.messages.map((m: any) => [m.role, m.content]), [["user", "Second question"]]);
    assert.match(r.stdout, /you› (\x1b\[\d+G)?\r\n$/);
  } finally {
    await sim.close();
  }
});

test("one-shot on a terminal: Ctrl-C stops the reply, keeps what came, ends its line, exits 130", { skip: !hasScript }, async () => {
  const sim = await startSimulator({ script: [{ chunks: ["Once ", "upon ", "a ", "time"], stallAfter: 3 }] });
  try {
    const r = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m", "Tell me a story"], [{ waitFor: "upon", send: "\x03" }], env);
    assert.equal(r.code, 130, r.stdout);
    // The terminal itself may echo ^C after the text.
    assert.match(r.stdout, /Once upon (\^C)?\r\n\(stopped\)\r\n$/);
    assert.equal(await closedEarly(sim, 0), true);
  } finally {
    await sim.close();
  }
});

test("one-shot on a terminal: the answer ends with exactly one newline; a stream that fails midway ends its line before the error", { skip: !hasScript }, async () => {
  const sim = await startSimulator({ script: [{ chunks: ["Line one.\n"] }, { chunks: ["Partial ", "answer"], errorAfter: 2 }] });
  try {
    const ok = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m", "hi"], "", env);
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(ok.stdout, "Line one.\r\n");
    const failed = await cliTty(["chat", "--base-url", sim.baseURL, "--model", "m", "hi"], "", env);
    assert.equal(failed.code, 1, failed.stdout);
    assert.match(failed.stdout, /^Partial \r\nmimir-llm: .*upstream model failed mid-generation.*\r\n$/);
  } finally {
    await sim.close();
  }
});
