/**
 * The board's one contact with the deploy routes (src/core/certs/routes, chosen by generation):
 * which route a host or the vCenter would take, the host's own CSR where its route makes one, and
 * the deploy each rotated host goes through. Nothing here deploys by itself.
 */
import * as vscode from 'vscode';
import type { ExpiryRole } from '../../core/certs/expiry';
import type { HostDeployer, RotationHost } from '../../core/certs/rotate';
import type { Generation } from '../../core/vsphere/generation';
import type { VimClient } from '../../core/vsphere/client';

/** The route a row's generation offers, as the board shows it. */
export function routeName(_role: ExpiryRole, _generation: Generation | undefined): string | undefined {
  return undefined;
}

/** What the route glue needs from the board. */
export interface RouteContext {
  readonly client: VimClient;
  readonly conn: string;
}

/** The host's own CSR when its route makes one (the API route), else undefined (a local key + CSR). */
export async function onHostCsr(_ctx: RouteContext & { host: RotationHost; signal?: AbortSignal }): Promise<string | undefined> {
  return undefined;
}

/** The deploy each rotated host goes through: the route its generation takes. */
export function boardDeployer(_ctx: RouteContext & { context: vscode.ExtensionContext }): HostDeployer {
  return async () => ({ ok: false, error: vscode.l10n.t('No deploy route is available yet.') });
}
