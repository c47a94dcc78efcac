const OPEN = "<think>";
const CLOSE = "</think>";

const enum State { Start, Inside, After }

/**
 * R3: splits a leading `<think>…</think>` out of streamed content into reasoning,
 * whatever the split of the text across chunks. Only a tag at the very start of the content
 * (after whitespace) counts; anything else passes through untouched.
 */
export class ThinkTagSplitter {
  private state = State.Start;
  private buf = "";
  /** Whitespace right after `</think>` is the model's separator, not content. */
  private trimLead = false;

  /** Returns the content and reasoning parts of `text` that are certain so far. */
  push(text: string): { content: string; reasoning: string } {
    if (this.state === State.After) return { content: this.lead(text), reasoning: "" };
    this.buf += text;
    if (this.state === State.Start) {
      const t = this.buf.trimStart();
      if (t.length < OPEN.length && OPEN.startsWith(t)) return { content: "", reasoning: "" };
      if (!t.startsWith(OPEN)) {
        this.state = State.After;
        const content = this.buf;
        this.buf = "";
        return { content, reasoning: "" };
      }
      this.state = State.Inside;
      this.buf = t.slice(OPEN.length);
    }
    const close = this.buf.indexOf(CLOSE);
    if (close !== -1) {
      const reasoning = this.buf.slice(0, close);
      const rest = this.buf.slice(close + CLOSE.length);
      this.buf = "";
      this.state = State.After;
      this.trimLead = true;
      return { content: this.lead(rest), reasoning };
    }
    // Keep back a tail that could be the start of `</think>`.
    const keep = partialSuffix(this.buf, CLOSE);
    const reasoning = this.buf.slice(0, this.buf.length - keep);
    this.buf = this.buf.slice(this.buf.length - keep);
    return { content: "", reasoning };
  }

  /** The content ended: release what was held back. */
  flush(): { content: string; reasoning: string } {
    const buf = this.buf;
    this.buf = "";
    if (this.state === State.Inside) return { content: "", reasoning: buf };
    return { content: buf, reasoning: "" };
  }

  private lead(text: string): string {
    if (!this.trimLead) return text;
    const t = text.trimStart();
    if (t) this.trimLead = false;
    return t;
  }
}

function partialSuffix(s: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, s.length); n > 0; n--) if (s.endsWith(tag.slice(0, n))) return n;
  return 0;
}
