/**
 * `vlab vdr …` alone (dist/cli-vdr.js, loaded by entry.ts): the runner over the `vdr` commands only,
 * so a Data Recovery analysis does not first compile the whole CLI. Same output as main.ts gives
 * for these commands (the runner and the commands are the same modules).
 */
import { commands } from './commands/vdr';
import { startCli } from './run';

export function main(): void {
  startCli(commands);
}
