import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { presets } from "./exports.js";

test("the README documents every preset's configuration: id, base URL, key variable, default model", () => {
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
  for (const p of Object.values(presets)) {
    const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.id}\` |`));
    assert.ok(row, `no README row for ${p.id}`);
    assert.ok(row.includes(`\`${p.baseURL}\``), `${p.id}: base URL`);
    if (p.apiKeyEnv) assert.ok(row.includes(`\`${p.apiKeyEnv}\``), `${p.id}: key variable`);
    assert.ok(p.defaultModel ? row.includes(`\`${p.defaultModel}\``) : row.includes("pass `model`"), `${p.id}: default model`);
  }
  assert.match(readme.split("\n").slice(0, 12).join("\n"), /npm ci[\s\S]*npm test/);
  // Links stay inside the repository (and the package): a link to ../ is dead for every reader.
  assert.doesNotMatch(readme, /\]\(\.\.\//);
  for (const m of readme.matchAll(/\]\((docs\/[^)#]+)/g)) assert.ok(existsSync(resolve(import.meta.dirname, "../..", m[1]!)), `README links ${m[1]}, which does not exist`);
});
