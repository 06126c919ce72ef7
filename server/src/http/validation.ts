import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown
 * fields rejected by `additionalProperties: false`), while querystrings and
 * params, which arrive as strings, are coerced to the schema's types.
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
}
