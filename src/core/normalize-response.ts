import { InvalidResponseError } from "../errors.js";
import type { ProviderHooks } from "../providers/preset.js";
import { ChatCompletionAccumulator } from "../stream/accumulate.js";
import type { ChatCompletion, LlmWarning } from "../types.js";
import { errorFields } from "./error-map.js";
import { safeStringify } from "./json.js";

/**
 * A non-streamed response goes through the same accumulator as a stream (its `message` read as one
 * whole delta), so every quirk is handled once, the same way for both.
 */
export function normalizeCompletion(
  json: unknown, hooks: ProviderHooks | undefined, thinkTags: boolean, model: string | undefined,
  provider: string, warnings: LlmWarning[],
): ChatCompletion {
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new InvalidResponseError(`${provider}: expected a chat completion object`, { provider, body: safeStringify(json) });
  }
  const raw = json as Record<string, unknown>;
  if (!Array.isArray(raw.choices)) {
    throw new InvalidResponseError(`${provider}: the response has no \`choices\` array`, { provider, body: safeStringify(raw) });
  }
  const acc = new ChatCompletionAccumulator({ hooks, thinkTags, model, provider });
  acc.add(raw);
  if (acc.failure) {
    throw new InvalidResponseError(`${provider}: the generation failed: ${errorFields(raw).message}`, { provider, body: safeStringify(raw), partial: acc.snapshot() });
  }
  return acc.finish(warnings);
}
