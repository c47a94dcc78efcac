import { createInterface } from "node:readline";
import type { LlmClient } from "../../client.js";
import { AbortError } from "../../errors.js";
import type { ChatCompletion, ChatCompletionCreateParams, ChatCompletionMessageParam } from "../../types.js";
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
  --json                print the final ChatCompletion as JSON
  --no-stream           ask for the whole answer at once
  --verbose             the library's debug log, and error details, on stderr
  -h, --help            this help

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

export async function chatCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { values: [...TARGET_FLAGS, "system", "temperature", "max-tokens"], booleans: ["json", "no-stream", "verbose", "help"] }, "chat");
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
  const llm = clientFromFlags(flags);
  const system = stringFlag(flags, "system");
  const history: ChatCompletionMessageParam[] = system !== undefined ? [{ role: "system", content: system }] : [];
  const opts = { json: flags.json === true, stream: flags["no-stream"] !== true };

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
  const r = await interruptible(() => stop.abort(), () => turn(llm, history, params, { ...opts, signal: stop.signal }));
  if (r.stopped) {
    endOpenLines();
    err.line("(stopped)", styler(process.stderr).dim);
    return 130;
  }
  return 0;
}

async function interactive(llm: LlmClient, history: ChatCompletionMessageParam[], params: Partial<ChatCompletionCreateParams>, opts: { json: boolean; stream: boolean }): Promise<number> {
  const s = styler(process.stdout);
  const dim = styler(process.stderr).dim;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  rl.setPrompt(s.cyan("you› "));
  out.line(`chatting with ${llm.provider.id} (${llm.model ?? "server default"}); ${SESSION_HELP}`, s.dim);
  /** The reply being received, which Ctrl-C stops. */
  let running: AbortController | undefined;
  let leftByCommand = false;
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
        const r = await turn(llm, history, params, { ...opts, signal: running.signal });
        if (r.stopped) {
          // A stopped reply stays in the history as far as it was shown: the screen and the
          // model's memory agree, and "go on" or "shorter" can refer to it. Tool calls cut
          // midway are not kept (their arguments may be incomplete, and a call needs a result).
          // If nothing was shown, the question goes too: two user turns in a row are refused by
          // some servers' chat templates.
          if (r.shown) history.push({ role: "assistant", content: r.shown });
          else history.pop();
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
    rl.prompt();
  }
  rl.close();
  // Ctrl-D or Ctrl-C left the cursor after the prompt: the shell's prompt needs a line of its own.
  if (!leftByCommand) process.stdout.write("\n");
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
