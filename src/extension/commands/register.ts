import * as vscode from 'vscode';
import { errorCode } from '../../core/errors';
import { log } from '../log';
import { adviseOn, type ErrorAction } from './advice';
import { resolveArgs, type CommandArgs } from './args';

export interface CommandOptions {
  /**
   * What the command does, for error messages ("Connecting to esx01", "Power on"): a failure shows as
   * "<what> failed: <the error's message>". Without it the message stands alone.
   */
  readonly what?: string;
}

export interface ReportOptions {
  /** What failed (see {@link CommandOptions.what}). */
  readonly what?: string;
  /** The command that failed: tags the log line, and "Retry" re-runs it with `args`. */
  readonly command?: string;
  readonly args?: readonly unknown[];
}

/** True for every way VS Code and the core say "cancelled on purpose". */
function isHostCancellation(e: unknown): boolean {
  return e instanceof vscode.CancellationError;
}

/**
 * Logs `e` and shows it to the user, "what failed, what to do", with the buttons its code calls
 * for (Retry for network-like failures, Show Log always). Silent (a debug line) for cancellation.
 * Returns at once: the message is not awaited.
 */
export function reportError(e: unknown, options: ReportOptions = {}): void {
  const advice = adviseOn(e, isHostCancellation);
  const tag = options.command ?? options.what ?? 'command';
  if (advice.silent) {
    log().debug(`${tag}: cancelled (${advice.message})`);
    return;
  }
  if (advice.unexpected) log().error(`${tag} failed: ${e instanceof Error && e.stack ? e.stack : advice.message}`);
  else log().warn(`${tag} failed [${errorCode(e)}]: ${advice.message}`);
  const labels: Record<ErrorAction, string> = { retry: vscode.l10n.t('Retry'), showLog: vscode.l10n.t('Show Log') };
  const { command, args = [] } = options;
  const actions = advice.actions.filter((a) => a !== 'retry' || command);
  const text = options.what ? vscode.l10n.t('{0} failed: {1}', options.what, advice.message) : advice.message;
  void vscode.window.showErrorMessage(text, ...actions.map((a) => labels[a])).then((picked) => {
    if (picked === labels.showLog) log().show();
    else if (picked === labels.retry && command) void vscode.commands.executeCommand(command, ...args);
  });
}

/**
 * Registers a command that is disposed with the extension. The handler's result goes back to
 * `executeCommand`; a throw is logged and shown by {@link reportError} (nothing for a cancellation)
 * and the command then returns `undefined`.
 */
export function registerCommand<R>(
  context: vscode.ExtensionContext, id: string,
  handler: (...args: never[]) => R | Promise<R>,
  options: CommandOptions = {},
): void {
  const run = async (...args: unknown[]): Promise<R | undefined> => {
    try {
      return await handler(...(args as never[]));
    } catch (e) {
      reportError(e, { what: options.what, command: id, args });
      return undefined;
    }
  };
  if (deferred.has(id)) deferred.set(id, run);
  else context.subscriptions.push(vscode.commands.registerCommand(id, run));
}

/** Commands registered at activation as stubs (ids → the real handler, once the features have registered it). */
const deferred = new Map<string, ((...args: unknown[]) => unknown) | undefined>();

/**
 * Registers `ids` now as stubs whose first call runs `load` (which registers the real handlers with
 * {@link registerCommand}: they fill the stubs) and then the real handler (src/extension/deferred.ts).
 */
export function registerDeferredCommands(context: vscode.ExtensionContext, ids: Iterable<string>, load: () => void): void {
  for (const id of ids) {
    if (deferred.has(id)) continue;
    deferred.set(id, undefined);
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => {
      if (!deferred.get(id)) {
        try {
          load();
        } catch (e) {
          reportError(e, { what: vscode.l10n.t('Loading the features of vSphere Lab'), command: id });
          return undefined;
        }
      }
      const real = deferred.get(id);
      if (!real) {
        reportError(new Error(vscode.l10n.t('No feature of vSphere Lab provides the command {0}. Reinstalling the extension may help; the log has the details.', id)), { command: id });
        return undefined;
      }
      return real(...args);
    }));
  }
}

const VSCODE_URIS = {
  is: (x: unknown): x is vscode.Uri => x instanceof vscode.Uri,
  parse: (text: string) => vscode.Uri.parse(text),
  file: (path: string) => vscode.Uri.file(path),
};

/** {@link resolveArgs} with VS Code's URIs: what a command received as one typed target. */
export function commandArgs<O extends object = Record<string, unknown>>(args: readonly unknown[]): CommandArgs<vscode.Uri, O> {
  return resolveArgs<vscode.Uri, O>(args, VSCODE_URIS);
}
