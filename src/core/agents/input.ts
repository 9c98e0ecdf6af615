/**
 * Checks a tool's input against its JSON schema (the subset ./types.ts allows) before it runs: the
 * model or an MCP client may send anything. A bad input is a LabError 'invalidInput' that says
 * which field is wrong and what it takes; nothing is coerced silently.
 */
import { LabError } from '../errors';
import type { JsonSchema } from './types';

function fail(path: string, what: string): never {
  throw new LabError('invalidInput', `Input "${path}" ${what}.`);
}

function checkValue(v: unknown, s: JsonSchema, path: string): void {
  switch (s.type) {
    case 'string':
      if (typeof v !== 'string') fail(path, 'must be a string');
      if (s.maxLength !== undefined && v.length > s.maxLength) fail(path, `must be at most ${s.maxLength} characters`);
      if (s.enum && !s.enum.includes(v)) fail(path, `must be one of ${s.enum.map((x) => `"${x}"`).join(', ')}`);
      return;
    case 'number': case 'integer':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'must be a number');
      if (s.type === 'integer' && !Number.isInteger(v)) fail(path, 'must be a whole number');
      if (s.minimum !== undefined && v < s.minimum) fail(path, `must be at least ${s.minimum}`);
      if (s.maximum !== undefined && v > s.maximum) fail(path, `must be at most ${s.maximum}`);
      return;
    case 'boolean':
      if (typeof v !== 'boolean') fail(path, 'must be true or false');
      return;
    case 'array':
      if (!Array.isArray(v)) fail(path, 'must be a list');
      if (s.maxItems !== undefined && v.length > s.maxItems) fail(path, `takes at most ${s.maxItems} items`);
      v.forEach((x, i) => s.items && checkValue(x, s.items, `${path}[${i}]`));
      return;
    case 'object':
      checkObject(v, s, path);
      return;
    default:
      return;
  }
}

function checkObject(v: unknown, s: JsonSchema, path: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path || 'input', 'must be an object');
  const o = v as Record<string, unknown>;
  for (const r of s.required ?? []) if (o[r] === undefined) fail(path ? `${path}.${r}` : r, 'is required');
  for (const [k, x] of Object.entries(o)) {
    const p = path ? `${path}.${k}` : k;
    const sub = s.properties?.[k];
    if (!sub) {
      if (s.additionalProperties === false) fail(p, `is not known (known: ${Object.keys(s.properties ?? {}).join(', ')})`);
      continue;
    }
    if (x !== undefined && x !== null) checkValue(x, sub, p);
  }
}

/** The input as the tool's type, or a LabError 'invalidInput'. `null` fields are dropped. */
export function checkInput<T>(input: unknown, schema: JsonSchema): T {
  const v = input ?? {};
  checkObject(v, schema, '');
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== null && x !== undefined) out[k] = x;
  return out as T;
}
