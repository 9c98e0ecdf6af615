import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;
const recent: string[] = [];
const RECENT_MAX = 2000;

/**
 * The extension's log (Output → vSphere Lab), a `LogOutputChannel`. The last lines are also kept
 * in memory for diagnostics and for the tests that check no secret is ever logged.
 * Never log secrets: passwords, private keys, session cookies.
 */
export function log(): vscode.LogOutputChannel {
  if (!channel) {
    const real = vscode.window.createOutputChannel('vSphere Lab', { log: true });
    const keep = (level: string, message: string, args: unknown[]) => {
      recent.push(`${level} ${message}${args.length ? ` ${args.map(String).join(' ')}` : ''}`);
      if (recent.length > RECENT_MAX) recent.splice(0, recent.length - RECENT_MAX);
    };
    channel = new Proxy(real, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value === 'function' && ['trace', 'debug', 'info', 'warn', 'error', 'appendLine', 'append'].includes(String(prop))) {
          return (message: unknown, ...args: unknown[]) => {
            keep(String(prop), message instanceof Error ? message.message : String(message), args);
            return (value as (...a: unknown[]) => unknown).call(target, message, ...args);
          };
        }
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
  return channel;
}

/** The last lines written to the log (all levels, including debug). */
export function recentLogLines(): readonly string[] {
  return recent;
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
