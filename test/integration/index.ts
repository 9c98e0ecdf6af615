/**
 * Entry point that VS Code's extension host calls (`extensionTestsPath`): runs every
 * out/integration/**\/*.test.js with mocha inside the real extension host and writes the
 * counts to $VLAB_TEST_RESULTS for the runner.
 */
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (p.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  if (process.env.VLAB_TEST_GREP) mocha.grep(process.env.VLAB_TEST_GREP);
  for (const f of testFiles(__dirname)) mocha.addFile(f);
  const failures: { title: string; error: string }[] = [];
  let passed = 0;
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failed) => {
      const file = process.env.VLAB_TEST_RESULTS;
      if (file) writeFileSync(file, JSON.stringify({ passed, failed: failures.length, failures }, null, 2));
      if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', () => passed++);
    runner.on('fail', (test, err) => failures.push({ title: test.fullTitle(), error: String(err?.stack ?? err) }));
  });
}
