import { InvalidResponseError } from "../errors.js";
import type { ProviderHooks } from "../providers/preset.js";
import { ChatCompletionAccumulator } from "../stream/accumulate.js";
import { ChunkErrorSignal, ChunkNormalizer } from "../stream/normalize-chunk.js";
import type { ChatCompletion, LlmWarning } from "../types.js";
import { errorFields } from "./error-map.js";

/**
 * A non-streamed response goes through the same normaliser and accumulator as a stream (its
 * `message` read as one whole delta), so every quirk is handled once, the same way for both.
 */
export function normalizeCompletion(
  json: unknown, hooks: ProviderHooks | undefined, thinkTags: boolean, model: string | undefined,
  provider: string, warnings: LlmWarning[],
): ChatCompletion {
  if (!json || typeof json !== "object" || Array.isArray(json)) {
    throw new InvalidResponseError(`${provider}: expected a chat completion object`, { provider, body: JSON.stringify(json)?.slice(0, 2000) });
  }
  const raw = json as Record<string, any>;
  hooks?.normalizeResponse?.(raw);
  if (!Array.isArray(raw.choices)) {
    throw new InvalidResponseError(`${provider}: the response has no \`choices\` array`, { provider, body: JSON.stringify(raw).slice(0, 2000) });
  }
  const normalizer = new ChunkNormalizer(hooks, thinkTags, model);
  const acc = new ChatCompletionAccumulator();
  try {
    acc.add(normalizer.push(raw));
  } catch (e) {
    if (!(e instanceof ChunkErrorSignal)) throw e;
    const f = errorFields(raw);
    throw new InvalidResponseError(`${provider}: the generation failed: ${f.message}`, { provider, body: JSON.stringify(raw).slice(0, 2000) });
  }
  const tail = normalizer.flush();
  if (tail) acc.add(tail);
  return acc.finish(warnings);
}
