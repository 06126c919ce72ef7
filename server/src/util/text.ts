/**
 * Text both storage engines can hold. PostgreSQL refuses U+0000 in `text`
 * ("invalid byte sequence 0x00") and an unpaired UTF-16 surrogate has no
 * UTF-8 form (the driver would silently store U+FFFD instead), while SQLite
 * stores either. Refusing both at the edge keeps the engines in agreement.
 */
export type TextProblem = 'nul' | 'lone_surrogate';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding U+0000 is the point.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function textProblem(value: string): TextProblem | null {
  const match = UNSTORABLE.exec(value);
  if (!match) return null;
  return match[0] === '\u0000' ? 'nul' : 'lone_surrogate';
}

export function describeTextProblem(problem: TextProblem): string {
  return problem === 'nul'
    ? 'contains a NUL character (U+0000), which text may not hold'
    : 'contains an unpaired UTF-16 surrogate, which is not Unicode text';
}

export interface TextFinding {
  /** Dotted path from the root, e.g. `user_ids.0`; `''` for the root itself. */
  path: string;
  problem: TextProblem;
  /** The problem is in a property name rather than a value. */
  inKey: boolean;
}

/**
 * The first string (value or property name) in parsed JSON-like data that
 * cannot be stored. Iterative, so a deeply nested body cannot overflow the
 * stack. Bytes (a Buffer body, such as an avatar) are not text and are
 * not entered.
 */
export function findUnstorableText(root: unknown): TextFinding | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { path, problem, inKey: false };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: join(path, String(i)) });
      continue;
    }
    if (ArrayBuffer.isView(value)) continue;
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const problem = textProblem(key);
      if (problem) return { path, problem, inKey: true };
      stack.push({ value: child, path: join(path, key) });
    }
  }
  return null;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
