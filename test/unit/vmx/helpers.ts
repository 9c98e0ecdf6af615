import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/vmx');

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((n) => n.endsWith('.vmx'))
    .sort();
}
