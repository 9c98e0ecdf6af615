import type { CliCommand } from '../command';

/** Every feature's commands, in help order. Feature modules register here. */
export const allCommands: CliCommand[] = [];
