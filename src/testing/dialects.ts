import type { ResponseFormatHabits, SimRefusal } from "./response-format.js";
import type { HistoryCheck } from "./history.js";

/**
 * The wire habits of one provider family (quirk ids as defined in docs/compatibility.md). Pure data and small functions.
 * A dialect describes the server as it behaves today; where an older release behaved differently in a
 * way clients still meet, `legacy` holds the fields that differ (selected with `SimulatorOptions.legacy`).
 */
export interface DialectHabits {
  /** R1/R2: where reasoning goes. */
  reasoningField: "reasoning_content" | "reasoning";
  /** C1/C5/C6: where streamed usage goes: a `choices: []` chunk only when asked (OpenAI), always, or Groq's `x_groq`. */
  streamUsage: "on-request" | "always-chunk" | "last-chunk" | "x_groq";
  /**
   * How tool calls are streamed: OpenAI's fragments; each call whole in one delta (T5), with `index` or
   * without it (T1); id and name repeated in every delta (T3); a null-arguments header, then everything (T8).
   */
  toolCalls: "fragments" | "whole" | "whole-no-index" | "repeat-name" | "null-then-full";
  /** F3: the finish reason after tool calls. */
  toolFinish: "tool_calls" | "stop";
  /** F3: the finish reason of a non-streamed reply to `tool_choice: "required"`, where it differs from `toolFinish`. */
  toolFinishRequired?: "stop";
  /** T10: the server's own tool-call id format. */
  toolIds?: "nine-alphanumerics";
  /**
   * T12: `tool_choice: "auto"` (or none given, with tools) is refused with this message unless the
   * server was started with its flag (`SimulatorOptions.enableAutoToolChoice`).
   */
  autoToolChoiceRefused?: string;
  /**
   * Q6: which messages with `content: null` (or no content) the server refuses, and its message:
   * every one, or only those without `tool_calls`. Unset: all accepted.
   */
  nullContent?: { refused: "always" | "without-tool-calls"; message: string };
  /** Q8: `encoding_format: "base64"` is ignored (floats come back anyway). */
  ignoresBase64?: boolean;
  /** `owned_by` in the model list [the dialect's name]; extra top-level fields of the list. */
  ownedBy?: string;
  modelListExtra?: (ids: string[]) => Record<string, unknown>;
  /** Serves Ollama's native model endpoints (`/api/tags`, `/api/pull`, …). */
  nativeModelApi?: boolean;
  /** How the server answers a route it does not have, when not with its JSON error body (Ollama's router: plain text). */
  unknownRoute?: { status: number; contentType: string; body: string };
  /** F2: what intermediate chunks carry as finish_reason. */
  pendingFinish: null | "";
  /** S1: keep-alive comment sent before the first chunk. */
  keepAlive?: string;
  /** E1/E2: the error body. */
  errorBody(status: number, message: string, type: string, code: string | number | undefined, param: string | undefined): unknown;
  /** S5: the SSE text of an in-stream error. */
  streamError(message: string, id: string, model: string): string;
  /**
   * What the server does with `response_format`: `json_schema` and `json_object` constrain the answer,
   * are ignored, or are refused with the server's own 400 (Q4 among them).
   */
  responseFormat: ResponseFormatHabits;
  /**
   * How the server checks the conversation (tool results paired with their calls, role order, system
   * messages), in the order it checks, each refusal in its words; made after `validate`. Unset: every
   * history is taken (Ollama). `SimulatorOptions.validateHistory: false` turns the checks off.
   */
  history?: readonly HistoryCheck[];
  /** Request-side rejections (Q1–Q3, Q5, R4): an error for a body this server would refuse. */
  validate?(body: Record<string, any>): { status: number; message: string; type?: string; param?: string; code?: string } | undefined;
  /** E8: the status and message for an unknown model. */
  modelNotFound(model: string): { status: number; message: string; type: string; code?: string };
}

/** One provider family's dialect. */
export interface Dialect extends DialectHabits {
  name: DialectName;
  /** The release whose habits these are; served where the server has a version endpoint (Ollama's `/api/version`). */
  version?: string;
  /** An older release's habits that clients still meet: the fields that differ, and that release's version. */
  legacy?: Partial<DialectHabits> & { version: string };
}

export type DialectName = "openai" | "groq" | "ollama" | "vllm" | "llamacpp" | "lmstudio" | "openrouter" | "deepseek" | "mistral";

const openaiError = (_status: number, message: string, type: string, code: string | number | undefined, param: string | undefined) =>
  ({ error: { message, type, param: param ?? null, code: code ?? null } });
const objectError = (status: number, message: string, type: string, code: string | number | undefined, param: string | undefined) =>
  ({ object: "error", message, type, param: param ?? null, code: code ?? status });
const dataError = (message: string) => `data: ${JSON.stringify({ error: { message, type: "server_error", code: 500 } })}\n\n`;

/** Go's `%T` of a nil interface: Ollama's words for a message without content. */
const ollamaNilContent = "invalid message content type: <nil>";

/**
 * OpenAI's words when JSON mode is asked for and no message says "json", with `param: "messages"` (as
 * client libraries' error fixtures for OpenAI and Fireworks quote the body); Groq's error starts the
 * same (vercel/ai#7508).
 */
const openaiJsonWord = "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.";

/** DeepSeek's error bodies carry `param: null, code: "invalid_request_error"` (its 400s as client fixtures capture them). */
const deepseekRefusal = (message: string): SimRefusal => ({ status: 400, message, code: "invalid_request_error" });

/** DeepSeek's JSON Output is `json_object` only, and the prompt must say "json" (api-docs.deepseek.com/guides/json_mode). */
const deepseekFormat: ResponseFormatHabits = {
  // 400 with `{"error":{"message":"This response_format type is unavailable now",…}}`: ItzCrazyKns/Vane#969
  // (January 2026; its content-length, 143, is exactly that body).
  jsonSchema: deepseekRefusal("This response_format type is unavailable now"),
  jsonObject: "constrained",
  jsonObjectNeedsWord: deepseekRefusal("Prompt must contain the word 'json' in some form to use 'response_format' of type 'json_object'."),
};

/** Where serde stopped reading the body (1-based column, the body sent as compact JSON): just after `"json_schema"`. */
function serdeColumn(body: Record<string, any>): number {
  const text = JSON.stringify(body);
  const at = text.indexOf('"type":"json_schema"');
  return at === -1 ? 1 : at + '"type":"json_schema"'.length;
}

/** "an object", "a string", "null": how OpenAI names the type it got. */
const article = (t: string) => (t === "null" ? t : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/**
 * OpenAI's checks of a history, in its words. The tool message without `tool_call_id` (a schema check,
 * made first): langchain#22600, MadcowD/ell#325, run-llama/multi-agent-concierge#16 (param
 * `messages.[N].tool_call_id`, code null). The tool message answering no preceding `tool_calls` turn
 * ("preceeding", sic): miurla/morphic#136, smarter-sh/smarter#264 (param `messages.[N].role`). The id
 * no call of that turn has: dapr/dapr-agents#145. The calls left unanswered, named by id, param at the
 * assistant turn: router-for-me/CLIProxyAPI#2798, sdcb/chats#132 (the turn at 57, the stray tool message
 * at 59). Arguments that are not a string: OpenAI's invalid_type wording for a message field
 * (clusterzx/paperless-ai#748 quotes it for `content`).
 */
const openaiHistory: readonly HistoryCheck[] = [
  {
    kind: "tool-call-id-required",
    refuse: (at) => ({ status: 400, message: "Missing parameter 'tool_call_id': messages with role 'tool' must have a 'tool_call_id'.", param: `messages.[${at}].tool_call_id` }),
  },
  {
    kind: "arguments-string",
    refuse: (at, k, got) => ({
      status: 400,
      message: `Invalid type for 'messages[${at}].tool_calls[${k}].function.arguments': expected a string, but got ${article(got)} instead.`,
      param: `messages[${at}].tool_calls[${k}].function.arguments`,
      code: "invalid_type",
    }),
  },
  {
    kind: "results-by-id",
    orphan: (at) => ({ status: 400, message: "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", param: `messages.[${at}].role` }),
    unknownId: (at, id) => ({ status: 400, message: `Invalid parameter: 'tool_call_id' of '${id}' not found in 'tool_calls' of previous message.`, param: `messages.[${at}].tool_call_id` }),
    unanswered: (at, ids) => ({
      status: 400,
      message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${ids.join(", ")}`,
      param: `messages.[${at}].role`,
    }),
  },
];

/**
 * mistral_common's message order (`MistralRequestValidator._validate_message_order`): after a tool
 * message only an assistant or another tool message; a tool message only after an assistant or a tool
 * message; a system message not after an assistant or a tool message.
 */
const mistralOrder: Readonly<Record<string, readonly string[]>> = {
  system: ["user", "assistant", "system"],
  user: ["assistant", "system", "user"],
  assistant: ["assistant", "user", "tool"],
  tool: ["assistant", "tool"],
};
const mistralCount = "Not the same number of function calls and responses";
const mistralNoId = "Tool call id has to be defined.";

/** Models vLLM serves through mistral_common (`--tokenizer-mode mistral`, the default for Mistral's own repositories). */
const mistralModels = /mistral|mixtral|ministral|magistral|devstral|codestral|pixtral|voxtral/i;

const base: DialectHabits = {
  reasoningField: "reasoning_content",
  streamUsage: "on-request",
  toolCalls: "fragments",
  toolFinish: "tool_calls",
  pendingFinish: null,
  // Both constrain the answer: Ollama ≥ 0.5 (ollama PR #7900), vLLM (guided decoding), llama.cpp
  // (grammars from the schema), Mistral (custom structured outputs) and OpenRouter (passed to the model's provider).
  responseFormat: { jsonSchema: "constrained", jsonObject: "constrained" },
  errorBody: openaiError,
  streamError: dataError,
  modelNotFound: (model) => ({ status: 404, message: `The model \`${model}\` does not exist or you do not have access to it.`, type: "invalid_request_error", code: "model_not_found" }),
};

export const dialects: Record<DialectName, Dialect> = {
  openai: {
    ...base,
    name: "openai",
    responseFormat: {
      jsonSchema: "constrained",
      jsonObject: "constrained",
      jsonObjectNeedsWord: { status: 400, message: openaiJsonWord, param: "messages" },
      // Structured outputs with `strict: true`: every object closed and all its properties required, else
      // "Invalid schema for response_format 'x': In context=(…), …" (quoted in mastra#12284; code as OpenAI's
      // Responses API reports it).
      strictSchema: (name, problem) => ({ status: 400, message: `Invalid schema for response_format '${name}': ${problem}`, param: "response_format", code: "invalid_json_schema" }),
    },
    history: openaiHistory,
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
    responseFormat: {
      jsonSchema: "constrained",
      jsonObject: "constrained",
      jsonObjectNeedsWord: { status: 400, message: openaiJsonWord },
      // Groq takes `json_schema` on some models only (groq-changelog 2025-07-18: Kimi K2, Llama 4; later
      // GPT-OSS); the others answer this 400 (its words as client code quotes them; with `param` and a
      // trailing newline it is the 230-byte body of ItzCrazyKns/Vane#980). Llama 3.x among them (litellm
      // PR #17438). The simulator's own model takes it; `SimulatorOptions.jsonSchemaUnsupported` says otherwise.
      jsonSchemaModels: {
        unsupported: ["llama-3.3-70b-versatile", "llama-3.1-8b-instant"],
        refusal: { status: 400, message: "This model does not support response format `json_schema`. See supported models at https://console.groq.com/docs/structured-outputs#supported-models", param: "response_format" },
      },
    },
    // Groq validates each message against its schema, in its own words (the same form as its
    // "property 'reasoning' is unsupported" for an assistant message, karthink/gptel#774): a tool message
    // without `tool_call_id` is refused (hackclub/ai#22, a body with `message` and `type` only). Whether it
    // pairs results with calls, and in which words, no report shows: not modelled.
    history: [
      {
        kind: "tool-call-id-required",
        refuse: (at) => ({ status: 400, message: `'messages.${at}' : for 'role:tool' the following must be satisfied[('messages.${at}.tool_call_id' : property 'tool_call_id' is missing)]` }),
      },
    ],
    validate(body) {
      for (const p of ["logprobs", "logit_bias", "top_logprobs"]) if (body[p] != null) return { status: 400, message: `'${p}' : not supported`, param: p };
      if (typeof body.n === "number" && body.n > 1) return { status: 400, message: "'n' : number must be at most 1", param: "n" };
      return undefined;
    },
  },
  // Today's Ollama (its `openai/openai.go`, the same from 0.12.7 through 0.33): every streamed tool call
  // whole, with `index` (`Index int`, no omitempty, since 0.4.7); `finish_reason` null until the last
  // chunk (since 0.1.37), `tool_calls` after tool calls (since 0.5.12); `content: null` refused only on
  // a message without `tool_calls` (since 0.11.4); base64 embeddings honoured (since 0.12.7);
  // `json_schema` as well as `json_object` constrains the answer (since 0.5.0, ollama PR #7900).
  // No `history` checks: `openai.go` turns each message into an `api.Message` as it comes (a tool
  // message's `tool_call_id` optional), so stray tool results, unanswered calls and system messages
  // anywhere are taken: the lenient server.
  ollama: {
    ...base,
    name: "ollama",
    version: "0.12.7",
    reasoningField: "reasoning",
    streamUsage: "on-request",
    toolCalls: "whole",
    nullContent: { refused: "without-tool-calls", message: ollamaNilContent },
    ownedBy: "library",
    nativeModelApi: true,
    // Ollama's HTTP router (gin) answers any route it does not have in plain text.
    unknownRoute: { status: 404, contentType: "text/plain", body: "404 page not found" },
    modelNotFound: (model) => ({ status: 404, message: `model "${model}" not found, try pulling it first`, type: "not_found_error" }),
    // Old Ollama, every habit clients had to survive at once: T1 (no `index` before 0.4.7, ollama#7881),
    // F3 (`stop` after tool calls before 0.5.12, ollama PR #7963), Q6 (`null` content refused even beside
    // `tool_calls` before 0.11.4), Q8 (base64 ignored before 0.12.7), and F2 (`""` on every chunk,
    // ollama#4357), which is older still (fixed in 0.1.37) but kept here so its tolerance stays tested.
    // It reports 0.3.14, a release with tools where all but F2 held. Before 0.5.0 `openai.go` read only
    // `json_object` (format "json"): a `json_schema` was ignored and the answer was free text.
    legacy: {
      version: "0.3.14",
      responseFormat: { jsonSchema: "ignored", jsonObject: "constrained" },
      toolCalls: "whole-no-index",
      toolFinish: "stop",
      pendingFinish: "",
      nullContent: { refused: "always", message: ollamaNilContent },
      ignoresBase64: true,
    },
  },
  vllm: {
    ...base,
    name: "vllm",
    version: "0.11.0",
    toolCalls: "null-then-full",
    autoToolChoiceRefused: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
    // vLLM itself pairs nothing: `chat_utils.py` copies a tool message's `tool_call_id` when there is one
    // and hands the conversation to the model's chat template. The checks are the model's. Mistral models
    // go through mistral_common in its `test` mode (vllm/tokenizers/mistral.py insists on it): role order
    // first, then tool messages counted at each assistant message (not at the end, which only `serving`
    // mode checks), then the tool message's id; refused in vLLM's error shape ("Unexpected role 'user'
    // after role 'tool'", type BadRequestError, code 400: mistralai/mistral-vibe#578). Qwen 3.5 and 3.6
    // templates raise on a system message that is not first (vllm#41114, a 400; verl#7725: two leading
    // system messages fail too).
    history: [
      { kind: "role-order", models: mistralModels, allowedAfter: mistralOrder, refuse: (prev, next) => ({ status: 400, message: `Unexpected role '${next}' after role '${prev}'`, type: "BadRequestError" }) },
      { kind: "results-counted", models: mistralModels, atEnd: false, refuse: () => ({ status: 400, message: mistralCount, type: "BadRequestError" }) },
      { kind: "tool-call-id-required", models: mistralModels, refuse: () => ({ status: 400, message: mistralNoId, type: "BadRequestError" }) },
      { kind: "system-first", models: /qwen3\.[5-9]/i, refuse: () => ({ status: 400, message: "System message must be at the beginning.", type: "BadRequestError" }) },
    ],
    // S5: vLLM and SGLang send a named `error` event.
    streamError: (message) => `event: error\ndata: ${JSON.stringify({ error: { message, type: "InternalServerError", code: 500 } })}\n\n`,
    // vLLM ≥ 0.10.1 nests its errors as OpenAI does (vllm PR #22099), with the status as `code`.
    errorBody: (status, message, type, code, param) => ({ error: { message, type, param: param ?? null, code: code ?? status } }),
    modelNotFound: (model) => ({ status: 404, message: `The model \`${model}\` does not exist.`, type: "NotFoundError" }),
    // Before 0.10.1: a flat `{"object":"error",…}` body (E2); before vllm PR #25054 (0.11): `stop`
    // for a non-streamed `tool_choice: "required"` reply (F3).
    legacy: { version: "0.10.0", errorBody: objectError, toolFinishRequired: "stop" },
  },
  llamacpp: {
    ...base,
    name: "llamacpp",
    streamUsage: "last-chunk",
    // llama-server reads `json_schema.schema`, and for `json_object` an optional flat `schema` beside the
    // type ("legacy llama.cpp, llama-cpp-python and Together.ai format", tools/server). Older builds threw
    // "response_format type must be one of \"text\" or \"json_object\"" (a 500) for json_schema; that was
    // gone well before the legacy builds below (ik_llama.cpp#778 points to llama.cpp PR #9527, September 2024).
    responseFormat: { jsonSchema: "constrained", jsonObject: "constrained", jsonObjectSchema: true },
    // llama-server adds its own `models` list beside `data`.
    modelListExtra: (ids) => ({ models: ids.map((name) => ({ name, model: name })) }),
    modelNotFound: (model) => ({ status: 400, message: `model '${model}' not found`, type: "invalid_request_error" }),
    // T3: builds between llama.cpp PR #12379 (tool-call streaming) and PR #13800 (May 2025, deltas as
    // OpenAI sends them) repeated id and name in every delta.
    legacy: { version: "May 2025 builds, before PR #13800", toolCalls: "repeat-name" },
  },
  lmstudio: {
    ...base,
    name: "lmstudio",
    errorBody: (_s, message) => ({ error: message }),
    modelNotFound: (model) => ({ status: 404, message: `Model "${model}" not found. Please load it first.`, type: "model_not_found" }),
    // Q4: LM Studio takes json mode only as a schema (lmstudio-bug-tracker#189; these words in 2026, LoadShine/tada#16).
    responseFormat: { jsonSchema: "constrained", jsonObject: { status: 400, message: "'response_format.type' must be 'json_schema' or 'text'" } },
    // 0.3.x until early 2025 refused `text` too (lmstudio-bug-tracker#169, on 0.3.5; #307, fixed since).
    legacy: {
      version: "0.3.5",
      responseFormat: {
        jsonSchema: "constrained",
        jsonObject: { status: 400, message: "'response_format.type' must be 'json_schema'" },
        text: { status: 400, message: "'response_format.type' must be 'json_schema'" },
      },
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
    responseFormat: deepseekFormat,
    // January–April 2025 the API refused `json_schema` from its JSON body parser (axum's rejection): a
    // 422 whose text/plain body names the place (browser-use#215, nanobrowser#62, cooragent#49).
    legacy: {
      version: "early 2025 (422 from its body parser)",
      responseFormat: {
        ...deepseekFormat,
        jsonSchema: {
          status: 422, plain: true,
          message: (body) => `Failed to deserialize the JSON body into the target type: response_format: response_format.type \`json_schema\` is unavailable now at line 1 column ${serdeColumn(body)}`,
        },
      },
    },
    // DeepSeek's words, `param: null, code: "invalid_request_error"`: a tool message after no `tool_calls`
    // turn (FoundationAgents/OpenManus#23 and #744, itmisx/deepx-code#94), calls left without results
    // (TurixAI/TuriX-CUA#15, 0xPlaygrounds/rig#856, bytedance/deer-flow#2706). "insufficient tool messages"
    // hints that it counts; modelled as pairing by id, which a history with the right ids passes alike.
    history: [
      {
        kind: "results-by-id",
        orphan: () => ({ status: 400, message: "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'", code: "invalid_request_error" }),
        unanswered: () => ({
          status: 400,
          message: "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. (insufficient tool messages following tool_calls message)",
          code: "invalid_request_error",
        }),
      },
    ],
    validate(body) {
      // R4: thinking + tools: the assistant's reasoning must come back next turn.
      if (String(body.model).includes("reasoner") && toolTurns(body).some((m: any) => typeof m.reasoning_content !== "string")) {
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
    // La Plateforme runs mistral_common in `serving` mode: role order ("Unexpected role 'user' after role
    // 'tool'", type invalid_request_message_order, code "3230": datapizza-labs/datapizza-ai#98,
    // avante.nvim PR #2695, charmbracelet/crush#279), then tool messages counted, at each assistant message
    // and at the end (mistralai/client-ts#106, camel-ai/camel#1467), then each tool message's id
    // (Gage-Technologies/mistral-go#8). The checks are mistral_common's validator.py.
    history: [
      { kind: "role-order", allowedAfter: mistralOrder, refuse: (prev, next) => ({ status: 400, message: `Unexpected role '${next}' after role '${prev}'`, type: "invalid_request_message_order", code: "3230" }) },
      { kind: "results-counted", atEnd: true, refuse: () => ({ status: 400, message: mistralCount }) },
      { kind: "tool-call-id-required", refuse: () => ({ status: 400, message: mistralNoId }) },
    ],
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

function toolTurns(body: Record<string, any>): any[] {
  return (body.messages ?? []).filter((m: any) => m?.role === "assistant" && Array.isArray(m.tool_calls) && m.tool_calls.length);
}

/**
 * A dialect as the simulator speaks it: today's server, or with `legacy` the older release's habits
 * laid over it (a dialect without a `legacy` entry has nothing older modelled and stays as it is).
 *
 * @example
 * resolveDialect("ollama", true).toolCalls; // "whole-no-index" (T1)
 */
export function resolveDialect(name: DialectName, legacy = false): Dialect {
  const d = dialects[name];
  if (!d) throw new Error(`unknown simulator dialect "${name}"; known: ${Object.keys(dialects).join(", ")}`);
  if (!legacy || !d.legacy) return d;
  const { legacy: older, ...today } = d;
  return { ...today, ...older };
}
