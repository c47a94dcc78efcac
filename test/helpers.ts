import { createClient, type ClientOptions, type LlmClient, type ChatCompletionChunk } from "../src/index.js";
import { startSimulator, type Simulator, type SimulatorOptions } from "../src/testing/index.js";

/** Start a simulator, make a client for it, run `fn`, always close. */
export async function withSim<T>(
  simOptions: SimulatorOptions,
  clientOptions: Partial<ClientOptions>,
  fn: (sim: Simulator, llm: LlmClient) => Promise<T>,
): Promise<T> {
  const sim = await startSimulator(simOptions);
  try {
    const llm = createClient({ baseURL: sim.baseURL, model: "sim-model", maxRetries: 0, ...clientOptions });
    return await fn(sim, llm);
  } finally {
    await sim.close();
  }
}

export const user = (content: string) => [{ role: "user" as const, content }];

export async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const out: ChatCompletionChunk[] = [];
  for await (const c of stream) out.push(c);
  return out;
}

/** Await a promise expected to reject; return the error. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection, got success");
}

/** Start a simulator, run `fn` against its origin over real HTTP (raw fetch), always close. */
export async function withServer<T>(options: SimulatorOptions, fn: (origin: string) => Promise<T>): Promise<T> {
  const sim = await startSimulator(options);
  try {
    return await fn(sim.origin);
  } finally {
    await sim.close();
  }
}
