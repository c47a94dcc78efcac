import { defineProvider } from "./preset.js";

/** LM Studio: rejects `response_format: {type: "json_object"}` (Q4), so json mode is sent as a permissive `json_schema`. */
export const lmstudio = defineProvider({
  id: "lmstudio",
  name: "LM Studio",
  baseURL: "http://127.0.0.1:1234/v1",
  apiKeyEnv: "LMSTUDIO_API_KEY",
  keyRequired: false,
  connectionHint: "is LM Studio's server running? Start it from the app's Developer tab or with `lms server start`",
  capabilities: { jsonObject: false, thinkTags: true },
  quirks: ["Q4", "Q7", "R3"],
});
