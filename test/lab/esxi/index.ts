/** The ESXi simulator: SSH server (server.ts), command table (commands.ts), shell (shell.ts), SFTP (sftp.ts). */
export { startEsxi, type Esxi, type EsxiOptions, type RestartFailure } from './server';
export { parseCommandLine, type ExecResult } from './shell';
export { COMMANDS, lookup, type Command } from './commands';
