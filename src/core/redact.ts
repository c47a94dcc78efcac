// Key-like tokens servers echo back (OpenAI: "Incorrect API key provided: sk-proj-ab***yz").
const KEY_LIKE = /\b(sk|gsk|xai|csk|pk|rk|fw|sk-or-v1|AIza)[-_][A-Za-z0-9_*.\-]{6,}/g;

/**
 * Remove secrets from text that may reach an error message, log or snapshot: the exact key,
 * and anything that looks like a provider key.
 */
export function redact(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join("[redacted]");
  return out.replace(KEY_LIKE, "[redacted]");
}
