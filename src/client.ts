import { buildChatBody, estimateTokens } from "./core/adapt-request.js";
import { resolveCall } from "./core/call.js";
import { normalizeEmbeddings } from "./core/embeddings.js";
import type { ChatCreate } from "./core/chat-create.js";
import { ResponsePromise, type Answer, type LlmPromise } from "./core/llm-promise.js";
import { normalizeModels } from "./core/models.js";
import { normalizeCompletion } from "./core/normalize-response.js";
import type { ClientOptions, RequestOptions } from "./core/options.js";
import { scrubError } from "./core/redact.js";
import { rejectionHandler } from "./core/request-fixes.js";
import { resolveConfig, type ResolvedConfig } from "./core/resolve-config.js";
import { ConfigError } from "./errors.js";
import { send } from "./http/transport.js";
import type { ProviderPreset } from "./providers/preset.js";
import { ChatStream, checkStreamResponse } from "./stream/chat-stream.js";
import type { ParsedChatCompletion, ParsedChatStream, ParsedOf, ParseParams } from "./structured/parse.js";
import type { RunToolsOptions, RunToolsParams } from "./agent/run-tools.js";
import { ToolRun } from "./agent/tool-run.js";
import type {
  ChatCompletion, ChatCompletionCreateParams,
  CreateEmbeddingResponse, EmbeddingCreateParams, LlmWarning, Model,
} from "./types.js";

/** `chat.completions`: `create` (a `ChatCompletion`, or a `ChatStream` when `stream: true`) and `parse`. */
export interface ChatCompletions extends ChatCreate {
  /**
   * A chat whose answer is a value of a known shape: `response_format` is a schema (zod 4, valibot,
   * arktype, any Standard Schema, or a JSON Schema), and `choices[0].message.parsed` the validated,
   * typed value. Works on every server: json_schema where it constrains decoding, else JSON mode or a
   * prompt, with lenient extraction and a repair turn when the answer does not validate.
   *
   * @example
   * const Npc = z.object({ name: z.string(), race: z.string(), motive: z.string() });
   * const c = await llm.chat.completions.parse({ messages: [{ role: "user", content: "Invent an innkeeper." }], response_format: Npc });
   * c.choices[0].message.parsed; // { name, race, motive }
   */
  parse<S>(params: ParseParams<S> & { stream: true }, options?: RequestOptions): LlmPromise<ParsedChatStream<ParsedOf<S>>>;
  parse<S>(params: ParseParams<S> & { stream?: false | null }, options?: RequestOptions): LlmPromise<ParsedChatCompletion<ParsedOf<S>>>;
  /**
   * The tool loop: call the model, run the tools it asks for (validated; approved first where a tool
   * needs it), send the results back, again, until it answers. Events as it goes; `done()` for the
   * history, the steps and the summed usage.
   *
   * @example
   * const run = llm.chat.completions.runTools({ messages, tools: [rollDice, writeFile] }, { approve: (r) => ui.confirm(r) });
   * for await (const e of run) if (e.type === "text-delta") ui.append(e.text);
   * const { messages: history, usage } = await run.done();
   */
  runTools(params: RunToolsParams, options?: RunToolsOptions): ToolRun;
}

/** Options of `complete()`: request parameters besides `messages`, plus a `system` prompt. */
export type CompleteOptions = Omit<ChatCompletionCreateParams, "messages" | "stream"> & { system?: string } & RequestOptions;

/** A client bound to one provider. Create it once and share it: it holds the rate limiter and what servers rejected. */
export interface LlmClient {
  chat: { completions: ChatCompletions };
  embeddings: { create(params: EmbeddingCreateParams, options?: RequestOptions): LlmPromise<CreateEmbeddingResponse> };
  models: { list(options?: RequestOptions): LlmPromise<Model[]> };
  /** A one-turn chat returning the text. */
  complete(prompt: string, options?: CompleteOptions): Promise<string>;
  /** The preset in use, the base URL and default model (no key). */
  readonly provider: ProviderPreset;
  readonly baseURL: string;
  readonly model: string | undefined;
}

/** Put the call's warnings on a result, or none at all. */
function withWarnings<T extends { warnings?: LlmWarning[] }>(result: T, warnings: LlmWarning[]): T {
  if (warnings.length) result.warnings = warnings;
  else delete result.warnings;
  return result;
}

/** Run a call; whatever it throws leaves with every string scrubbed of the key. */
function run<T>(cfg: ResolvedConfig, fn: () => Promise<Answer<T>>): LlmPromise<T> {
  return ResponsePromise.from(fn().catch((e: unknown) => Promise.reject(scrubError(e, cfg.apiKey))));
}

async function createChat(cfg: ResolvedConfig, params: ChatCompletionCreateParams, options?: RequestOptions): Promise<Answer<ChatCompletion | ChatStream>> {
  const call = resolveCall(cfg, options);
  if (params?.repairHistory && Array.isArray(params.messages)) {
    // Loaded only by those who ask for it, from the tool loop's module (one lazily loaded chunk holds both).
    const { repairMessages } = await import("./agent/run-tools.js");
    const r = repairMessages(params.messages, { provider: cfg.preset });
    for (const w of r.warnings) call.warn(w);
    params = { ...params, messages: r.messages };
  }
  const body = buildChatBody(params, cfg, call.warn);
  const model = body.model as string;
  const stream = body.stream === true;
  // Estimating means serialising the messages once more: only when a token budget is set.
  const tokens = cfg.limiter.countsTokens ? estimateTokens(body, JSON.stringify(body.messages)) : 1;
  const sent = await send(cfg, { method: "POST", path: "/chat/completions", body, stream, model, call, tokens, onRejected: rejectionHandler(cfg, body, call.warn) });
  const { response, requestId } = sent;
  if (stream) {
    try {
      await checkStreamResponse(response, cfg.preset.id, cfg.apiKey, requestId);
    } catch (e) {
      sent.attempt.cleanup();
      throw e;
    }
    const data = new ChatStream({
      response, attempt: sent.attempt, idleTimeout: call.idleTimeout, provider: cfg.preset.id, model, requestId,
      hooks: cfg.preset.hooks, thinkTags: cfg.thinkTags, apiKey: cfg.apiKey, maxStreamSize: cfg.maxStreamSize,
      maxEventSize: cfg.maxEventSize, warnings: call.warnings, warn: call.warn,
    });
    return { data, response, requestId };
  }
  const synthesised: LlmWarning[] = [];
  const completion = normalizeCompletion(sent.json, cfg.preset.hooks, cfg.thinkTags, model, cfg.preset.id, synthesised);
  for (const w of synthesised) call.warn(w);
  return { data: withWarnings(completion, call.warnings), response, requestId };
}

/**
 * Create a client for any OpenAI-compatible provider.
 *
 * @example
 * import { createClient } from "mimir-llm";
 * const llm = createClient({ provider: "ollama", model: "llama3.2" });
 * const text = await llm.complete("Describe a mysterious tavern.");
 *
 * @throws {ConfigError} unknown preset, missing key for a hosted preset, bad base URL or option.
 */
export function createClient(options: ClientOptions = {}): LlmClient {
  const cfg = resolveConfig(options);
  const chatCreate = ((params: ChatCompletionCreateParams, o?: RequestOptions) => run(cfg, () => createChat(cfg, params, o))) as ChatCompletions["create"];
  // parse() is a layer on this client's public surface (create), like anything built on an LlmClient.
  // Loaded on first use: the schema tooling stays out of the bundle of an app that only chats.
  const parse = ((params: ParseParams<unknown>, o?: RequestOptions) =>
    run<unknown>(cfg, async () => {
      const { parseCompletion, parseStream } = await import("./structured/parse.js");
      return params?.stream ? parseStream(client, params, o) : parseCompletion(client, params, o);
    })) as ChatCompletions["parse"];
  // The loop's code, too, loads on first use.
  const runTools = (params: RunToolsParams, o?: RunToolsOptions) =>
    new ToolRun(async (emit) => {
      const { loop } = await import("./agent/run-tools.js");
      return loop(client, params, o ?? {}, emit).catch((e: unknown) => Promise.reject(scrubError(e, cfg.apiKey)));
    });
  const client: LlmClient = {
    chat: { completions: { create: chatCreate, parse, runTools } },
    embeddings: {
      create: (params, o) => run(cfg, async () => {
        if (!params || (typeof params.input !== "string" && !Array.isArray(params.input))) {
          throw new ConfigError("embeddings.create needs { input: string | string[] }");
        }
        const model = params.model ?? cfg.embeddingModel ?? cfg.model;
        if (!model) throw new ConfigError(`no embedding model: pass { model } or createClient({ embeddingModel }) (provider "${cfg.preset.id}" has no default)`);
        const call = resolveCall(cfg, o);
        // Q8: ask for floats; many compatible servers ignore or reject base64.
        const body: Record<string, unknown> = { ...params, model, encoding_format: params.encoding_format ?? "float" };
        const sent = await send(cfg, { method: "POST", path: "/embeddings", body, stream: false, model, call });
        const data = normalizeEmbeddings(sent.json, model, cfg.preset.id);
        if (call.warnings.length) data.warnings = call.warnings;
        return { data, response: sent.response, requestId: sent.requestId };
      }),
    },
    models: {
      list: (o) => run(cfg, async () => {
        const sent = await send(cfg, { method: "GET", path: "/models", stream: false, call: resolveCall(cfg, o) });
        return { data: normalizeModels(sent.json, cfg.preset.hooks, cfg.preset.id), response: sent.response, requestId: sent.requestId };
      }),
    },
    async complete(prompt, o = {}) {
      if (typeof prompt !== "string") throw new ConfigError("complete(prompt) needs a string prompt");
      const { system, signal, timeout, idleTimeout, maxRetries, headers, onWarning, onRetry, ...params } = o;
      const messages: ChatCompletionCreateParams["messages"] = system ? [{ role: "system", content: system }, { role: "user", content: prompt }] : [{ role: "user", content: prompt }];
      const c = await chatCreate({ ...params, messages, stream: false }, { signal, timeout, idleTimeout, maxRetries, headers, onWarning, onRetry });
      return c.choices[0]?.message.content ?? "";
    },
    provider: cfg.preset,
    baseURL: cfg.baseURL,
    model: cfg.model,
  };
  return client;
}
