import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { describeTextProblem, findUnstorableText } from '../util/text.js';

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown
 * fields rejected by `additionalProperties: false`), while querystrings and
 * params, which arrive as strings, are coerced to the schema's types.
 *
 * Before either, every string in the body, the query and the path params of
 * every route (also those without a schema, like the `/2/` API) must be text
 * both storage engines can hold: a NUL or an unpaired surrogate is refused
 * here, naming the field, rather than by PostgreSQL alone with a 500.
 * Headers need no such check: none is used as data as it stands (tokens are
 * hashed before a lookup, device and request ids must match a pattern), and
 * Node's HTTP parser already refuses a NUL in a header.
 */
export function installValidation(app: FastifyInstance): void {
  const common = {
    allErrors: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  } as const;
  const strict = addFormats.default(new Ajv.default({ ...common, coerceTypes: false }));
  const coercing = addFormats.default(new Ajv.default({ ...common, coerceTypes: 'array' }));
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema),
  );
  app.addHook('preValidation', async (request) => assertStorableText(request));
}

const PARTS = ['params', 'query', 'body'] as const;

/** Refuses a request any of whose strings cannot be stored as text (see util/text.ts). */
export function assertStorableText(request: Pick<FastifyRequest, (typeof PARTS)[number]>): void {
  for (const part of PARTS) {
    const finding = findUnstorableText(request[part]);
    if (!finding) continue;
    const field = finding.path ? `${part}.${finding.path}` : part;
    const what = finding.inKey ? `A field name in ${field}` : field;
    throw AppError.invalid('invalid_text', `${what} ${describeTextProblem(finding.problem)}.`, {
      field,
      problem: finding.problem,
    });
  }
}

/**
 * Epoch milliseconds of a `date-time` the schema accepted. RFC 3339 allows a
 * leap second (23:59:60), which Date cannot read: that is refused here, naming
 * the field, rather than passed on as NaN and refused later as "in the past".
 */
export function parseDateTime(value: string, field: string): number {
  const at = Date.parse(value);
  if (!Number.isFinite(at)) {
    throw AppError.invalid(
      'invalid_time',
      `${field} is not a time this server can read (a leap second, :60, is not supported).`,
      { field },
    );
  }
  return at;
}
