// The clients under test, each behind the same three calls. Every call returns what it received,
// so the harness can check that no client looks fast by dropping work.
import { request, Agent } from "undici";

const messages = [{ role: "user", content: "Describe a mysterious tavern." }];
const now = () => performance.now();

/** The leanest raw SSE reading: split on blank lines, one JSON.parse per event, no validation. */
function rawEvents(onEvent) {
  let buf = "";
  return (text) => {
    buf += text;
    let i;
    while ((i = buf.indexOf("\n\n")) !== -1) {
      const ev = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (ev.startsWith("data: ") && ev !== "data: [DONE]") onEvent(JSON.parse(ev.slice(6)));
    }
  };
}

/** Text of choice 0 from an async iterable of chunks, and when the first text arrived (mimir and openai alike). */
async function collectChunks(stream, t0) {
  let text = "";
  let first = 0;
  for await (const c of stream) {
    const d = c.choices[0]?.delta?.content;
    if (d) {
      if (!first) first = now() - t0;
      text += d;
    }
  }
  return { text, first };
}

function rawClient(name, post) {
  return {
    name,
    async complete(base) {
      const json = JSON.parse(await post(base, { model: "bench", messages }, false));
      return json.choices[0].message.content;
    },
    async stream(base, t0) {
      let text = "";
      let first = 0;
      await post(base, { model: "bench", messages, stream: true }, rawEvents((c) => {
        const d = c.choices[0]?.delta?.content;
        if (d) {
          if (!first) first = now() - t0;
          text += d;
        }
      }));
      return { text, first };
    },
    async tool(base) {
      let args = "";
      await post(base, { model: "bench", messages, stream: true }, rawEvents((c) => {
        const a = c.choices[0]?.delta?.tool_calls?.[0]?.function?.arguments;
        if (a) args += a;
      }));
      return args;
    },
  };
}

export async function makeClients(names) {
  const out = [];
  for (const name of names) out.push(await make(name));
  return out;
}

async function make(name) {
  switch (name) {
    case "undici": {
      const dispatcher = new Agent({ connections: 128, pipelining: 1 });
      return rawClient("undici", async (base, body, onText) => {
        const res = await request(`${base}/chat/completions`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, dispatcher });
        if (!onText) return res.body.text();
        res.body.setEncoding("utf8");
        for await (const chunk of res.body) onText(chunk);
      });
    }
    case "fetch":
      return rawClient("fetch", async (base, body, onText) => {
        const res = await fetch(`${base}/chat/completions`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
        if (!onText) return res.text();
        const reader = res.body.getReader();
        const dec = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          onText(dec.decode(value, { stream: true }));
        }
      });
    case "mimir": {
      const { createClient } = await import("../dist/index.js");
      const cache = new Map();
      const client = (base) => cache.get(base) ?? cache.set(base, createClient({ baseURL: base, model: "bench", maxRetries: 0 })).get(base);
      return {
        name,
        async complete(base) {
          return (await client(base).chat.completions.create({ messages })).choices[0].message.content;
        },
        async stream(base, t0) {
          return collectChunks(await client(base).chat.completions.create({ messages, stream: true }), t0);
        },
        async tool(base) {
          const s = await client(base).chat.completions.create({ messages, stream: true, tools: [{ type: "function", function: { name: "record", parameters: { type: "object" } } }] });
          return (await s.finalChatCompletion()).choices[0].message.tool_calls[0].function.arguments;
        },
      };
    }
    case "openai": {
      const { default: OpenAI } = await import("openai");
      const cache = new Map();
      const client = (base) => cache.get(base) ?? cache.set(base, new OpenAI({ baseURL: base, apiKey: "bench", maxRetries: 0 })).get(base);
      return {
        name,
        async complete(base) {
          return (await client(base).chat.completions.create({ model: "bench", messages })).choices[0].message.content;
        },
        async stream(base, t0) {
          return collectChunks(await client(base).chat.completions.create({ model: "bench", messages, stream: true, stream_options: { include_usage: true } }), t0);
        },
        // openai's accumulating helper.
        async tool(base) {
          const s = client(base).chat.completions.stream({ model: "bench", messages, tools: [{ type: "function", function: { name: "record", parameters: { type: "object" } } }] });
          return (await s.finalChatCompletion()).choices[0].message.tool_calls[0].function.arguments;
        },
      };
    }
    case "aisdk": {
      const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
      const { generateText, streamText, jsonSchema, tool } = await import("ai");
      const cache = new Map();
      const model = (base) => cache.get(base) ?? cache.set(base, createOpenAICompatible({ name: "bench", baseURL: base, includeUsage: true })("bench")).get(base);
      const tools = { record: tool({ inputSchema: jsonSchema({ type: "object" }) }) };
      return {
        name,
        async complete(base) {
          return (await generateText({ model: model(base), messages, maxRetries: 0 })).text;
        },
        async stream(base, t0) {
          const r = streamText({ model: model(base), messages, maxRetries: 0 });
          let text = "";
          let first = 0;
          for await (const d of r.textStream) {
            if (!first) first = now() - t0;
            text += d;
          }
          return { text, first };
        },
        async tool(base) {
          const r = streamText({ model: model(base), messages, tools, maxRetries: 0 });
          const calls = await r.toolCalls;
          return JSON.stringify(calls[0].input);
        },
      };
    }
    default:
      throw new Error(`unknown client ${name}`);
  }
}
