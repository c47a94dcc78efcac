import { createInterface } from "node:readline";
import type { LlmClient } from "../../client.js";
import type { ChatCompletion, ChatCompletionCreateParams, ChatCompletionMessageParam } from "../../types.js";
import { numberFlag, parseArgs, UsageError } from "../args.js";
import { styler } from "../output.js";
import { clientFromFlags } from "../target.js";
import { TARGET_FLAGS, TARGET_HELP } from "./shared.js";

export const CHAT_HELP = `Usage: mimir-llm chat [options] [prompt]

One-shot when given a prompt (or when the prompt is piped on stdin); an interactive
session otherwise (history kept; /exit or Ctrl-D to leave, /reset to forget).
Tokens stream as they arrive; reasoning is shown dimmed, tool calls plainly.

Options:
${TARGET_HELP}
  --system TEXT         a system prompt
  --temperature N       sampling temperature
  --max-tokens N        output token limit
  --json                print the final ChatCompletion as JSON
  --no-stream           ask for the whole answer at once
  --verbose             error details
  -h, --help            this help`;

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (c) => (s += c));
    process.stdin.on("end", () => resolve(s));
    process.stdin.on("error", reject);
  });
}

export async function chatCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(argv, { values: [...TARGET_FLAGS, "system", "temperature", "max-tokens"], booleans: ["json", "no-stream", "verbose", "help"] }, "chat");
  if (flags.help) {
    process.stdout.write(CHAT_HELP + "\n");
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
  const history: ChatCompletionMessageParam[] = typeof flags.system === "string" ? [{ role: "system", content: flags.system }] : [];
  const opts = { json: flags.json === true, stream: flags["no-stream"] !== true };

  let prompt = positionals.join(" ");
  if (!prompt && !process.stdin.isTTY) prompt = (await readStdin()).trim();
  if (prompt) {
    history.push({ role: "user", content: prompt });
    await turn(llm, history, params, opts);
    return 0;
  }
  if (!process.stdin.isTTY) throw new UsageError("no prompt: pass one as an argument or on stdin");
  return interactive(llm, history, params, opts);
}

async function interactive(llm: LlmClient, history: ChatCompletionMessageParam[], params: Partial<ChatCompletionCreateParams>, opts: { json: boolean; stream: boolean }): Promise<number> {
  const s = styler(process.stdout);
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  rl.setPrompt(s.cyan("you› "));
  process.stdout.write(s.dim(`chatting with ${llm.provider.id} (${llm.model ?? "server default"}); /exit to leave\n`));
  rl.prompt();
  // The line iterator queues what is typed while an answer streams, so nothing typed ahead is lost.
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "/exit") break;
    if (line === "/reset") {
      history.splice(history[0]?.role === "system" ? 1 : 0);
      process.stdout.write(s.dim("(history cleared)\n"));
    } else if (line) {
      history.push({ role: "user", content: raw });
      try {
        await turn(llm, history, params, opts);
      } catch (e) {
        // One failed turn does not end the session.
        history.pop();
        process.stderr.write(s.red(`error: ${(e as Error).message}`) + "\n");
      }
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}

async function turn(llm: LlmClient, history: ChatCompletionMessageParam[], params: Partial<ChatCompletionCreateParams>, opts: { json: boolean; stream: boolean }): Promise<void> {
  const out = process.stdout;
  const err = styler(process.stderr);
  let final: ChatCompletion;
  let printed = false;
  if (opts.stream && !opts.json) {
    const stream = await llm.chat.completions.create({ ...params, messages: history, stream: true });
    let reasoning = false;
    for await (const chunk of stream) {
      const d = chunk.choices[0]?.delta;
      if (!d) continue;
      if (d.reasoning_content) {
        process.stderr.write(err.dim(d.reasoning_content));
        reasoning = true;
      }
      if (d.content) {
        if (reasoning) {
          process.stderr.write("\n");
          reasoning = false;
        }
        out.write(d.content);
        printed = true;
      }
    }
    if (reasoning) process.stderr.write("\n");
    final = await stream.finalChatCompletion();
  } else {
    final = await llm.chat.completions.create({ ...params, messages: history, stream: false });
    if (!opts.json) {
      const m = final.choices[0]?.message;
      if (m?.reasoning_content) process.stderr.write(err.dim(m.reasoning_content) + "\n");
      if (m?.content) {
        out.write(m.content);
        printed = true;
      }
    }
  }
  const msg = final.choices[0]?.message;
  if (opts.json) out.write(JSON.stringify(final, null, 2) + "\n");
  else {
    if (printed) out.write("\n");
    for (const t of msg?.tool_calls ?? []) out.write(`tool call: ${t.function.name}(${t.function.arguments})\n`);
  }
  history.push({ role: "assistant", content: msg?.content ?? "", ...(msg?.tool_calls ? { tool_calls: msg.tool_calls } : {}) });
}
