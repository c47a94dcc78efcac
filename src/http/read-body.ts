import { ResponseTooLargeError } from "../errors.js";

/** A body read with a size limit: its text, and whether it was cut at the limit. */
export interface BodyText {
  text: string;
  truncated: boolean;
}

const MiB = 1024 * 1024;
const size = (n: number) => (n >= 1024 * MiB ? `${(n / 1024 / MiB).toFixed(n % (1024 * MiB) ? 1 : 0)} GiB` : n >= MiB ? `${(n / MiB).toFixed(n % MiB ? 1 : 0)} MiB` : `${n} bytes`);

/** The error for a body over the limit. */
export function tooLarge(provider: string, what: "body" | "stream" | "event", limit: number, detail: string): ResponseTooLargeError {
  const option = what === "body" ? "maxBodySize" : what === "stream" ? "maxStreamSize" : "maxEventSize";
  const e = new ResponseTooLargeError(`${provider}: ${detail} is larger than the limit of ${size(limit)} (limits.${option})`, { provider });
  e.limit = limit;
  e.what = what;
  return e;
}

/**
 * Read a response body as text, never more than `limit` bytes. Over the limit: `truncate` keeps the
 * first `limit` bytes (error bodies: only a snippet is kept anyway), otherwise `ResponseTooLargeError`.
 * An uncompressed body whose `content-length` is within the limit is read in one go (the common case).
 */
export async function readBody(response: Response, limit: number, provider: string, truncate = false): Promise<BodyText> {
  const length = Number(response.headers.get("content-length") ?? NaN);
  const encoding = response.headers.get("content-encoding");
  // A compressed body's content-length is its compressed size: it says nothing of what it inflates to.
  if (Number.isFinite(length) && (!encoding || encoding === "identity")) {
    if (length <= limit) return { text: await response.text(), truncated: false };
    if (!truncate) {
      response.body?.cancel().catch(() => {});
      throw tooLarge(provider, "body", limit, `the response (content-length ${length})`);
    }
  }
  if (!response.body) return { text: "", truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: text + decoder.decode(), truncated: false };
    bytes += value.byteLength;
    if (bytes > limit) {
      reader.cancel().catch(() => {});
      if (!truncate) throw tooLarge(provider, "body", limit, "the response");
      return { text: text + decoder.decode(value.subarray(0, value.byteLength - (bytes - limit))), truncated: true };
    }
    text += decoder.decode(value, { stream: true });
  }
}
