/**
 * A minimal JSON Schema (2020-12) validator for the keywords model.schema.json uses: $ref to
 * #/$defs, type, const, enum, required, properties, additionalProperties: false, items,
 * minItems, maxItems, minimum, maximum, minLength, pattern, oneOf, not. Independent of the
 * parser it is used to cross-check. Returns the list of violations (empty when valid).
 */
type Schema = { [k: string]: unknown };

export function validateJsonSchema(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, root, value, '$', errors);
  return errors;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function check(root: Schema, schema: Schema, v: unknown, path: string, errors: string[]): void {
  const fail = (msg: string): void => {
    errors.push(`${path}: ${msg}`);
  };
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/$defs/', '');
    const target = (root.$defs as Record<string, Schema>)[name];
    if (!target) throw new Error(`unknown $ref ${schema.$ref}`);
    check(root, target, v, path, errors);
  }
  if (schema.type !== undefined) {
    const t = typeOf(v);
    const ok = schema.type === t || (schema.type === 'number' && t === 'integer');
    if (!ok) return fail(`expected ${String(schema.type)}, got ${t}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(v)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) fail('not in enum');
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) fail(`below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && v > schema.maximum) fail(`above ${schema.maximum}`);
  }
  if (typeof v === 'string') {
    if (typeof schema.minLength === 'number' && v.length < schema.minLength) fail('too short');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(v)) fail('pattern mismatch');
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems) fail('too few items');
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) fail('too many items');
    if (schema.items) v.forEach((item, i) => check(root, schema.items as Schema, item, `${path}[${i}]`, errors));
  }
  if (typeOf(v) === 'object') {
    const obj = v as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in obj)) fail(`missing ${k}`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, sub] of Object.entries(props)) if (k in obj) check(root, sub, obj[k], `${path}.${k}`, errors);
    if (schema.additionalProperties === false) {
      for (const k of Object.keys(obj)) if (!(k in props)) fail(`unexpected key ${k}`);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const matches = schema.oneOf.filter((s) => validateAgainst(root, s as Schema, v)).length;
    if (matches !== 1) fail(`matches ${matches} of oneOf`);
  }
  if (schema.not && validateAgainst(root, schema.not as Schema, v)) fail('matches "not"');
}

function validateAgainst(root: Schema, schema: Schema, v: unknown): boolean {
  const errors: string[] = [];
  check(root, schema, v, '', errors);
  return errors.length === 0;
}
