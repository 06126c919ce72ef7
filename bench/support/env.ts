/** Reading the benches' knobs from the environment, one way for every bench. */

/** A whole number ≥ `min`, or `fallback` when unset or empty; anything else throws, naming the variable. */
export function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  }
  return value;
}

/** `1`, `true`, `yes` or `on` (any case) is true; unset or empty is `fallback`. */
export function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw);
}
