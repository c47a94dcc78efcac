/** The wire habits of one provider family, from `shared/docs/quirks.md`. Pure data and small functions. */
export interface Dialect {
  name: DialectName;
  /** R1/R2: where reasoning goes. */
  reasoningField: "reasoning_content" | "reasoning";
  /** C1/C5/C6: where streamed usage goes: a `choices: []` chunk only when asked (OpenAI), always, or Groq's `x_groq`. */
  streamUsage: "on-request" | "always-chunk" | "last-chunk" | "x_groq";
  /** How tool calls are streamed. */
  toolCalls: "fragments" | "whole-no-index" | "repeat-name" | "null-then-full";
  /** F3: the finish reason after tool calls (and with `tool_choice: "required"`, where it differs: vLLM). */
  toolFinish: "tool_calls" | "stop";
  toolFinishRequired?: "stop";
  /** T10: the server's own tool-call id format. */
  toolIds?: "nine-alphanumerics";
  /** Q8: `encoding_format: "base64"` is ignored (floats come back anyway). */
  ignoresBase64?: boolean;
  /** `owned_by` in the model list [the dialect's name]; extra top-level fields of the list. */
  ownedBy?: string;
  modelListExtra?: (ids: string[]) => Record<string, unknown>;
  /** Serves Ollama's native model endpoints (`/api/tags`, `/api/pull`, …). */
  nativeModelApi?: boolean;
  /** F2: what intermediate chunks carry as finish_reason. */
  pendingFinish: null | "";
  /** S1: keep-alive comment sent before the first chunk. */
  keepAlive?: string;
  /** E1/E2: the error body. */
  errorBody(status: number, message: string, type: string, code: string | number | undefined, param: string | undefined): unknown;
  /** S5: the SSE text of an in-stream error. */
  streamError(message: string, id: string, model: string): string;
  /** Request-side rejections (Q1–Q6, R4, T12): an error for a body this server would refuse. */
  validate?(body: Record<string, any>): { status: number; message: string; type?: string; param?: string; code?: string } | undefined;
  /** E8: the status and message for an unknown model. */
  modelNotFound(model: string): { status: number; message: string; type: string; code?: string };
}

export type DialectName = "openai" | "groq" | "ollama" | "vllm" | "llamacpp" | "lmstudio" | "openrouter" | "deepseek" | "mistral";

const openaiError = (_status: number, message: string, type: string, code: string | number | undefined, param: string | undefined) =>
  ({ error: { message, type, param: param ?? null, code: code ?? null } });
const objectError = (status: number, message: string, type: string, code: string | number | undefined, param: string | undefined) =>
  ({ object: "error", message, type, param: param ?? null, code: code ?? status });
const dataError = (message: string) => `data: ${JSON.stringify({ error: { message, type: "server_error", code: 500 } })}\n\n`;

const base: Omit<Dialect, "name"> = {
  reasoningField: "reasoning_content",
  streamUsage: "on-request",
  toolCalls: "fragments",
  toolFinish: "tool_calls",
  pendingFinish: null,
  errorBody: openaiError,
  streamError: dataError,
  modelNotFound: (model) => ({ status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", code: "model_not_found" }),
};

const hasToolTurn = (body: Record<string, any>) => (body.messages ?? []).filter((m: any) => m?.role === "assistant" && Array.isArray(m.tool_calls) && m.tool_calls.length);

export const dialects: Record<DialectName, Dialect> = {
  openai: {
    ...base,
    name: "openai",
    validate(body) {
      // Q2: reasoning models refuse `max_tokens`.
      if (body.max_tokens != null && /^(o\d|gpt-5)/.test(String(body.model))) {
        return { status: 400, message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", param: "max_tokens", code: "unsupported_parameter" };
      }
      return undefined;
    },
  },
  groq: {
    ...base,
    name: "groq",
    reasoningField: "reasoning",
    streamUsage: "x_groq",
    validate(body) {
      for (const p of ["logprobs", "logit_bias", "top_logprobs"]) if (body[p] != null) return { status: 400, message: `'${p}' : not supported`, param: p };
      if (typeof body.n === "number" && body.n > 1) return { status: 400, message: "'n' : number must be at most 1", param: "n" };
      return undefined;
    },
  },
  ollama: {
    ...base,
    name: "ollama",
    reasoningField: "reasoning",
    streamUsage: "on-request",
    toolCalls: "whole-no-index",
    toolFinish: "stop",
    pendingFinish: "",
    ignoresBase64: true,
    ownedBy: "library",
    nativeModelApi: true,
    modelNotFound: (model) => ({ status: 404, message: `model "${model}" not found, try pulling it first`, type: "api_error" }),
    validate(body) {
      // Q6: Ollama refuses `content: null` on an assistant tool-call turn.
      if (hasToolTurn(body).some((m: any) => m.content === null)) return { status: 400, message: "invalid message content type: <nil>", type: "invalid_request_error" };
      return undefined;
    },
  },
  vllm: {
    ...base,
    name: "vllm",
    toolCalls: "null-then-full",
    toolFinishRequired: "stop",
    errorBody: objectError,
    // S5: vLLM and SGLang send a named `error` event.
    streamError: (message) => `event: error\ndata: ${JSON.stringify({ error: { message, type: "InternalServerError", code: 500 } })}\n\n`,
    modelNotFound: (model) => ({ status: 404, message: `The model \`${model}\` does not exist.`, type: "NotFoundError" }),
    validate(body) {
      // T12: "auto" tool choice needs server flags.
      if (Array.isArray(body.tools) && body.tools.length && (body.tool_choice === undefined || body.tool_choice === "auto")) {
        return { status: 400, message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: "BadRequestError" };
      }
      return undefined;
    },
  },
  llamacpp: {
    ...base,
    name: "llamacpp",
    streamUsage: "last-chunk",
    toolCalls: "repeat-name",
    // llama-server adds its own `models` list beside `data`.
    modelListExtra: (ids) => ({ models: ids.map((name) => ({ name, model: name })) }),
    modelNotFound: (model) => ({ status: 400, message: `model '${model}' not found`, type: "invalid_request_error" }),
  },
  lmstudio: {
    ...base,
    name: "lmstudio",
    errorBody: (_s, message) => ({ error: message }),
    modelNotFound: (model) => ({ status: 404, message: `Model "${model}" not found. Please load it first.`, type: "model_not_found" }),
    validate(body) {
      // Q4: LM Studio takes json mode only as a schema.
      if (body.response_format?.type === "json_object") return { status: 400, message: "'response_format.type' must be 'json_schema' or 'text'" };
      return undefined;
    },
  },
  openrouter: {
    ...base,
    name: "openrouter",
    reasoningField: "reasoning",
    keepAlive: ": OPENROUTER PROCESSING",
    // S5: OpenRouter sends a chunk with `error` and `finish_reason: "error"`.
    streamError: (message, id, model) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model, error: { code: 502, message }, choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }] })}\n\n`,
  },
  deepseek: {
    ...base,
    name: "deepseek",
    streamUsage: "always-chunk",
    validate(body) {
      // R4: thinking + tools: the assistant's reasoning must come back next turn.
      if (String(body.model).includes("reasoner") && hasToolTurn(body).some((m: any) => typeof m.reasoning_content !== "string")) {
        return { status: 400, message: "Missing `reasoning_content` field in the assistant message at message index 1.", type: "invalid_request_error" };
      }
      return undefined;
    },
  },
  mistral: {
    ...base,
    name: "mistral",
    streamUsage: "last-chunk",
    toolIds: "nine-alphanumerics",
    errorBody: objectError,
    validate(body) {
      // Q1: Mistral refuses unknown body fields, `stream_options` among them.
      if (body.stream_options !== undefined) return { status: 422, message: "body.stream_options: Extra inputs are not permitted", type: "invalid_request_message_error", param: "stream_options" };
      // Q5: and the `developer` role.
      if ((body.messages ?? []).some((m: any) => m?.role === "developer")) return { status: 422, message: "body.messages.0.role: Input should be 'system', 'user', 'assistant' or 'tool'", type: "invalid_request_message_error" };
      // T10: tool-call ids of exactly 9 alphanumerics.
      for (const m of body.messages ?? []) {
        const ids = [m?.tool_call_id, ...(Array.isArray(m?.tool_calls) ? m.tool_calls.map((t: any) => t?.id) : [])].filter((x) => x !== undefined);
        if (ids.some((id) => !/^[A-Za-z0-9]{9}$/.test(String(id)))) return { status: 400, message: "Tool call id was invalid but must be a-z, A-Z, 0-9, with a length of 9.", type: "invalid_request_error" };
      }
      return undefined;
    },
  },
};
