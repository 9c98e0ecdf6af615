import type { CliIO } from '../../../src/cli/command';

/** A CliIO that records what a command writes. */
export function fakeIO(cwd: string): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', env: {}, cwd, stdout(t: string) { io.out += t; }, stderr(t: string) { io.err += t; } };
  return io;
}
