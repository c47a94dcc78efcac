import { createInterface } from "node:readline";
import type { RunResult } from "../../agent/events.js";
import type { LlmClient } from "../../client.js";
import { AbortError } from "../../errors.js";
import type { Tool } from "../../structured/tool.js";
import type { ChatCompletion, ChatCompletionCreateParams, ChatCompletionMessageParam } from "../../types.js";
import { approver, askInSession, askOnTerminal, type Ask } from "../approvals.js";
import { numberFlag, parseArgs, stringFlag, UsageError } from "../args.js";
import { interruptible } from "../interrupt.js";
import { endOpenLines, err, out, styler } from "../output.js";
import { clientFromFlags } from "../target.js";
import { TARGET_FLAGS, TARGET_HELP } from "./shared.js";

export const CHAT_HELP = `Usage: mimir-llm chat [options] [prompt]

  mimir-llm chat "Name a dragon."                one question, one answer
  cat notes.txt | mimir-llm chat "Summarise it."   piped text, then the prompt
  mimir-llm chat < question.txt                  the whole prompt from stdin
  mimir-llm chat                                 an interactive session

Piped stdin: when stdin is not a terminal it is read to its end. With a prompt as well, the
piped text comes first, then a blank line, then the prompt: the material, then what to do
with it (models follow an instruction best after the text it is about). From a script whose
stdin stays open, add </dev/null to send the prompt alone.

Interactive session (no prompt, on a terminal): the history is kept. Ctrl-C stops a reply
(the part already shown stays in the history) or clears the line; Ctrl-C or Ctrl-D on an
empty line, or /exit, leaves; /reset forgets the history; /help lists the commands.

Tokens stream as they arrive; reasoning is shown dimmed on stderr, tool calls plainly.
Every retry is reported on stderr. A prompt that starts with "-" goes after --:
  mimir-llm chat -- "-5 degrees: what to wear?"

Options:
${TARGET_HELP}
  --system TEXT         a system prompt
  --temperature N       sampling temperature
  --max-tokens N        output token limit
  --json                print the final ChatCompletion as JSON (with --tools: the last model
                        call's; the tool calls are still shown on stderr)
  --no-stream           ask for the whole answer at once
  --tools FILE          let the model call the tools FILE exports (see "Tools" below)
  --max-steps N         with --tools: model calls per answer at most (default 20)
  --approval-timeout S  with --tools: seconds to answer an approval, then denied (default 60)
  --yes                 with --tools: approve every call unasked. Dangerous: the model then runs
                        whatever the tools can do (write, delete, send) with no one checking
  --verbose             the library's debug log, and error details, on stderr; tool results in full
  -h, --help            this help

Tools: mimir-llm chat --tools ./dice-tools.mjs "Roll a d20 for me."
  FILE is an ES module (.mjs, or .js), its path relative to the working directory. Its tools
  are its named exports that are tools and its default export (one tool, or an array of them);
  anything else it exports is ignored. A tool is a tool() object:
    import { tool } from "mimir-llm";   // from FILE's location, else this CLI's own package
    export const roll = tool({ name: "roll", description: "Roll a die",
      parameters: { type: "object", properties: { d: { type: "integer" } }, required: ["d"] },
      execute: ({ d }) => ({ value: 1 + Math.floor(Math.random() * d) }) });
  or the same options as a plain object, no import needed (the CLI wraps it with tool()):
    export const clock = { name: "clock", description: "The time",
      execute: () => new Date().toString() };
  parameters: a JSON Schema, or a zod/valibot/... schema; none means no arguments. Every tool
  needs execute. The model's text streams to stdout; each call (→), result (←) or error (✗)
  is shown on stderr. A tool with needsApproval (true, or a function of the arguments) asks:
    Allow write_note({"path":"a.txt"})? [y/N]
  y or yes runs it; anything else, Enter, or no answer in time denies it, and the model is told.
  When stdin is not a terminal (a piped prompt) nobody can be asked: such calls are denied,
  with a note on stderr, unless --yes. Ctrl-C stops the loop (and denies a pending approval);
  in the interactive session Ctrl-D at an approval denies it, stops and leaves, and the history
  holds the whole loop (calls, results, answers) for the next message to continue.

Exit codes: 0 ok, 1 provider or runtime error, 2 usage or config error, 130 stopped by Ctrl-C.`;

const SESSION_HELP = "/exit (or Ctrl-D) leaves, /reset forgets the history; Ctrl-C stops a reply or clears the line";

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (c) => (s += c));
    process.stdin.on("end", () => resolve(s));
    process.stdin.on("error", reject);
  });
}

/**
 * Piped text and a prompt make one message: the material, a blank line, the instruction. That is
 * how `llm` and `sgpt` combine them too, and an instruction after a long text is followed more
 * reliably than one the model read before it.
 */
export function combinePrompt(piped: string, prompt: string): string {
  // Leading blank lines and the trailing newline of a file are framing, not material.
  const material = piped.replace(/^(?:[ \t]*\r?\n)+/, "").trimEnd();
  if (!material) return prompt;
  return prompt ? `${material}\n\n${prompt}` : material;
}

interface TurnOptions {
  json: boolean;
  stream: boolean;
  signal: AbortSignal;
}

/** What `--tools` and its flags set up. */
interface ToolSetup {
  tools: Tool[];
  maxSteps: number;
  yes: boolean;
  timeoutMs: number;
  verbose: boolean;
}

interface ToolTurnOptions extends TurnOptions {
  tools: ToolSetup;
  /** The controller of `signal`: an approval question may stop the run (Ctrl-D). */
  controller: AbortController;
  /** How approvals are asked; undefined when they cannot be (stdin is not a terminal). */
  ask: Ask | undefined;
}

export async function chatCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, {
    values: [...TARGET_FLAGS, "system", "temperature", "max-tokens", "tools", "max-steps", "approval-timeout"],
    booleans: ["json", "no-stream", "verbose", "help", "yes"],
  }, "chat");
  if (flags.help) {
    out.write(CHAT_HELP + "\n");
    return 0;
  }
  const params: Partial<ChatCompletionCreateParams> = {};
  const temperature = numberFlag(flags, "temperature");
  const maxTokens = numberFlag(flags, "max-tokens");
  if (temperature !== undefined) params.temperature = temperature;
  if (maxTokens !== undefined) {
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new UsageError(`--max-tokens must be a positive integer, got ${maxTokens}`);
    params.max_tokens = maxTokens;
  }
  const toolsFile = stringFlag(flags, "tools");
  const maxSteps = numberFlag(flags, "max-steps");
  const approvalTimeout = numberFlag(flags, "approval-timeout");
  if (toolsFile === undefined) {
    const stray = ["max-steps", "approval-timeout", "yes"].find((f) => flags[f] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --tools FILE`);
  }
  if (maxSteps !== undefined && (!Number.isInteger(maxSteps) || maxSteps < 1)) throw new UsageError(`--max-steps must be a positive integer, got ${maxSteps}`);
  if (approvalTimeout !== undefined && !(approvalTimeout > 0 && approvalTimeout <= 86_400)) throw new UsageError(`--approval-timeout must be a number of seconds > 0 (at most a day), got ${approvalTimeout}`);
  const llm = clientFromFlags(flags);
  // The module loads before anything is asked, so a mistake in it costs no request.
  const tools: ToolSetup | undefined = toolsFile === undefined ? undefined : {
    tools: await (await import("../tools-module.js")).loadTools(toolsFile),
    maxSteps: maxSteps ?? 20,
    yes: flags.yes === true,
    timeoutMs: (approvalTimeout ?? 60) * 1000,
    verbose: flags.verbose === true,
  };
  const system = stringFlag(flags, "system");
  const history: ChatCompletionMessageParam[] = system !== undefined ? [{ role: "system", content: system }] : [];
  const opts = { json: flags.json === true, stream: flags["no-stream"] !== true, tools };

  let prompt = positionals.join(" ");
  if (!process.stdin.isTTY) prompt = combinePrompt(await readStdin(), prompt);
  if (!prompt) {
    if (!process.stdin.isTTY) throw new UsageError("no prompt: pass one as an argument or on stdin");
    return interactive(llm, history, params, opts);
  }
  history.push({ role: "user", content: prompt });
  // Ctrl-C stops the reply rather than killing the program, so what came is kept and the
  // terminal is left tidy; a second Ctrl-C still ends it at once.
  const stop = new AbortController();
  const ask = process.stdin.isTTY ? askOnTerminal : undefined;
  const r = await interruptible<{ stopped: boolean }>(() => stop.abort(), () =>
    tools ? toolTurn(llm, history, params, { ...opts, tools, signal: stop.signal, controller: stop, ask }) : turn(llm, history, params, { ...opts, signal: stop.signal }));
  if (r.stopped) {
    endOpenLines();
    err.line("(stopped)", styler(process.stderr).dim);
    return 130;
  }
  return 0;
}

async function interactive(llm: LlmClient, history: ChatCompletionMessageParam[], params: Partial<ChatCompletionCreateParams>, opts: { json: boolean; stream: boolean; tools: ToolSetup | undefined }): Promise<number> {
  const s = styler(process.stdout);
  const dim = styler(process.stderr).dim;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  rl.setPrompt(s.cyan("you› "));
  const ask = askInSession(rl);
  const tools = opts.tools;
  out.line(`chatting with ${llm.provider.id} (${llm.model ?? "server default"})${tools ? ` with ${tools.tools.length} tool${tools.tools.length === 1 ? "" : "s"} (${tools.tools.map((t) => t.name).join(", ")})` : ""}; ${SESSION_HELP}`, s.dim);
  /** The reply being received, which Ctrl-C stops. */
  let running: AbortController | undefined;
  let leftByCommand = false;
  // Ctrl-D while a reply streams (or at an approval) closes the session's readline before the turn
  // ends: no prompt after it, since prompting a closed readline resumes stdin and the program would
  // never exit.
  let closed = false;
  let closedMidTurn = false;
  rl.on("close", () => {
    closed = true;
    closedMidTurn = running !== undefined;
  });
  // In raw mode Ctrl-C is a key, not a signal: readline reports it here.
  rl.on("SIGINT", () => {
    if (running) running.abort();
    else if (rl.line) {
      rl.write("", { ctrl: true, name: "e" });
      rl.write("", { ctrl: true, name: "u" });
    } else rl.close();
  });
  rl.prompt();
  // The line iterator queues what is typed while an answer streams, so nothing typed ahead is lost.
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "/exit" || line === "/quit") {
      leftByCommand = true;
      break;
    }
    if (line === "/reset") {
      history.splice(history[0]?.role === "system" ? 1 : 0);
      out.line("(history cleared)", s.dim);
    } else if (line === "/help" || line === "/?") {
      out.line(SESSION_HELP, s.dim);
    } else if (/^\/\w+$/.test(line)) {
      // A mistyped command must not go to the model as a message (and into the history).
      out.line(`unknown command ${line}: ${SESSION_HELP}`, s.dim);
    } else if (line) {
      history.push({ role: "user", content: raw });
      running = new AbortController();
      try {
        let stopped: boolean;
        if (tools) {
          const r = await toolTurn(llm, history, params, { ...opts, tools, signal: running.signal, controller: running, ask });
          // The history is the loop's, stopped or not: every call, result and answer is kept, and the
          // next message continues it.
          history.splice(0, history.length, ...r.messages);
          stopped = r.stopped;
        } else {
          const r = await turn(llm, history, params, { ...opts, signal: running.signal });
          // A stopped reply stays in the history as far as it was shown: the screen and the
          // model's memory agree, and "go on" or "shorter" can refer to it. Tool calls cut
          // midway are not kept (their arguments may be incomplete, and a call needs a result).
          // If nothing was shown, the question goes too: two user turns in a row are refused by
          // some servers' chat templates.
          if (r.stopped) {
            if (r.shown) history.push({ role: "assistant", content: r.shown });
            else history.pop();
          }
          stopped = r.stopped;
        }
        if (stopped) {
          endOpenLines();
          err.line("(stopped)", dim);
        }
      } catch (e) {
        // One failed turn does not end the session; it is forgotten, so it can be asked again.
        history.pop();
        endOpenLines();
        err.line(`error: ${(e as Error).message}`, styler(process.stderr).red);
      } finally {
        running = undefined;
      }
    }
    if (closed) break;
    rl.prompt();
  }
  rl.close();
  // Ctrl-D or Ctrl-C left the cursor after the prompt: the shell's prompt needs a line of its own.
  if (!leftByCommand && !closedMidTurn) process.stdout.write("\n");
  return 0;
}

/** One request and its printed answer; `stopped` when the signal stopped it, with what was shown. */
async function turn(llm: LlmClient, history: ChatCompletionMessageParam[], params: Partial<ChatCompletionCreateParams>, opts: TurnOptions): Promise<{ stopped: boolean; shown: string }> {
  const dim = styler(process.stderr).dim;
  let final: ChatCompletion;
  let shown = "";
  try {
    if (opts.stream && !opts.json) {
      const stream = await llm.chat.completions.create({ ...params, messages: history, stream: true }, { signal: opts.signal });
      let reasoning = false;
      for await (const chunk of stream) {
        const d = chunk.choices[0]?.delta;
        if (!d) continue;
        if (d.reasoning_content) {
          err.write(d.reasoning_content, dim);
          reasoning = true;
        }
        if (d.content) {
          if (reasoning) {
            err.endLine();
            reasoning = false;
          }
          out.streamed(d.content);
          shown += d.content;
        }
      }
      if (reasoning) err.endLine();
      final = await stream.finalChatCompletion();
    } else {
      final = await llm.chat.completions.create({ ...params, messages: history, stream: false }, { signal: opts.signal });
      if (!opts.json) {
        const m = final.choices[0]?.message;
        if (m?.reasoning_content) err.line(m.reasoning_content, dim);
        if (m?.content) {
          out.write(m.content);
          shown = m.content;
        }
      }
    }
  } catch (e) {
    if (e instanceof AbortError && opts.signal.aborted) return { stopped: true, shown };
    throw e;
  } finally {
    // Whatever `out.streamed` still holds goes out before anything else is written (a prompt, a note).
    out.flush();
  }
  const choice = final.choices[0];
  const msg = choice?.message;
  if (opts.json) out.write(JSON.stringify(final, null, 2) + "\n");
  else {
    // On a terminal the answer ends with exactly one newline so the next prompt starts on its
    // own line; piped output is the answer plus "\n", whatever the answer ends with.
    if (shown) {
      if (out.tty) out.endLine();
      else out.write("\n");
    }
    for (const t of msg?.tool_calls ?? []) out.write(`tool call: ${t.function.name}(${t.function.arguments})\n`);
    // Say why a reply is cut short or missing, rather than leave an unexplained blank.
    if (choice?.finish_reason === "length") err.line("(the reply hit the token limit; --max-tokens raises it)", dim);
    else if (choice?.finish_reason === "content_filter") err.line("(the provider's content filter stopped the reply)", dim);
    else if (!shown && !msg?.tool_calls?.length) err.line("(the reply was empty)", dim);
  }
  history.push({ role: "assistant", content: msg?.content ?? "", ...(msg?.tool_calls ? { tool_calls: msg.tool_calls } : {}) });
  return { stopped: false, shown };
}

/** One line of a tool's call or result on stderr: on one line, and cut when long (unless --verbose). */
function clip(text: string, whole: boolean): string {
  const one = text.replace(/\r?\n/g, "\\n");
  return whole || one.length <= 200 ? one : `${one.slice(0, 199)}… (${one.length} characters; --verbose shows all)`;
}

/** A call's arguments as sent, compacted when they are JSON. */
function compactArgs(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw;
  }
}

/**
 * The history after a stopped tool loop: the loop's, as far as it got. Calls left without a result
 * (stopped at an approval, or while running) are answered as stopped, since a call needs its result;
 * text shown of a step cut midway is kept, as a stopped reply's is. If nothing came at all, the
 * question goes too (two user turns in a row are refused by some servers).
 */
export function stoppedHistory(sent: ChatCompletionMessageParam[], loop: ChatCompletionMessageParam[] | undefined, partial: string): ChatCompletionMessageParam[] {
  const h = [...(loop ?? sent)];
  const last = h.at(-1);
  if (last?.role === "assistant" && last.tool_calls?.length) {
    for (const c of last.tool_calls) h.push({ role: "tool", tool_call_id: c.id, content: `The user stopped the run before this call of ${c.function.name} finished; its outcome is unknown.` });
  }
  if (partial) h.push({ role: "assistant", content: partial });
  else if (h.at(-1)?.role === "user") h.pop();
  return h;
}

/**
 * One turn with tools: the tool loop, its text streamed to stdout as in \`turn\`, each call and result on
 * stderr, approvals asked. Resolves the loop's history (also when stopped: see \`stoppedHistory\`).
 */
async function toolTurn(llm: LlmClient, history: ChatCompletionMessageParam[], params: Partial<ChatCompletionCreateParams>, opts: ToolTurnOptions): Promise<{ stopped: boolean; messages: ChatCompletionMessageParam[] }> {
  const dim = styler(process.stderr).dim;
  const setup = opts.tools;
  /** The current step's text, and whether that step has finished. */
  let stepText = "";
  let stepOpen = false;
  let reasoning = false;
  /** Before a line on stderr: end the reasoning, and the step's text (piped too: the next step's text starts a line of its own). */
  const breakLines = () => {
    if (reasoning) {
      err.endLine();
      reasoning = false;
    }
    out.endLine();
  };
  /** Lines that came while an approval question is on screen (another call's result): shown after the answer. */
  let held: string[] | undefined;
  const note = (line: string) => {
    if (held) return void held.push(line);
    breakLines();
    err.line(clip(line, setup.verbose), dim);
  };
  const onQuestion = (open: boolean) => {
    const lines = held;
    held = open ? [] : undefined;
    if (!open) for (const l of lines ?? []) note(l);
  };
  const run = llm.chat.completions.runTools(
    { ...params, messages: history, tools: setup.tools, maxSteps: setup.maxSteps, stream: opts.stream && !opts.json },
    {
      signal: opts.signal,
      approve: approver({ ask: opts.ask, yes: setup.yes, timeoutMs: setup.timeoutMs, onQuestion }, opts.controller),
      // The CLI times each question itself, from when it is shown (they are asked one at a time).
      approvalTimeout: 2_147_483_647,
    },
  );
  // Listeners hear each event as it happens: a call is shown before its approval is asked.
  run.on("*", (e) => {
    switch (e.type) {
      case "step-start":
        stepText = "";
        stepOpen = true;
        break;
      case "step-finish":
        stepOpen = false;
        break;
      case "reasoning-delta":
        if (opts.json) break;
        err.write(e.text, dim);
        reasoning = true;
        break;
      case "text-delta":
        if (opts.json) break;
        if (reasoning) {
          err.endLine();
          reasoning = false;
        }
        out.streamed(e.text);
        stepText += e.text;
        break;
      case "tool-call":
        note(`→ ${e.name}(${compactArgs(e.toolCall.function.arguments)})`);
        break;
      case "tool-result":
        note(e.isError ? `✗ ${e.name}: ${e.result.replace(/^Error: /, "")}` : `← ${e.name}: ${e.result || "(nothing)"}`);
        break;
    }
  });
  let result: RunResult;
  try {
    result = await run.done();
  } catch (e) {
    if (e instanceof AbortError && opts.signal.aborted) return { stopped: true, messages: stoppedHistory(history, e.messages, stepOpen ? stepText : "") };
    throw e;
  } finally {
    out.flush();
  }
  const choice = result.completion.choices[0];
  if (opts.json) out.write(JSON.stringify(result.completion, null, 2) + "\n");
  else {
    if (reasoning) err.endLine();
    // As in \`turn\`: one newline on a terminal, the answer plus "\n" when piped.
    if (stepText) {
      if (out.tty) out.endLine();
      else out.write("\n");
    } else if (out.tty) out.endLine();
    if (result.finishReason === "max-steps") err.line(`(the model was still calling tools after ${setup.maxSteps} steps; --max-steps raises the limit)`, dim);
    else if (choice?.finish_reason === "length") err.line("(the reply hit the token limit; --max-tokens raises it)", dim);
    else if (choice?.finish_reason === "content_filter") err.line("(the provider's content filter stopped the reply)", dim);
    else if (!stepText) err.line("(the reply was empty)", dim);
  }
  return { stopped: false, messages: result.messages };
}
