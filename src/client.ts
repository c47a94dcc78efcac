import { buildChatBody, estimateTokens } from "./core/adapt-request.js";
import { normalizeEmbeddings } from "./core/embeddings.js";
import { normalizeModels } from "./core/models.js";
import { normalizeCompletion } from "./core/normalize-response.js";
import type { ClientOptions, RequestOptions } from "./core/options.js";
import { resolveConfig, type ResolvedConfig } from "./core/resolve-config.js";
import { ConfigError, InvalidResponseError } from "./errors.js";
import { send } from "./http/transport.js";
import type { ProviderPreset } from "./providers/preset.js";
import { ChatStream } from "./stream/chat-stream.js";
import type {
  ChatCompletion, ChatCompletionCreateParams, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming,
  CreateEmbeddingResponse, EmbeddingCreateParams, LlmWarning, Model,
} from "./types.js";

/** `chat.completions.create`: a `ChatCompletion`, or a `ChatStream` when `stream: true`. */
export interface ChatCompletions {
  create(params: ChatCompletionCreateParamsStreaming, options?: RequestOptions): Promise<ChatStream>;
  create(params: ChatCompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | ChatStream>;
}

/** Options of `complete()`: request parameters besides `messages`, plus a `system` prompt. */
export type CompleteOptions = Omit<ChatCompletionCreateParams, "messages" | "stream"> & { system?: string } & RequestOptions;

/** A client bound to one provider. Create it once and share it: it holds the rate limiter and what servers rejected. */
export interface LlmClient {
  chat: { completions: ChatCompletions };
  embeddings: { create(params: EmbeddingCreateParams, options?: RequestOptions): Promise<CreateEmbeddingResponse> };
  models: { list(options?: RequestOptions): Promise<Model[]> };
  /** A one-turn chat returning the text. */
  complete(prompt: string, options?: CompleteOptions): Promise<string>;
  /** The preset in use, the base URL and default model (no key). */
  readonly provider: ProviderPreset;
  readonly baseURL: string;
  readonly model: string | undefined;
}

function warner(cfg: ResolvedConfig, options: RequestOptions | undefined, into: LlmWarning[]): (w: LlmWarning) => void {
  const cb = options?.onWarning ?? cfg.onWarning;
  return (w) => {
    into.push(w);
    cb?.(w);
  };
}

async function createChat(cfg: ResolvedConfig, params: ChatCompletionCreateParams, options?: RequestOptions): Promise<ChatCompletion | ChatStream> {
  const warnings: LlmWarning[] = [];
  const warn = warner(cfg, options, warnings);
  const body = buildChatBody(params, cfg, warn);
  const model = body.model as string;
  const stream = body.stream === true;
  // Estimating means serialising the messages once more: only when a token budget is set.
  const tokens = cfg.limiter.countsTokens ? estimateTokens(body, JSON.stringify(body.messages)) : 1;
  const sent = await send(cfg, { method: "POST", path: "/chat/completions", body, stream, model, options, tokens, warn });
  if (stream) {
    if (!sent.response.body) throw new InvalidResponseError(`${cfg.preset.id}: the stream response has no body (status ${sent.response.status})`, { provider: cfg.preset.id, status: sent.response.status });
    return new ChatStream({
      response: sent.response, attempt: sent.attempt, idleTimeout: options?.idleTimeout ?? cfg.idleTimeout,
      provider: cfg.preset.id, model, requestId: sent.requestId, hooks: cfg.preset.hooks, thinkTags: cfg.thinkTags,
      apiKey: cfg.apiKey, warnings, warn,
    });
  }
  const synthesised: LlmWarning[] = [];
  const completion = normalizeCompletion(sent.json, cfg.preset.hooks, cfg.thinkTags, model, cfg.preset.id, synthesised);
  for (const w of synthesised) warn(w);
  if (warnings.length) completion.warnings = warnings;
  else delete completion.warnings;
  return completion;
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
  const chatCreate = ((params: ChatCompletionCreateParams, o?: RequestOptions) => createChat(cfg, params, o)) as ChatCompletions["create"];
  return {
    chat: { completions: { create: chatCreate } },
    embeddings: {
      async create(params, o) {
        if (!params || (typeof params.input !== "string" && !Array.isArray(params.input))) {
          throw new ConfigError("embeddings.create needs { input: string | string[] }");
        }
        const model = params.model ?? cfg.embeddingModel ?? cfg.model;
        if (!model) throw new ConfigError(`no embedding model: pass { model } or createClient({ embeddingModel }) (provider "${cfg.preset.id}" has no default)`);
        const warnings: LlmWarning[] = [];
        const warn = warner(cfg, o, warnings);
        // Q8: ask for floats; many compatible servers ignore or reject base64.
        const body: Record<string, unknown> = { ...params, model, encoding_format: params.encoding_format ?? "float" };
        const sent = await send(cfg, { method: "POST", path: "/embeddings", body, stream: false, model, options: o, warn });
        const res = normalizeEmbeddings(sent.json, model, cfg.preset.id);
        if (warnings.length) res.warnings = warnings;
        return res;
      },
    },
    models: {
      async list(o) {
        const sent = await send(cfg, { method: "GET", path: "/models", stream: false, options: o, warn: warner(cfg, o, []) });
        return normalizeModels(sent.json, cfg.preset.hooks, cfg.preset.id);
      },
    },
    async complete(prompt, o = {}) {
      if (typeof prompt !== "string") throw new ConfigError("complete(prompt) needs a string prompt");
      const { system, signal, timeout, idleTimeout, maxRetries, headers, onWarning, ...params } = o;
      const messages: ChatCompletionCreateParams["messages"] = system ? [{ role: "system", content: system }, { role: "user", content: prompt }] : [{ role: "user", content: prompt }];
      const c = await chatCreate({ ...params, messages, stream: false }, { signal, timeout, idleTimeout, maxRetries, headers, onWarning });
      return c.choices[0]?.message.content ?? "";
    },
    provider: cfg.preset,
    baseURL: cfg.baseURL,
    model: cfg.model,
  };
}
