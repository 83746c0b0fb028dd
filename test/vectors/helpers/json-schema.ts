/**
 * A small JSON Schema (draft 2020-12) validator for the keywords vectors.v1.schema.json uses:
 * $ref (to #/$defs/…, with sibling keywords), type, const, enum, required, properties,
 * additionalProperties (false or a schema), items, minItems, maxItems, minimum, maximum,
 * minLength, maxLength, pattern, allOf, anyOf, oneOf, not, if/then/else. It is written from the
 * specification, independently of the generator that builds the schema, and throws on any keyword
 * it does not know so that a schema cannot silently use an unchecked rule.
 */
type Schema = { [k: string]: unknown };

const KNOWN = new Set([
  '$schema', '$id', '$defs', 'title', 'description', '$ref', 'type', 'const', 'enum', 'required', 'properties',
  'additionalProperties', 'items', 'minItems', 'maxItems', 'minimum', 'maximum', 'minLength', 'maxLength', 'pattern',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else',
]);

/** Violations of `schema` by `value` (empty when valid). */
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

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === 'number' && actual === 'integer');
}

const regexCache = new Map<string, RegExp>();

function passes(root: Schema, schema: Schema, v: unknown): boolean {
  const errors: string[] = [];
  check(root, schema, v, '', errors);
  return errors.length === 0;
}

function check(root: Schema, schema: Schema, v: unknown, path: string, errors: string[]): void {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`unsupported schema keyword ${k} at ${path}`);
  const fail = (msg: string): void => void errors.push(`${path}: ${msg}`);
  if (typeof schema.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
    const target = m ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]] : undefined;
    if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
    check(root, target, v, path, errors);
  }
  const t = typeOf(v);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((x) => typeMatches(x, t))) return fail(`expected ${types.join('|')}, got ${t}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(v)) fail(`expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    fail(`${JSON.stringify(v)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (typeof v === 'number') {
    if (typeof schema.minimum === 'number' && v < schema.minimum) fail(`${v} is below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && v > schema.maximum) fail(`${v} is above ${schema.maximum}`);
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (typeof schema.minLength === 'number' && len < schema.minLength) fail(`string shorter than ${schema.minLength}`);
    if (typeof schema.maxLength === 'number' && len > schema.maxLength) fail(`string longer than ${schema.maxLength}`);
    if (typeof schema.pattern === 'string') {
      let re = regexCache.get(schema.pattern);
      if (!re) regexCache.set(schema.pattern, (re = new RegExp(schema.pattern, 'u')));
      if (!re.test(v)) fail(`${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)} does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === 'number' && v.length < schema.minItems) fail(`fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && v.length > schema.maxItems) fail(`more than ${schema.maxItems} items`);
    if (schema.items !== undefined) v.forEach((item, i) => check(root, schema.items as Schema, item, `${path}[${i}]`, errors));
  }
  if (t === 'object') {
    const obj = v as Record<string, unknown>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in obj)) fail(`missing member ${k}`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [k, sub] of Object.entries(props)) if (k in obj) check(root, sub, obj[k], `${path}.${k}`, errors);
    if (schema.additionalProperties !== undefined) {
      for (const k of Object.keys(obj)) {
        if (k in props) continue;
        if (schema.additionalProperties === false) fail(`unexpected member ${k}`);
        else check(root, schema.additionalProperties as Schema, obj[k], `${path}.${k}`, errors);
      }
    }
  }
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) check(root, sub, v, path, errors);
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((s) => passes(root, s as Schema, v))) fail('matches none of anyOf');
  if (Array.isArray(schema.oneOf)) {
    const n = schema.oneOf.filter((s) => passes(root, s as Schema, v)).length;
    if (n !== 1) {
      fail(`matches ${n} of oneOf`);
      // Report why the closest candidates failed, for readable test failures.
      if (n === 0 && schema.oneOf.length <= 4) schema.oneOf.forEach((s) => check(root, s as Schema, v, `${path}(oneOf)`, errors));
    }
  }
  if (schema.not !== undefined && passes(root, schema.not as Schema, v)) fail('matches "not"');
  if (schema.if !== undefined) {
    const branch = passes(root, schema.if as Schema, v) ? schema.then : schema.else;
    if (branch !== undefined) check(root, branch as Schema, v, path, errors);
  }
}
