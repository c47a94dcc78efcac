import OpenAI from "openai";
const client = new OpenAI({ baseURL: "http://127.0.0.1:8080/v1", apiKey: "x" });
const s = await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true });
for await (const c of s) console.log(c.choices[0]?.delta?.content ?? "");
