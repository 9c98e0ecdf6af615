import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(__dirname, '..', '..', '..', 'src', 'core', 'backup', 'logs');

describe('backup/logs folder: only the file reader touches the file system', () => {
  it('no module but files.ts imports node:fs (or fs)', () => {
    const offenders = readdirSync(DIR)
      .filter((f) => f.endsWith('.ts') && f !== 'files.ts')
      .filter((f) => /from ['"](?:node:)?fs(?:\/promises)?['"]|require\(['"](?:node:)?fs/.test(readFileSync(join(DIR, f), 'utf8')));
    assert.deepEqual(offenders, []);
    assert.match(readFileSync(join(DIR, 'files.ts'), 'utf8'), /from 'node:fs'/, 'the reader is where it says');
  });
});
