import type { SimResponse } from "./response.js";
import type { SimErrorReply } from "./script.js";

/** The simulated Ollama's model store (native `/api/*` model endpoints). */
export interface OllamaSimOptions {
  /** Models installed at start ["llama3.2:latest"]. */
  installed?: string[];
  /** Models a pull can find ["llama3.2", "nomic-embed-text", "qwen3:0.6b", "tinyllama"]. Others: "file does not exist". */
  registry?: string[];
  /** Bytes per layer of a pulled model (two layers) [4 MB]. */
  layerBytes?: number;
  /** Progress lines per layer [5]. */
  steps?: number;
  /** Pause between progress lines, ms [5]. */
  stepDelayMs?: number;
  /** What `/api/version` reports [the dialect's: today's Ollama, or the legacy release's]. */
  version?: string;
}

interface Helpers {
  json(status: number, value: unknown, delivery?: { chunkDelayMs?: number }): SimResponse;
  error(e: SimErrorReply): SimResponse;
  frames(status: number, headers: Record<string, string>, frames: string[], delivery: { chunkDelayMs?: number }): SimResponse;
}

const full = (name: string) => (name.includes(":") ? name : `${name}:latest`);
const digestOf = (s: string) => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return "sha256:" + (h >>> 0).toString(16).padStart(8, "0").repeat(8);
};

/** Ollama's native model endpoints, as the real server answers them (errors as `{"error": "…"}`). */
export class OllamaStore {
  private readonly installed = new Map<string, number>();
  private readonly registry: Set<string>;
  readonly running = new Set<string>();

  constructor(private readonly o: OllamaSimOptions = {}, private readonly dialectVersion = "0.12.7") {
    for (const m of o.installed ?? ["llama3.2:latest"]) this.installed.set(full(m), (o.layerBytes ?? 4_000_000) * 2);
    this.registry = new Set((o.registry ?? ["llama3.2", "nomic-embed-text", "qwen3:0.6b", "tinyllama"]).map(full));
  }

  handle(method: string, route: string, body: any, h: Helpers): SimResponse | undefined {
    const name = typeof body?.model === "string" ? body.model : typeof body?.name === "string" ? body.name : "";
    const missing = () => h.error({ kind: "error", status: 404, body: { error: `model '${name}' not found` } });
    const entry = (n: string, size: number) => ({
      name: n, model: n, modified_at: "2026-01-01T00:00:00Z", size, digest: digestOf(n).slice(7),
      details: { format: "gguf", family: "llama", parameter_size: "3.2B", quantization_level: "Q4_K_M" },
    });
    switch (`${method} ${route}`) {
      case "GET /api/version":
        return h.json(200, { version: this.o.version ?? this.dialectVersion });
      case "GET /api/tags":
        return h.json(200, { models: [...this.installed].map(([n, size]) => entry(n, size)) });
      case "GET /api/ps":
        return h.json(200, { models: [...this.running].filter((n) => this.installed.has(n)).map((n) => ({ ...entry(n, this.installed.get(n)!), expires_at: "2026-01-01T00:05:00Z", size_vram: this.installed.get(n) })) });
      case "POST /api/show":
        if (!this.installed.has(full(name))) return missing();
        return h.json(200, { modelfile: `FROM ${full(name)}`, parameters: "num_ctx 4096", template: "{{ .Prompt }}", details: entry(full(name), 0).details, capabilities: ["completion"] });
      case "DELETE /api/delete":
        if (!this.installed.delete(full(name))) return missing();
        return h.frames(200, { "content-type": "application/json" }, [], {});
      case "POST /api/pull":
        return this.pull(full(name), body?.stream !== false, h);
      default:
        return undefined;
    }
  }

  /** A chat with this model happened: it is now loaded. */
  used(model: unknown): void {
    if (typeof model === "string") this.running.add(full(model));
  }

  private pull(name: string, stream: boolean, h: Helpers): SimResponse {
    const lines: object[] = [{ status: "pulling manifest" }];
    if (!this.registry.has(name)) {
      // Real Ollama answers 200 and reports the failure in the stream.
      lines.push({ error: "pull model manifest: file does not exist" });
    } else {
      const bytes = this.o.layerBytes ?? 4_000_000;
      const steps = this.o.steps ?? 5;
      for (const layer of ["model", "params"]) {
        const digest = digestOf(name + layer);
        for (let s = 0; s <= steps; s++) lines.push({ status: `pulling ${digest.slice(7, 19)}`, digest, total: bytes, completed: Math.round((bytes * s) / steps) });
      }
      lines.push({ status: "verifying sha256 digest" }, { status: "writing manifest" }, { status: "success" });
      this.installed.set(name, bytes * 2);
    }
    if (!stream) return h.json(200, lines[lines.length - 1]);
    return h.frames(200, { "content-type": "application/x-ndjson" }, lines.map((l) => JSON.stringify(l) + "\n"), { chunkDelayMs: this.o.stepDelayMs ?? 5 });
  }
}
