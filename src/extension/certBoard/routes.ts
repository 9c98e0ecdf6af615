/**
 * The board's one contact with the deploy routes (src/core/certs/routes, chosen by generation):
 * how the extension reaches a host for its route — the API route through the connection's own
 * session (vCenter or the host), the SSH route through the SSH service (pins, password prompts,
 * SecretStorage) as root on port 22. Nothing here deploys by itself: core `routeDeployer` /
 * `routeRequester` pick and run the route.
 */
import type * as vscode from 'vscode';
import type { AccessFor, HostDeployer, RequestOptions } from '../../core/certs/rotate';
import { certsCore } from '../../core/certs/lazy';
import type { VimClient } from '../../core/vsphere/client';
import { moref } from '../../core/vsphere/decode';
import { sshService } from '../ssh';

export interface RouteContext {
  readonly client: VimClient;
  readonly conn: string;
  readonly context: vscode.ExtensionContext;
}

function access(ctx: RouteContext): AccessFor {
  return (host) => ({
    vim: { client: ctx.client, host: moref('HostSystem', host.id) },
    ssh: (signal: AbortSignal | undefined) => sshService(ctx.context).connect({ host: host.endpoint.host, port: 22 }, { purpose: 'certificate rotation', ...(signal ? { signal } : {}) }),
  });
}

/** The host's own CSR where its route makes one (the API route), else undefined (a local key + CSR). */
export function onHostCsr(ctx: RouteContext): NonNullable<RequestOptions['requestOnHost']> {
  return certsCore.rotate().routeRequester(access(ctx));
}

/** The deploy each rotated host goes through: the route its generation takes. */
export function boardDeployer(ctx: RouteContext): HostDeployer {
  return certsCore.rotate().routeDeployer(access(ctx));
}
