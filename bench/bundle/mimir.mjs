// What an app bundler resolves for "mimir-llm" outside Node (the package's "default" export: one file per module).
import { createClient } from "../../dist/esm/index.js";
const llm = createClient({ baseURL: "http://127.0.0.1:8080/v1", model: "m" });
const s = await llm.chat.completions.create({ messages: [{ role: "user", content: "hi" }], stream: true });
for await (const c of s) console.log(c.choices[0]?.delta.content ?? "");
