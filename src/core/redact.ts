// Key-like tokens servers echo back (OpenAI: "Incorrect API key provided: sk-proj-ab***yz").
const KEY_LIKE = /\b(sk|gsk|xai|csk|pk|rk|fw|sk-or-v1|AIza)[-_][A-Za-z0-9_*.\-]{6,}/g;

/**
 * Remove secrets from text that may reach an error message, log or snapshot: the exact key,
 * and anything that looks like a provider key.
 */
export function redact(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4 && out.includes(apiKey)) out = out.split(apiKey).join("[redacted]");
  return out.replace(KEY_LIKE, "[redacted]");
}

/** Deep enough for any error a server can cause; a cycle or a deeper graph stops the walk, not the caller. */
const MAX_DEPTH = 12;

/**
 * Redact every string an error exposes, in place: its message and stack, its own fields, and
 * (recursively) `cause`, `partial` and anything nested in them, so that `JSON.stringify(err)` and
 * `util.inspect(err, { depth: 10 })` show no key whatever field a server echoed it into.
 * Returns the error, for `throw scrubError(e, key)`.
 */
export function scrubError<E>(err: E, apiKey: string | undefined): E {
  const seen = new Set<object>();
  const visit = (v: unknown, depth: number): unknown => {
    if (typeof v === "string") return redact(v, apiKey);
    if (!v || typeof v !== "object" || seen.has(v) || depth > MAX_DEPTH) return v;
    seen.add(v);
    if (v instanceof Error) {
      // `message` and `stack` are own but not enumerable; `cause` too, when set by the constructor.
      for (const k of ["message", "stack"] as const) {
        const s = (v as Error)[k];
        if (typeof s === "string") trySet(v, k, redact(s, apiKey));
      }
      if ("cause" in v) trySet(v, "cause", visit((v as { cause?: unknown }).cause, depth + 1));
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i], depth + 1);
      return v;
    }
    // Response and Headers objects hold nothing enumerable worth walking.
    for (const k of Object.keys(v)) trySet(v, k, visit((v as Record<string, unknown>)[k], depth + 1));
    return v;
  };
  visit(err, 0);
  return err;
}

function trySet(o: object, k: string, value: unknown): void {
  try {
    if ((o as Record<string, unknown>)[k] !== value) (o as Record<string, unknown>)[k] = value;
  } catch {
    // A frozen or getter-only field (a platform error's): leave it; its text came from us or the platform, not the server.
  }
}
