// Type tests: compiled by `tsc` in `npm test` (a mistake here fails the build); never executed for effect.
// Each `@ts-expect-error` line must be an error, or the build fails: so a type that got looser is caught too.
import * as z from "zod";
import {
  createClient, tool, parseToolArguments,
  type ChatCompletionContentPart, type ChatCompletionMessageToolCall, type LlmClient, type LlmWarning,
} from "./exports.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
const expectType = <T extends true>(_ok: T) => {};

async function checks(llm: LlmClient, call: ChatCompletionMessageToolCall, part: ChatCompletionContentPart, w: LlmWarning) {
  const Npc = z.object({ name: z.string(), age: z.number().optional() });

  // parsed is inferred from the schema.
  const c = await llm.chat.completions.parse({ messages: [], response_format: Npc });
  expectType<Equal<typeof c.choices[0]["message"]["parsed"], { name: string; age?: number | undefined } | null>>(true);
  const s = await llm.chat.completions.parse({ messages: [], response_format: Npc, stream: true });
  for await (const p of s.partialObjectStream) {
    expectType<Equal<typeof p.name, string | undefined>>(true);
  }
  const json = await llm.chat.completions.parse({ messages: [], response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } } });
  expectType<Equal<typeof json.choices[0]["message"]["parsed"], unknown>>(true);

  // A misspelled request key fails to compile; extra_body takes anything.
  // @ts-expect-error temprature is not a parameter
  await llm.chat.completions.create({ messages: [], temprature: 0.7 });
  await llm.chat.completions.create({ messages: [], temperature: 0.7, extra_body: { temprature: "sent as is" } });

  // An unknown preset id fails to compile.
  // @ts-expect-error "grok" is not a preset id
  createClient({ provider: "grok" });
  createClient({ provider: "groq", apiKey: "k" });

  // Content parts narrow on type.
  if (part.type === "text") expectType<Equal<typeof part.text, string>>(true);
  // @ts-expect-error an image part has no text
  if (part.type === "image_url") void part.text;

  // Warning types are a closed union.
  // @ts-expect-error not a warning type
  if (w.type === "param-droped") void w;

  // Typed tools type their arguments.
  const roll = tool({ name: "roll", parameters: z.object({ expr: z.string() }), execute: async ({ expr }) => expr.length });
  const args = parseToolArguments(call, roll);
  expectType<Equal<typeof args, { expr: string }>>(true);
  // @ts-expect-error expr is a string
  const n: number = args.expr;
  void n;
}

// Compiled, not run: the build is the test.
export { checks };
