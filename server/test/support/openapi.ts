/**
 * The operations of the server's OpenAPI document, for tests that walk every
 * route (malformed input, fuzzing).
 */
export type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  enum?: unknown[];
  items?: Schema;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema: Schema;
}

export interface Operation {
  method: string;
  /** As the document writes it, with `{name}` for path params. */
  path: string;
  body?: Schema;
  /** Names of the query parameters. */
  query: string[];
  parameters: Parameter[];
}

export function operations(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const body = op.requestBody?.content?.['application/json']?.schema;
      const parameters: Parameter[] = (op.parameters ?? []).map((p: any) => ({
        name: p.name,
        in: p.in,
        schema: p.schema ?? {},
      }));
      const query = parameters.filter((p) => p.in === 'query').map((p) => p.name);
      ops.push({ method: method.toUpperCase(), path, body, query, parameters });
    }
  }
  // Signing out last keeps the caller's session for every other route.
  return ops.sort((a, b) => Number(a.path.includes('logout')) - Number(b.path.includes('logout')));
}

/** The path with every `{param}` replaced by `value`. */
export function fill(path: string, value: string): string {
  return path.replace(/\{[^}]+\}/g, value);
}
