interface DenoPermissions {
  permissions?: { querySync?(d: { name: "env"; variable: string }): { state: string } };
}

/**
 * Read an environment variable wherever the core runs. Browsers have no `process`. Deno 2 has one,
 * but reading `process.env` without `--allow-env` throws `NotCapable` (or, on a terminal, prompts the
 * user): so under Deno a variable is read only when env access is already granted. Anything that
 * cannot be read is "not set".
 */
export function readEnv(name: string | undefined): string | undefined {
  if (!name) return undefined;
  try {
    const deno = (globalThis as { Deno?: DenoPermissions }).Deno;
    if (deno?.permissions?.querySync && deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") return undefined;
    const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
    return value === undefined || value === "" ? undefined : value;
  } catch {
    return undefined;
  }
}
