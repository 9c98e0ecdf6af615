/**
 * `vlab`: the command-line face of vSphere Lab, over the same core as the extension: every command
 * (the runner is run.ts). Exit codes: 0 ok, 1 findings or failure, 2 usage error.
 */
import { allCommands } from './commands/index';
import type { CliCommand, CliIO } from './command';
import { processIO, runCli as run, startCli } from './run';

export { processIO };

export function runCli(argv: string[], rawIo: CliIO, commands: readonly CliCommand[] = allCommands): Promise<number> {
  return run(argv, rawIo, commands);
}

/** Runs `vlab` over every command (dist/cli-main.js, loaded by entry.ts). */
export function main(): void {
  startCli(allCommands);
}

if (require.main === module) main();
