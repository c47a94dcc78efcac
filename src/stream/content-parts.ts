/**
 * Content that arrives as something other than a string. Mistral's Magistral streams `content` as
 * parts (`[{type:"thinking", thinking:[{type:"text",text}]}, {type:"text", text}]`); other servers send
 * a single part object or a number. Text parts become content, thinking parts reasoning; parts we do
 * not understand are returned as they are, so the caller still gets them (never silent data loss).
 */
export function flattenContent(content: unknown): { text: string; reasoning: string; other: unknown[] } {
  const out = { text: "", reasoning: "", other: [] as unknown[] };
  const visit = (part: unknown, into: "text" | "reasoning") => {
    if (typeof part === "string") out[into] += part;
    else if (typeof part === "number" || typeof part === "boolean") out[into] += String(part);
    else if (Array.isArray(part)) for (const p of part) visit(p, into);
    else if (part && typeof part === "object") {
      const p = part as Record<string, unknown>;
      if (p.type === "thinking" || p.type === "reasoning") visit(p.thinking ?? p.reasoning ?? p.text ?? p.content, "reasoning");
      else if ((p.type === "text" || p.type === undefined) && (typeof p.text === "string" || Array.isArray(p.text))) visit(p.text, into);
      else out.other.push(part);
    }
  };
  visit(content, "text");
  return out;
}
