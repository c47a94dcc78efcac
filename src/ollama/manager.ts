import { resolveCall } from "../core/call.js";
import { mapHttpError } from "../core/error-map.js";
import type { ClientOptions, FetchLike } from "../core/options.js";
import { scrubError } from "../core/redact.js";
import { resolveConfig, type ResolvedConfig } from "../core/resolve-config.js";
import { ConnectionError, InvalidResponseError, LlmError, NotFoundError, StreamError } from "../errors.js";
import { tooLarge } from "../http/read-body.js";
import { send } from "../http/transport.js";
import { LineSplitter } from "../stream/lines.js";

/** Where Ollama is and how to talk to it. */
export interface OllamaOptions {
  /** Ollama's root (`http://127.0.0.1:11434`); a trailing `/v1` is ignored. Default: `OLLAMA_HOST`, else 127.0.0.1:11434. */
  baseURL?: string;
  fetch?: FetchLike;
  /** Per request, ms [30 000; pulls: 24 h]. */
  timeout?: number;
  maxRetries?: number;
  /** Called before each retry (as the client's `onRetry`). */
  onRetry?: ClientOptions["onRetry"];
  /** The log, as the client's: level [`MIMIR_LLM_LOG`, else silent] and where it goes [`console`]. */
  logLevel?: ClientOptions["logLevel"];
  logger?: ClientOptions["logger"];
}

/** Per-call options. */
export interface OllamaCallOptions {
  signal?: AbortSignal;
}

/** A model installed on the server (`/api/tags`). */
export interface OllamaModel {
  name: string;
  model: string;
  size: number;
  digest: string;
  modified_at?: string;
  details?: { format?: string; family?: string; parameter_size?: string; quantization_level?: string; [k: string]: unknown };
  [key: string]: unknown;
}

/** A loaded model (`/api/ps`). */
export interface OllamaRunningModel extends OllamaModel {
  expires_at?: string;
  size_vram?: number;
}

/** One progress event of a pull: Ollama's own fields, plus totals across all layers. */
export interface PullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
  /** Bytes done across every layer seen so far. */
  completedBytes: number;
  /** Bytes to download across every layer seen so far. */
  totalBytes: number;
}

export interface PullOptions extends OllamaCallOptions {
  onProgress?: (p: PullProgress) => void;
  /** Longest silence allowed between progress lines, ms [120 000]. */
  idleTimeout?: number;
}

/** Model management for a local Ollama through its own model endpoints (there is no OpenAI-compatible one). */
export interface OllamaManager {
  readonly baseURL: string;
  listModels(o?: OllamaCallOptions): Promise<OllamaModel[]>;
  showModel(name: string, o?: OllamaCallOptions): Promise<Record<string, unknown>>;
  pullModel(name: string, o?: PullOptions): Promise<void>;
  deleteModel(name: string, o?: OllamaCallOptions): Promise<void>;
  runningModels(o?: OllamaCallOptions): Promise<OllamaRunningModel[]>;
  version(o?: OllamaCallOptions): Promise<string>;
  /** Is the server up, is the model there; pull it if not. Resolves `{ pulled }`. */
  ensureModel(name: string, o?: PullOptions): Promise<{ pulled: boolean }>;
}

/** `llama3.2` and `llama3.2:latest` are the same model. */
export const sameModel = (a: string, b: string) => (a.includes(":") ? a : `${a}:latest`) === (b.includes(":") ? b : `${b}:latest`);

/**
 * Manage a local Ollama's models: list, show, pull with progress, delete, running, version, ensure.
 * Errors are the core's typed errors (`NotFoundError` for a missing model, `ConnectionError` when down).
 *
 * @example
 * import { createOllama } from "mimir-llm/ollama";
 * const ollama = createOllama();
 * await ollama.ensureModel("llama3.2", { onProgress: (p) => console.error(p.status, p.completedBytes, p.totalBytes) });
 */
export function createOllama(options: OllamaOptions = {}): OllamaManager {
  const root = (url: string) => url.replace(/\/+$/, "").replace(/\/v1$/, "");
  const base = resolveConfig({ provider: "ollama", baseURL: options.baseURL, fetch: options.fetch, timeout: options.timeout ?? 30_000, maxRetries: options.maxRetries ?? 1, rateLimit: { respectServerHeaders: false }, onRetry: options.onRetry, logLevel: options.logLevel, logger: options.logger });
  const cfg: ResolvedConfig = { ...base, baseURL: root(base.baseURL) };
  const call = async (method: "GET" | "POST" | "DELETE", path: string, body: Record<string, unknown> | undefined, o: OllamaCallOptions | undefined, model?: string) =>
    (await send(cfg, { method, path, body, stream: false, model, call: resolveCall(cfg, { signal: o?.signal }) })).json;
  const list = (json: unknown, what: string): any[] => {
    const models = (json as { models?: unknown })?.models;
    if (!Array.isArray(models)) throw new InvalidResponseError(`ollama: ${what} has no \`models\` list`, { provider: "ollama", body: JSON.stringify(json)?.slice(0, 500) });
    return models;
  };

  const manager: OllamaManager = {
    baseURL: cfg.baseURL,
    async listModels(o) {
      return list(await call("GET", "/api/tags", undefined, o), "/api/tags");
    },
    async showModel(name, o) {
      return (await call("POST", "/api/show", { model: name }, o, name)) as Record<string, unknown>;
    },
    async deleteModel(name, o) {
      await call("DELETE", "/api/delete", { model: name }, o, name);
    },
    async runningModels(o) {
      return list(await call("GET", "/api/ps", undefined, o), "/api/ps");
    },
    async version(o) {
      const v = (await call("GET", "/api/version", undefined, o)) as { version?: unknown };
      return String(v?.version ?? "");
    },
    async pullModel(name, o = {}) {
      const pullCfg = { ...cfg, timeout: options.timeout ?? 86_400_000 };
      const { response, attempt } = await send(pullCfg, { method: "POST", path: "/api/pull", body: { model: name, stream: true }, stream: true, model: name, call: resolveCall(pullCfg, { signal: o.signal }) });
      attempt.watchIdle(o.idleTimeout ?? 120_000);
      const layers = new Map<string, { total: number; completed: number }>();
      let done = false;
      // NDJSON: one JSON object a line, split by the same splitter as SSE streams.
      const line = (buf: string, start: number, end: number) => {
        const text = buf.slice(start, end);
        if (!text.trim()) return;
        let ev: Record<string, any>;
        try {
          ev = JSON.parse(text);
        } catch {
          throw new InvalidResponseError(`ollama: a pull progress line is not JSON: ${text.slice(0, 200)}`, { provider: "ollama", body: text.slice(0, 2000) });
        }
        // Ollama reports a failed pull inside the 200 stream.
        if (ev.error != null) {
          const err = mapHttpError(/not found|does not exist|file does not exist/i.test(String(ev.error)) ? 404 : 500, text, { provider: "ollama", model: name });
          if (err instanceof NotFoundError) err.message = `ollama: model "${name}" not found in the registry: ${ev.error}`;
          throw err;
        }
        if (typeof ev.digest === "string" && typeof ev.total === "number") layers.set(ev.digest, { total: ev.total, completed: typeof ev.completed === "number" ? ev.completed : 0 });
        let totalBytes = 0;
        let completedBytes = 0;
        for (const l of layers.values()) {
          totalBytes += l.total;
          completedBytes += l.completed;
        }
        if (ev.status === "success") done = true;
        o.onProgress?.({ ...ev, status: String(ev.status ?? ""), totalBytes, completedBytes });
      };
      const lines = new LineSplitter(line, cfg.maxEventSize, (limit) => tooLarge("ollama", "event", limit, "a pull progress line"));
      const decoder = new TextDecoder();
      const reader = response.body!.getReader();
      try {
        for (;;) {
          const { done: end, value } = await reader.read();
          if (end) break;
          attempt.touch();
          lines.push(decoder.decode(value, { stream: true }));
        }
        lines.push(decoder.decode());
        lines.end();
      } catch (e) {
        reader.cancel().catch(() => {});
        if (e instanceof LlmError) throw scrubError(e, cfg.apiKey);
        const err = attempt.error(e, `pulling ${name}`);
        throw err instanceof ConnectionError ? new StreamError(`ollama: the pull of ${name} broke off: ${err.message}`, { provider: "ollama", cause: e }) : err;
      } finally {
        attempt.cleanup();
      }
      if (!done) throw new StreamError(`ollama: the pull of ${name} ended without "success"`, { provider: "ollama" });
    },
    async ensureModel(name, o = {}) {
      await manager.version(o);
      const models = await manager.listModels(o);
      if (models.some((m) => sameModel(m.name ?? m.model, name))) return { pulled: false };
      await manager.pullModel(name, o);
      return { pulled: true };
    },
  };
  return manager;
}
