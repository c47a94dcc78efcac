import type { ProviderPreset } from "./preset.js";
import { openai } from "./openai.js";
import { groq } from "./groq.js";
import { ollama } from "./ollama.js";
import { vllm } from "./vllm.js";
import { lmstudio } from "./lmstudio.js";
import { llamacpp } from "./llamacpp.js";
import { openrouter } from "./openrouter.js";
import { together } from "./together.js";
import { fireworks } from "./fireworks.js";
import { deepseek } from "./deepseek.js";
import { mistral } from "./mistral.js";
import { xai } from "./xai.js";
import { cerebras } from "./cerebras.js";
import { gemini } from "./gemini.js";

export { openai, groq, ollama, vllm, lmstudio, llamacpp, openrouter, together, fireworks, deepseek, mistral, xai, cerebras, gemini };

/** Every shipped preset, by id. */
export const presets: Readonly<Record<string, ProviderPreset>> = Object.freeze(
  Object.fromEntries(
    [openai, groq, ollama, vllm, lmstudio, llamacpp, openrouter, together, fireworks, deepseek, mistral, xai, cerebras, gemini].map((p) => [p.id, p]),
  ),
);

/** The preset used when a client names only a `baseURL`: any OpenAI-compatible server, key optional. */
export const genericPreset: ProviderPreset = { id: "openai-compatible", name: "OpenAI-compatible server", baseURL: "", keyRequired: false };
