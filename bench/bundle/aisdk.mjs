import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { streamText } from "ai";
const model = createOpenAICompatible({ name: "x", baseURL: "http://127.0.0.1:8080/v1" })("m");
const r = streamText({ model, prompt: "hi" });
for await (const t of r.textStream) console.log(t);
