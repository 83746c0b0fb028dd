/**
 * `console.log` formatting as Node.js does it (`util.format` / `util.inspect` with the console's
 * defaults: depth 2, compact 3, breakLength 80, maxArrayLength 100), for the browser.
 *
 * Tutorials show the output of their code blocks as Node prints it, and the test suite checks that
 * text against Node. A live block run in the page must print the same text, so this module
 * re-implements the parts of Node's algorithm that decide the text: quoting, typed-array and array
 * prefixes, the "fits on one line" rule and the grouping of long arrays into columns. It is checked
 * against Node's own `util.format` by test/browser/inspect.node-util.test.ts.
 *
 * Not reproduced: colors, getters (shown as `[Getter]`), Proxy details, and stack traces (the
 * browser's differ anyway).
 */

const BREAK_LENGTH = 80;
const COMPACT = 3;
const DEPTH = 2;
const MAX_ARRAY_LENGTH = 100;
const MAX_STRING_LENGTH = 10_000;

interface Context {
  depth: number;
  seen: object[];
  circular: Map<object, number>;
  indentationLvl: number;
  currentDepth: number;
}

type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const IDENTIFIER = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

// eslint-disable-next-line no-control-regex
const ESCAPE_NEEDED = /[\x00-\x1f\x27\x5c\x7f-\x9f]/;

const META: Record<string, string> = {
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
  '\\': '\\\\',
};

/** Quotes a string the way Node does: single quotes unless the text contains some. */
function quote(str: string): string {
  let q = "'";
  if (str.includes("'")) {
    if (!str.includes('"')) q = '"';
    else if (!str.includes('`') && !str.includes('${')) q = '`';
  }
  if (!ESCAPE_NEEDED.test(str) && !(q !== "'" && str.includes(q))) return q + str + q;
  let out = '';
  for (const ch of str) {
    const code = ch.codePointAt(0)!;
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (META[ch] !== undefined) out += META[ch];
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) out += '\\x' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += ch;
  }
  return q + out + q;
}

function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

function formatPrimitive(ctx: Context, value: unknown): string {
  switch (typeof value) {
    case 'string': {
      let v = value;
      let trailer = '';
      if (v.length > MAX_STRING_LENGTH) {
        const remaining = v.length - MAX_STRING_LENGTH;
        v = v.slice(0, MAX_STRING_LENGTH);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      if (v.length > 16 && v.length > BREAK_LENGTH - ctx.indentationLvl - 4) {
        return (
          v
            .split(/(?<=\n)/)
            .map((line) => quote(line))
            .join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer
        );
      }
      return quote(v) + trailer;
    }
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

function constructorName(obj: object): string | null {
  let proto: object | null = obj;
  while (proto !== null) {
    const desc = Object.getOwnPropertyDescriptor(proto, 'constructor');
    if (desc !== undefined && typeof desc.value === 'function' && desc.value.name !== '') {
      return String(desc.value.name);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return null;
}

function prefix(ctor: string | null, tag: string, fallback: string, size = ''): string {
  if (ctor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && ctor !== tag) return `${ctor}${size} [${tag}] `;
  return `${ctor}${size} `;
}

function functionBase(fn: Function, ctor: string | null, tag: string): string {
  const source = Function.prototype.toString.call(fn);
  if (source.startsWith('class') && /^class(?:\s|\{)/.test(source)) {
    let base = `[class ${fn.name || '(anonymous)'}`;
    const superClass = Object.getPrototypeOf(fn) as { name?: string } | null;
    if (superClass && superClass.name) base += ` extends ${superClass.name}`;
    return base + ']';
  }
  let type = 'Function';
  if (tag === 'AsyncFunction') type = 'AsyncFunction';
  else if (tag === 'GeneratorFunction') type = 'GeneratorFunction';
  else if (tag === 'AsyncGeneratorFunction') type = 'AsyncGeneratorFunction';
  let base = `[${type}`;
  if (ctor === null) base += ' (null prototype)';
  base += fn.name === '' ? ' (anonymous)' : `: ${fn.name}`;
  base += ']';
  if (ctor !== type && ctor !== null) base += ` ${ctor}`;
  if (tag !== '' && ctor !== tag && tag !== type) base += ` [${tag}]`;
  return base;
}

function formatError(err: Error): string {
  const name = err.name || 'Error';
  const stack = typeof err.stack === 'string' && err.stack.includes(err.message) ? err.stack : '';
  // Browsers' stacks are not Node's: print the first line, `Name: message`, as Node's begins.
  const first = stack ? stack.split('\n')[0] : '';
  return first.startsWith(name) ? first : `${name}: ${err.message}`;
}

function formatValue(ctx: Context, value: unknown, recurseTimes: number, typedArray = false): string {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value);
  if (value === null) return 'null';
  if (ctx.seen.includes(value)) {
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes, typedArray);
}

const ARRAY_EXTRAS = 1;
const OBJECT_TYPE = 0;

function ownKeys(value: object, skipIndices: boolean): (string | symbol)[] {
  const keys: (string | symbol)[] = Object.keys(value);
  const symbols = Object.getOwnPropertySymbols(value).filter((s) => Object.prototype.propertyIsEnumerable.call(value, s));
  const all = [...keys, ...symbols];
  return skipIndices ? all.filter((k) => typeof k !== 'string' || !/^(0|[1-9][0-9]*)$/.test(k)) : all;
}

function formatRaw(ctx: Context, value: object, recurseTimes: number, typedArray: boolean): string {
  const ctor = constructorName(value);
  const rawTag = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  let tag = typeof rawTag === 'string' && rawTag !== '' ? rawTag : '';
  let keys: (string | symbol)[] = [];
  let base = '';
  let braces: [string, string];
  let formatter: (ctx: Context, value: object, recurseTimes: number) => string[] = () => [];
  let extrasType = OBJECT_TYPE;
  let noIterator = true;

  if (Array.isArray(value) || isTypedArray(value) || value instanceof Set || value instanceof Map) {
    noIterator = false;
    if (Array.isArray(value)) {
      keys = ownKeys(value, true);
      const p = ctor !== 'Array' || tag !== '' ? prefix(ctor, tag, 'Array', `(${value.length})`) : '';
      braces = [`${p}[`, ']'];
      if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
      extrasType = ARRAY_EXTRAS;
      formatter = formatArray as typeof formatter;
    } else if (value instanceof Set) {
      keys = ownKeys(value, false);
      const p = prefix(ctor, tag, 'Set', `(${value.size})`);
      formatter = formatSet as typeof formatter;
      if (value.size === 0 && keys.length === 0) return `${p}{}`;
      braces = [`${p}{`, '}'];
    } else if (value instanceof Map) {
      keys = ownKeys(value, false);
      const p = prefix(ctor, tag, 'Map', `(${value.size})`);
      formatter = formatMap as typeof formatter;
      if (value.size === 0 && keys.length === 0) return `${p}{}`;
      braces = [`${p}{`, '}'];
    } else {
      const ta = value as TypedArray;
      keys = ownKeys(ta, true);
      const fallback = ctor ?? tag;
      const size = ta.length;
      if (ctor === tag) tag = '';
      braces = [`${prefix(ctor, tag, fallback, `(${size})`)}[`, ']'];
      if (ta.length === 0 && keys.length === 0) return `${braces[0]}]`;
      formatter = formatTypedArray as typeof formatter;
      extrasType = ARRAY_EXTRAS;
    }
  } else {
    noIterator = true;
  }

  if (noIterator) {
    keys = ownKeys(value, false);
    braces = ['{', '}'];
    if (typeof value === 'function') {
      base = functionBase(value, ctor, tag);
      if (keys.length === 0) return base;
    } else if (ctor === 'Object' && tag === '') {
      if (keys.length === 0) return '{}';
    } else if (value instanceof Error) {
      base = formatError(value);
      keys = keys.filter((k) => k !== 'stack' && k !== 'message');
      if (keys.length === 0) return base;
    } else if (value instanceof RegExp) {
      base = RegExp.prototype.toString.call(value);
      if (keys.length === 0) return base;
    } else if (value instanceof Date) {
      base = Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (keys.length === 0) return base;
    } else if (value instanceof ArrayBuffer) {
      keys = ['byteLength', ...keys];
      braces[0] = `${prefix(ctor, tag, 'ArrayBuffer')}{`;
      formatter = formatArrayBuffer as typeof formatter;
    } else if (value instanceof Promise) {
      braces[0] = `${prefix(ctor, tag, 'Promise')}{`;
      formatter = () => ['<unknown>'];
    } else if (value instanceof WeakMap || value instanceof WeakSet) {
      braces[0] = `${prefix(ctor, tag, value instanceof WeakMap ? 'WeakMap' : 'WeakSet')}{`;
      formatter = () => ['<items unknown>'];
    } else {
      if (ctor === null) braces[0] = `${prefix(ctor, tag, 'Object')}{`;
      else braces[0] = `${prefix(ctor, tag, 'Object')}{`;
      if (keys.length === 0) return `${braces[0]}}`;
    }
  }
  braces = braces!;

  if (recurseTimes > ctx.depth) {
    const name = (ctor ?? tag) || 'Object';
    return `[${Array.isArray(value) ? 'Array' : name}]`;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const output = formatter(ctx, value, recurseTimes);
  for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
  ctx.seen.pop();

  const index = ctx.circular.get(value);
  if (index !== undefined) {
    const reference = `<ref *${index}>`;
    if (base === '') braces[0] = `${reference} ${braces[0]}`;
    else base = `${reference} ${base}`;
  }
  void typedArray;
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

function formatProperty(ctx: Context, value: object, recurseTimes: number, key: string | symbol, type: number): string {
  const desc = Object.getOwnPropertyDescriptor(value, key) ?? {
    value: (value as Record<string | symbol, unknown>)[key],
    enumerable: true,
  };
  let str: string;
  if (desc.value !== undefined) {
    ctx.indentationLvl += 2;
    str = formatValue(ctx, desc.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (desc.get !== undefined) {
    str = desc.set !== undefined ? '[Getter/Setter]' : '[Getter]';
  } else if (desc.set !== undefined) {
    str = '[Setter]';
  } else {
    str = 'undefined';
  }
  if (type === ARRAY_EXTRAS) return str;
  let name: string;
  if (typeof key === 'symbol') name = `[${key.toString()}]`;
  else if (key === '__proto__') name = "['__proto__']";
  else if (desc.enumerable === false) name = `[${key}]`;
  else if (IDENTIFIER.test(key)) name = key;
  else name = quote(key);
  return `${name}: ${str}`;
}

function remainingText(remaining: number): string {
  return `... ${remaining} more item${remaining > 1 ? 's' : ''}`;
}

function formatArray(ctx: Context, value: unknown[], recurseTimes: number): string[] {
  const len = Math.min(MAX_ARRAY_LENGTH, value.length);
  const output: string[] = [];
  let holes = 0;
  for (let i = 0; i < len; i++) {
    if (!Object.prototype.hasOwnProperty.call(value, i)) {
      holes++;
      continue;
    }
    if (holes > 0) {
      output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      holes = 0;
    }
    output.push(formatProperty(ctx, value, recurseTimes, String(i), ARRAY_EXTRAS));
  }
  if (holes > 0) output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
  if (value.length > len) output.push(remainingText(value.length - len));
  return output;
}

function formatTypedArray(_ctx: Context, value: TypedArray): string[] {
  const len = Math.min(MAX_ARRAY_LENGTH, value.length);
  const output: string[] = [];
  for (let i = 0; i < len; i++) {
    const v = value[i];
    output.push(typeof v === 'bigint' ? `${v}n` : formatNumber(v));
  }
  if (value.length > len) output.push(remainingText(value.length - len));
  return output;
}

function formatArrayBuffer(_ctx: Context, value: ArrayBuffer): string[] {
  const bytes = new Uint8Array(value);
  const shown = Math.min(50, bytes.length);
  let hex = Array.from(bytes.subarray(0, shown), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes.length > shown) hex += ` ... ${bytes.length - shown} more byte${bytes.length - shown > 1 ? 's' : ''}`;
  return [`[Uint8Contents]: <${hex}>`];
}

function formatSet(ctx: Context, value: Set<unknown>, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const v of value) {
    if (i++ >= MAX_ARRAY_LENGTH) break;
    output.push(formatValue(ctx, v, recurseTimes));
  }
  if (value.size > MAX_ARRAY_LENGTH) output.push(remainingText(value.size - MAX_ARRAY_LENGTH));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx: Context, value: Map<unknown, unknown>, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  let i = 0;
  for (const [k, v] of value) {
    if (i++ >= MAX_ARRAY_LENGTH) break;
    output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
  }
  if (value.size > MAX_ARRAY_LENGTH) output.push(remainingText(value.size - MAX_ARRAY_LENGTH));
  ctx.indentationLvl -= 2;
  return output;
}

/** Node's column layout for arrays of more than six short entries. */
function groupArrayElements(ctx: Context, output: string[], value: unknown): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  const items = value as ArrayLike<unknown>;
  if (items.length > MAX_ARRAY_LENGTH && output.length > MAX_ARRAY_LENGTH) outputLength--;
  const separatorSpace = 2;
  const dataLen = new Array<number>(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - ctx.indentationLvl) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
      maxLineLength.push(lineLength + separatorSpace);
    }
    let padStart = true;
    for (let i = 0; i < output.length; i++) {
      const v = items[i];
      if (typeof v !== 'number' && typeof v !== 'bigint') {
        padStart = false;
        break;
      }
    }
    const tmp: string[] = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        str += padStart ? cell.padStart(maxLineLength[j - i], ' ') : cell.padEnd(maxLineLength[j - i], ' ');
      }
      str += padStart ? output[j].padStart(maxLineLength[j - i] - separatorSpace, ' ') : output[j];
      tmp.push(str);
    }
    if (outputLength < output.length) tmp.push(output[outputLength]);
    return tmp;
  }
  return output;
}

function isBelowBreakLength(output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > BREAK_LENGTH) return false;
  for (const entry of output) {
    totalLength += entry.length;
    if (totalLength > BREAK_LENGTH) return false;
  }
  return base === '' || !base.includes('\n');
}

function reduceToSingleString(
  ctx: Context,
  output: string[],
  base: string,
  braces: [string, string],
  extrasType: number,
  recurseTimes: number,
  value: unknown,
): string {
  const entries = output.length;
  if (extrasType === ARRAY_EXTRAS && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < COMPACT && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(output, start, base)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

/** `util.inspect(value)` with Node's console defaults (`depth` 2 unless given). */
export function inspect(value: unknown, depth = DEPTH): string {
  const ctx: Context = { depth, seen: [], circular: new Map(), indentationLvl: 0, currentDepth: 0 };
  const first = formatValue(ctx, value, 0);
  if (ctx.circular.size === 0) return first;
  // A circular reference was found after its target was printed: print again with the marker.
  const again: Context = { depth, seen: [], circular: ctx.circular, indentationLvl: 0, currentDepth: 0 };
  return formatValue(again, value, 0);
}

/** ECMAScript constructors whose `toString` Node counts as built-in (then `%s` inspects). */
const BUILT_IN = new Set([
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'Date', 'Promise', 'RegExp',
  'Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError',
  'URIError', 'ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array',
  'Int32Array', 'Float32Array', 'Float64Array', 'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array',
  'DataView', 'Map', 'BigInt', 'Set', 'WeakMap', 'WeakSet', 'Proxy', 'Reflect', 'SharedArrayBuffer',
  'WeakRef', 'FinalizationRegistry',
]);

/** Node's rule for `%s`: objects whose `toString` is a built-in one are inspected, others stringified. */
function hasBuiltInToString(value: object): boolean {
  const candidate = value as { toString?: unknown };
  if (typeof candidate.toString !== 'function') return true;
  if (Object.prototype.hasOwnProperty.call(value, 'toString')) return false;
  let pointer: object | null = value;
  do {
    pointer = Object.getPrototypeOf(pointer) as object | null;
  } while (pointer !== null && !Object.prototype.hasOwnProperty.call(pointer, 'toString'));
  if (pointer === null) return true;
  const descriptor = Object.getOwnPropertyDescriptor(pointer, 'constructor');
  return descriptor !== undefined && typeof descriptor.value === 'function' && BUILT_IN.has(String(descriptor.value.name));
}

/** `util.format(...args)`: what `console.log(...args)` prints in Node (without the newline). */
export function format(...args: unknown[]): string {
  if (args.length === 0) return '';
  const first = args[0];
  let a = 0;
  let str = '';
  if (typeof first === 'string') {
    if (args.length === 1) return first;
    let tempStr: string | undefined;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const next = first.charCodeAt(++i);
      if (a + 1 !== args.length) {
        switch (next) {
          case 115: {
            // 's'
            const arg = args[++a];
            if (typeof arg === 'number') tempStr = formatNumber(arg);
            else if (typeof arg === 'bigint') tempStr = `${arg}n`;
            else if (typeof arg !== 'object' || arg === null || !hasBuiltInToString(arg)) tempStr = String(arg);
            else tempStr = inspect(arg, 0);
            break;
          }
          case 106: // 'j'
            tempStr = safeJson(args[++a]);
            break;
          case 100: {
            // 'd'
            const n = args[++a];
            tempStr = typeof n === 'bigint' ? `${n}n` : typeof n === 'symbol' ? 'NaN' : formatNumber(Number(n));
            break;
          }
          case 79: // 'O'
          case 111: // 'o'
            tempStr = inspect(args[++a]);
            break;
          case 105: {
            // 'i'
            const n = args[++a];
            tempStr = typeof n === 'bigint' ? `${n}n` : typeof n === 'symbol' ? 'NaN' : formatNumber(parseInt(String(n)));
            break;
          }
          case 102: {
            // 'f'
            const n = args[++a];
            tempStr = typeof n === 'symbol' ? 'NaN' : formatNumber(parseFloat(String(n)));
            break;
          }
          case 99: // 'c'
            a += 1;
            tempStr = '';
            break;
          case 37: // '%'
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (next === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }
  while (a < args.length) {
    const value = args[a];
    str += a > 0 ? ' ' : '';
    str += typeof value === 'string' ? value : inspect(value);
    a++;
  }
  return str;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return '[Circular]';
  }
}
