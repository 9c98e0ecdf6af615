/**
 * The command kit: the one way the extension registers commands.
 *
 * How to add a command
 * 1. Declare it in package.json (`contributes.commands`, with a category; menus with `when`; hide
 *    node-only commands from the palette) and its title in package.nls.json / package.nls.fr.json.
 * 2. Write the handler in the feature's `commands/` module and register it from the feature's
 *    `register…(context, inventory)`:
 *
 *        registerCommand(context, 'vsphereLab.powerOn', async (...raw: unknown[]) => {
 *          const { node, options } = commandArgs<{ confirm: boolean }>(raw);
 *          return withCancellableProgress({ title: poweringOnTitle }, (signal, progress) =>
 *            powerOn(client, ref, { signal, onProgress }));
 *        }, { what: powerOnLabel });   // user strings through vscode.l10n.t
 *
 * 3. Let errors propagate. The kit logs them (Output → vSphere Lab) and shows the error's own
 *    message ("what failed, what to do" — every `LabError` is written that way) with buttons chosen
 *    from its `code` (Retry, Show Log). A cancellation — `CancelledError`, an aborted signal,
 *    `vscode.CancellationError` — is silent. Catch only what the command turns into something else
 *    (a fix-it node in the tree, a result object for scripts).
 * 4. Long work runs in `withCancellableProgress`: it hands the work an AbortSignal (what the core
 *    takes) and disposes its listeners; never bridge `onCancellationRequested` by hand.
 *    `tokenSignal(token, …)` is the same bridge for tokens that come from elsewhere.
 * 5. Arguments: `commandArgs(raw)` turns what the command received — a tree node, a `{ conn }` ref,
 *    a connection id, a `vscode.Uri`, or a script's options object — into one typed target. Scripts
 *    and tests pass options (`{ confirm: false }`, …) to skip prompts; validate what you read.
 */
export { adviseOn, type ErrorAction, type ErrorAdvice } from './advice';
export { isTreeNode, looksLikeUri, resolveArgs, type CommandArgs, type UriKind } from './args';
export { tokenSignal, withCancellableProgress, type CancellableProgressOptions, type ProgressReporter, type TokenSignal } from './progress';
export { commandArgs, registerCommand, registerDeferredCommands, reportError, type CommandOptions, type ReportOptions } from './register';
