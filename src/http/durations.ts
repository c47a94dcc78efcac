const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Parse a Go-style duration as servers send them in `x-ratelimit-reset-*` ("2m59.56s", "6ms", "1h2m")
 * or in messages ("try again in 970ms"). A bare number is seconds. Returns ms, or undefined.
 */
export function parseDuration(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  let total = 0;
  let matched = "";
  for (const m of t.matchAll(PART)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    matched += m[0];
  }
  return matched.length > 0 && matched.length === t.replace(/\s+/g, "").length ? total : undefined;
}

// E5: Groq (and OpenAI) say it in words: "Please try again in 970ms" / "in 2.5s" / "in 1m3.5s".
const TRY_AGAIN = /try again in\s+((?:\d+(?:\.\d+)?(?:ms|s|m|h))+)/i;

/** The wait a 429 message asks for, in ms. */
export function retryHintFromMessage(message: string): number | undefined {
  const m = TRY_AGAIN.exec(message);
  return m ? parseDuration(m[1]) : undefined;
}
