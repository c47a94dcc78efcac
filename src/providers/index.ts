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

/** The id of a shipped preset: `createClient({ provider })` takes one of these (a typo fails to compile) or a preset object. */
export type PresetId =
  | "openai" | "groq" | "ollama" | "vllm" | "lmstudio" | "llamacpp" | "openrouter" | "together" | "fireworks"
  | "deepseek" | "mistral" | "xai" | "cerebras" | "gemini";

/** Every shipped preset, by id. */
export const presets: Readonly<Record<PresetId, ProviderPreset>> = Object.freeze(
  Object.fromEntries(
    [openai, groq, ollama, vllm, lmstudio, llamacpp, openrouter, together, fireworks, deepseek, mistral, xai, cerebras, gemini].map((p) => [p.id, p]),
  ) as unknown as Record<PresetId, ProviderPreset>,
);

/** Whether a string is a shipped preset's id. */
export function isPresetId(id: string): id is PresetId {
  return Object.prototype.hasOwnProperty.call(presets, id);
}

/** The shipped preset with this id, if there is one (for ids read from flags and files). */
export function presetById(id: string): ProviderPreset | undefined {
  return isPresetId(id) ? presets[id] : undefined;
}

/** The preset used when a client names only a `baseURL`: any OpenAI-compatible server, key optional. */
export const genericPreset: ProviderPreset = { id: "openai-compatible", name: "OpenAI-compatible server", baseURL: "", keyRequired: false };
