import * as assert from 'node:assert/strict';
import { runCli } from '../../../src/cli/main';
import { CliCommand, CliFailure, CliIO, emit, UsageError } from '../../../src/cli/command';
import { CancelledError, LabError } from '../../../src/core/errors';
import { version } from '../../../package.json';

function io(): CliIO & { out: string; err: string } {
  const o = { out: '', err: '', env: {}, cwd: process.cwd() } as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

const seen: { positionals: string[]; values: Record<string, unknown> }[] = [];
const commands: CliCommand[] = [
  {
    path: ['demo', 'echo'], summary: 'Echoes its arguments.', synopsis: 'WORD… [--upper]',
    options: { upper: { type: 'boolean', description: 'upper-case' } },
    positionals: { min: 1, max: 3 },
    async run(inv) {
      seen.push({ positionals: inv.positionals, values: inv.values });
      const words = inv.positionals.map((w) => (inv.values.upper ? w.toUpperCase() : w));
      emit(inv, { words }, words.join(' '));
      return 0;
    },
  },
  { path: ['demo', 'fail'], summary: 'Fails.', synopsis: '', async run() { throw new CliFailure('the VM is running', 'vm-running'); } },
  { path: ['demo', 'usage'], summary: 'Bad usage.', synopsis: '', async run() { throw new UsageError('KEY is required'); } },
  { path: ['demo', 'crash'], summary: 'Crashes.', synopsis: '', async run() { throw new Error('boom'); } },
  { path: ['demo', 'lab'], summary: 'A library error.', synopsis: '', async run() { throw new LabError('notFound', 'The VM no longer exists. Refresh the inventory.'); } },
  { path: ['demo', 'stop'], summary: 'Cancelled.', synopsis: '', async run() { throw new CancelledError('Waiting for the task'); } },
];

describe('vlab CLI dispatcher', () => {
  it('--version prints the package version, plain and as JSON', async () => {
    const a = io();
    assert.equal(await runCli(['--version'], a, commands), 0);
    assert.equal(a.out, `${version}\n`);
    const b = io();
    assert.equal(await runCli(['--version', '--json'], b, commands), 0);
    assert.deepEqual(JSON.parse(b.out), { version });
  });

  it('--help lists every command; no arguments is a usage error', async () => {
    const a = io();
    assert.equal(await runCli(['--help'], a, commands), 0);
    for (const c of commands) assert.ok(a.out.includes(c.path.join(' ')), c.path.join(' '));
    const b = io();
    assert.equal(await runCli([], b, commands), 2);
  });

  it('dispatches to the longest matching command words with parsed options', async () => {
    const a = io();
    assert.equal(await runCli(['demo', 'echo', 'a', 'b', '--upper'], a, commands), 0);
    assert.equal(a.out, 'A B\n');
    assert.deepEqual(seen.at(-1)?.positionals, ['a', 'b']);
  });

  it('--json gives exactly one JSON document', async () => {
    const a = io();
    assert.equal(await runCli(['demo', 'echo', 'x', '--json'], a, commands), 0);
    assert.deepEqual(JSON.parse(a.out), { words: ['x'] });
  });

  it('a group name lists its commands; an unknown command is exit 2', async () => {
    const a = io();
    assert.equal(await runCli(['demo'], a, commands), 2);
    assert.match(a.out, /demo echo/);
    const b = io();
    assert.equal(await runCli(['nope'], b, commands), 2);
    assert.match(b.err, /unknown command 'nope'/);
  });

  it('usage errors exit 2 with the command usage: unknown option, too few or too many arguments', async () => {
    for (const argv of [['demo', 'echo', 'a', '--loud'], ['demo', 'echo'], ['demo', 'echo', '1', '2', '3', '4'], ['demo', 'usage']]) {
      const a = io();
      assert.equal(await runCli(argv, a, commands), 2, argv.join(' '));
      assert.match(a.err, /Usage: vlab demo/);
    }
  });

  it('failures exit 1 with a message, or a JSON error with its code', async () => {
    const a = io();
    assert.equal(await runCli(['demo', 'fail'], a, commands), 1);
    assert.equal(a.err, 'vlab demo fail: the VM is running\n');
    const b = io();
    assert.equal(await runCli(['demo', 'fail', '--json'], b, commands), 1);
    assert.deepEqual(JSON.parse(b.out), { error: { code: 'vm-running', message: 'the VM is running' } });
    const c = io();
    assert.equal(await runCli(['demo', 'crash', '--json'], c, commands), 1);
    assert.equal(JSON.parse(c.out).error.code, 'internal');
  });

  it('an error the product raises on purpose (LabError) prints its message and code, not a stack', async () => {
    const a = io();
    assert.equal(await runCli(['demo', 'lab'], a, commands), 1);
    assert.equal(a.err, 'vlab demo lab: The VM no longer exists. Refresh the inventory.\n');
    const b = io();
    assert.equal(await runCli(['demo', 'stop', '--json'], b, commands), 1);
    assert.deepEqual(JSON.parse(b.out), { error: { code: 'cancelled', message: 'Waiting for the task was cancelled.' } });
  });

  it('command --help shows the options', async () => {
    const a = io();
    assert.equal(await runCli(['demo', 'echo', '--help'], a, commands), 0);
    assert.match(a.out, /--upper/);
  });
});
