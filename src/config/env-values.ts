// How a variable's text becomes a value: its default when unset or empty, and an error that
// names the variable and what is wrong when it cannot be used. Only src/config/ calls these.

export type Env = NodeJS.ProcessEnv;

/** The value, or undefined when unset or empty. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function str(env: Env, name: string, fallback: string): string {
  return optional(env, name) ?? fallback;
}

export function int(env: Env, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function port(env: Env, name: string, fallback: number): number {
  const value = int(env, name, fallback);
  if (value > 65_535) throw new Error(`${name} must be a TCP port (0-65535), got "${value}"`);
  return value;
}

/** Comma-separated values, trimmed, empty ones dropped. */
export function list(env: Env, name: string, fallback: string): string[] {
  return str(env, name, fallback)
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}
