import { InvalidResponseError } from "../errors.js";
import type { CreateEmbeddingResponse, Embedding } from "../types.js";

/** Q8: a base64 embedding is little-endian float32; decode it to numbers. */
export function decodeBase64Floats(b64: string): number[] {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return Array.from(new Float32Array(bytes.buffer, 0, bytes.length >> 2));
}

/** Accept `{data:[…]}` with float arrays or base64 strings (Q8), in any order; always return number[] vectors by index. */
export function normalizeEmbeddings(json: unknown, model: string, provider: string): CreateEmbeddingResponse {
  const raw = json as Record<string, any>;
  const list = Array.isArray(raw?.data) ? raw.data : Array.isArray(raw?.embeddings) ? raw.embeddings.map((embedding: unknown, index: number) => ({ embedding, index })) : undefined;
  if (!list) throw new InvalidResponseError(`${provider}: the embeddings response has no \`data\` array`, { provider, body: JSON.stringify(json)?.slice(0, 2000) });
  const data: Embedding[] = list.map((d: any, i: number) => {
    const v = d?.embedding;
    const embedding = typeof v === "string" ? decodeBase64Floats(v) : Array.isArray(v) ? v : undefined;
    if (!embedding) throw new InvalidResponseError(`${provider}: embedding ${i} is neither a number array nor base64`, { provider, body: JSON.stringify(d)?.slice(0, 500) });
    return { ...d, object: "embedding", index: typeof d.index === "number" ? d.index : i, embedding };
  });
  data.sort((a, b) => a.index - b.index);
  return { ...raw, object: "list", data, model: typeof raw.model === "string" && raw.model ? raw.model : model };
}
