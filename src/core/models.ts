import { InvalidResponseError } from "../errors.js";
import type { ProviderHooks } from "../providers/preset.js";
import type { Model } from "../types.js";

/** `{data:[…]}` (OpenAI), a bare array (some servers), or `{models:[…]}` (llama.cpp adds one) → `Model[]`. */
export function normalizeModels(json: unknown, hooks: ProviderHooks | undefined, provider: string): Model[] {
  const raw = json as Record<string, any>;
  const list: unknown[] | undefined = Array.isArray(raw) ? raw : Array.isArray(raw?.data) ? raw.data : Array.isArray(raw?.models) ? raw.models : undefined;
  if (!list) throw new InvalidResponseError(`${provider}: the model list has no \`data\` array`, { provider, body: JSON.stringify(json)?.slice(0, 2000) });
  const out: Model[] = [];
  for (const item of list) {
    const m = item as Record<string, any>;
    const id = typeof m?.id === "string" ? m.id : typeof m?.name === "string" ? m.name : typeof m?.model === "string" ? m.model : undefined;
    if (!id) continue;
    let model: Model = { ...m, id, object: "model" };
    if (typeof m.created !== "number") delete model.created;
    if (m.owned_by != null && typeof m.owned_by !== "string") model.owned_by = String(m.owned_by);
    if (hooks?.normalizeModel) model = hooks.normalizeModel(model);
    out.push(model);
  }
  return out;
}
