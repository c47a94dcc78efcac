/** A tool call the simulated model makes. `arguments` as an object is sent as the dialect does (T6). */
export interface SimToolCall {
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
}

/** How a streamed reply is cut and delivered. */
export interface SimDelivery {
  /** Write the body in pieces: at random byte offsets, every N bytes, or at these byte offsets (S3). */
  split?: "random" | number | number[];
  /** Line ending of the SSE framing (S2) ["\n"]. */
  lineEnding?: "\n" | "\r\n" | "\r";
  /** Wait this long before answering (headers included), ms. */
  delayMs?: number;
  /** Wait this long between chunks, ms. */
  chunkDelayMs?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
}

/**
 * A scripted chat reply: what the model "says". The dialect decides how it goes on the wire.
 *
 * @example
 * sim.reply({ text: "A dragon!", reasoning: "They asked for one.", usage: { prompt_tokens: 5, completion_tokens: 3 } });
 */
export interface SimChatReply extends SimDelivery {
  kind?: "chat";
  /** The content, split into word-sized chunks when streamed. */
  text?: string;
  /** Exact content pieces, one per chunk (overrides `text`). */
  chunks?: string[];
  /**
   * The model refuses (OpenAI's structured outputs): `message.refusal` with `content: null`, streamed as
   * `delta.refusal` pieces. Overrides `text` and `chunks`.
   */
  refusal?: string;
  /** Reasoning, sent in the dialect's reasoning field (or inline `<think>` with `thinkInline`). */
  reasoning?: string;
  /** R3: put the reasoning inside `<think>…</think>` at the start of the content. */
  thinkInline?: boolean;
  toolCalls?: SimToolCall[];
  /** Override the finish reason; `null` sends none at all (F1). */
  finishReason?: string | null;
  /** Usage to report; `false` reports none. Default: estimated from the request and reply. */
  usage?: { prompt_tokens: number; completion_tokens: number } | false;
  model?: string;
  /** Several choices (`n`): the same reply, one per index. */
  choices?: number;
  /** Streams: after this many chunks, go silent and keep the connection open (S6). */
  stallAfter?: number;
  /** Streams: after this many chunks, send the dialect's in-stream error (S5). */
  errorAfter?: number;
  /** Streams: after this many chunks, destroy the connection. */
  dropAfter?: number;
}

/** A scripted HTTP error, rendered in the dialect's error shape unless `body` is given. */
export interface SimErrorReply extends SimDelivery {
  kind: "error";
  status: number;
  message?: string;
  type?: string;
  code?: string | number;
  param?: string;
  /** Exact body (string sent as is, anything else as JSON); overrides the dialect's shape. */
  body?: unknown;
  /** Extra error fields merged into the error object (e.g. Groq's `failed_generation`). */
  extra?: Record<string, unknown>;
}

/** Exact bytes: for fixtures recorded from real servers. */
export interface SimRawReply extends SimDelivery {
  kind: "raw";
  status?: number;
  contentType?: string;
  body: string | Uint8Array;
}

/** One scripted answer; each request takes the next one in the queue. */
export type SimReply = SimChatReply | SimErrorReply | SimRawReply;
