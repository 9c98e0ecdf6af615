import * as vscode from 'vscode';
import type { InventoryItem } from '../../core/inventory/tree';
import type { CertificateDescription } from '../../core/vsphere/tls';
import { log } from '../log';
import { ConnectionStore, hostOf, normaliseUrl } from './connections';
import { datastoreUri } from './datastoreFs';
import { InventoryProvider, Node } from './provider';
import { ConnectionProblem, SessionManager } from './sessions';
import { lazy } from '../../core/lazy';

const api = lazy(() => require('./vsphereApi') as typeof import('./vsphereApi'));

/** Arguments accepted by the connection commands when run from scripts or tests (no prompts). */
export interface AddConnectionArgs {
  url: string;
  username: string;
  password: string;
  label?: string;
  /** Pin this SHA-256 thumbprint (as a user who checked it out of band would). */
  thumbprint?: string;
}

type ConnRef = Node | { conn: string } | string | undefined;

export function registerInventoryCommands(
  context: vscode.ExtensionContext, store: ConnectionStore, sessions: SessionManager,
  provider: InventoryProvider, view: vscode.TreeView<Node>,
): void {
  const connOf = async (ref: ConnRef, placeHolder: string): Promise<string | undefined> => {
    if (typeof ref === 'string') return ref;
    if (ref && 'conn' in ref) return ref.conn;
    const selected = view.selection[0];
    if (selected) return selected.conn;
    const list = store.list();
    if (list.length === 1) return list[0].id;
    const pick = await vscode.window.showQuickPick(
      list.map((c) => ({ label: c.label ?? hostOf(c.url), description: c.username, id: c.id })), { placeHolder });
    return pick?.id;
  };

  /** Connects and loads the inventory, asking about an untrusted certificate when `interactive`. */
  const connectAndLoad = async (id: string, interactive: boolean): Promise<boolean> => {
    const conn = store.get(id);
    if (!conn) return false;
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Connecting to {0}…', hostOf(conn.url)),
      cancellable: true,
    }, async (_progress, token) => {
      // Cancel aborts the connect/load requests and leaves the connection disconnected.
      const onCancel = token.onCancellationRequested(() => {
        log().info(`connecting to ${hostOf(conn.url)}: cancelled by the user`);
        void sessions.cancel(id).then(() => provider.refresh(provider.connectionNode(id)));
      });
      try {
        await sessions.load(id, true);
        provider.refresh(provider.connectionNode(id));
        return true;
      } catch (e) {
        if (token.isCancellationRequested) return false;
        const problem = e instanceof ConnectionProblem ? e.problem : undefined;
        if (interactive && problem && (problem.kind === 'untrusted' || problem.kind === 'certificateChanged')) {
          return trustCertificate(id, undefined, true);
        }
        provider.refresh(provider.connectionNode(id));
        if (interactive) void vscode.window.showErrorMessage((e as Error).message);
        return false;
      } finally {
        onCancel.dispose();
      }
    });
  };

  /**
   * Shows the certificate the endpoint presents now and pins its SHA-256 thumbprint if the user
   * accepts (or if `thumbprint` is given and matches). Reconnects afterwards.
   */
  const trustCertificate = async (id: string, thumbprint: string | undefined, fromConnect = false): Promise<boolean> => {
    const conn = store.get(id);
    if (!conn) return false;
    let cert: CertificateDescription;
    try {
      cert = await sessions.presentedCertificate(conn);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not read the certificate of {0}: {1}', hostOf(conn.url), (e as Error).message));
      return false;
    }
    if (thumbprint !== undefined) {
      if (normaliseThumb(thumbprint) !== normaliseThumb(cert.sha256)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('{0} presents the certificate {1}, not {2}: nothing was trusted.', hostOf(conn.url), cert.sha256, thumbprint));
        return false;
      }
    } else {
      const changed = conn.thumbprintSha256 && normaliseThumb(conn.thumbprintSha256) !== normaliseThumb(cert.sha256);
      const head = changed
        ? vscode.l10n.t('The certificate of {0} has CHANGED since you trusted it.', hostOf(conn.url))
        : vscode.l10n.t('No trusted authority vouches for the certificate of {0}.', hostOf(conn.url));
      const why = changed
        ? vscode.l10n.t('If you did not replace it, someone may be intercepting the connection. Trust it only if you can confirm this thumbprint on the host itself (DCUI or the vSphere Client).')
        : vscode.l10n.t('Lab hosts often serve self-signed certificates. Trust it only if this thumbprint matches the one shown on the host (DCUI or the vSphere Client).');
      const trust = changed ? vscode.l10n.t('Trust the New Certificate') : vscode.l10n.t('Trust and Connect');
      const answer = await vscode.window.showWarningMessage(head, { modal: true, detail: `${why}\n\n${describeCertificate(cert)}` }, trust);
      if (answer !== trust) {
        if (fromConnect) provider.refresh(provider.connectionNode(id));
        return false;
      }
    }
    await store.update(id, { thumbprintSha256: cert.sha256 });
    log().info(`pinned ${hostOf(conn.url)} certificate SHA-256 ${cert.sha256}`);
    await sessions.reset(id);
    if (fromConnect) {
      await sessions.load(id, true).catch(() => undefined);
      provider.refresh(provider.connectionNode(id));
      return sessions.state(id).status === 'connected';
    }
    return connectAndLoad(id, false);
  };

  const askPassword = (user: string, host: string) => vscode.window.showInputBox({
    title: vscode.l10n.t('Password for {0} on {1}', user, host),
    password: true, ignoreFocusOut: true,
    prompt: vscode.l10n.t('Stored in the operating system\'s secret storage, never in settings.'),
  });

  const addConnection = async (args?: AddConnectionArgs): Promise<string | undefined> => {
    let url: string;
    let username: string;
    let password: string | undefined;
    let label: string | undefined;
    if (args && typeof args === 'object' && 'url' in args) {
      url = normaliseUrl(args.url);
      ({ username, password, label } = args);
    } else {
      const rawUrl = await vscode.window.showInputBox({
        title: vscode.l10n.t('Add Connection (1/3): address'),
        placeHolder: 'vcenter.lab.local, esx01.lab.local:443, https://10.0.0.5/sdk',
        prompt: vscode.l10n.t('vCenter Server or ESXi host'),
        ignoreFocusOut: true,
        validateInput: (v) => { try { normaliseUrl(v); return undefined; } catch (e) { return (e as Error).message; } },
      });
      if (rawUrl === undefined) return undefined;
      url = normaliseUrl(rawUrl);
      const user = await vscode.window.showInputBox({
        title: vscode.l10n.t('Add Connection (2/3): user'),
        value: 'root', prompt: vscode.l10n.t('For example root (ESXi) or administrator@vsphere.local (vCenter)'),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a user name.')),
      });
      if (user === undefined) return undefined;
      username = user.trim();
      password = await askPassword(username, hostOf(url));
      if (password === undefined) return undefined;
    }
    const duplicate = store.list().find((c) => c.url === url && c.username === username);
    if (duplicate) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} on {1} is already in the list.', username, hostOf(url)));
      return duplicate.id;
    }
    const conn = await store.add({ url, username, label, thumbprintSha256: args?.thumbprint ? normaliseThumbDisplay(args.thumbprint) : undefined }, password);
    log().info(`added connection ${hostOf(url)} as ${username}`);
    await connectAndLoad(conn.id, !args);
    await view.reveal(provider.connectionNode(conn.id), { expand: true, select: true }).then(undefined, () => undefined);
    return conn.id;
  };

  const editConnection = async (ref: ConnRef): Promise<void> => {
    const id = await connOf(ref, vscode.l10n.t('Connection to edit'));
    const conn = id ? store.get(id) : undefined;
    if (!conn) return;
    const rawUrl = await vscode.window.showInputBox({
      title: vscode.l10n.t('Edit Connection: address'), value: conn.url, ignoreFocusOut: true,
      validateInput: (v) => { try { normaliseUrl(v); return undefined; } catch (e) { return (e as Error).message; } },
    });
    if (rawUrl === undefined) return;
    const user = await vscode.window.showInputBox({ title: vscode.l10n.t('Edit Connection: user'), value: conn.username, ignoreFocusOut: true });
    if (user === undefined) return;
    const label = await vscode.window.showInputBox({ title: vscode.l10n.t('Edit Connection: name shown in the tree (optional)'), value: conn.label ?? '', ignoreFocusOut: true });
    if (label === undefined) return;
    const url = normaliseUrl(rawUrl);
    if (user.trim() !== conn.username || url !== conn.url) {
      const password = await askPassword(user.trim(), hostOf(url));
      if (password === undefined) return;
      await store.setPassword(conn.id, password);
    }
    await store.update(conn.id, { url, username: user.trim(), label: label.trim() || undefined });
    await sessions.reset(conn.id);
    await connectAndLoad(conn.id, true);
  };

  const removeConnection = async (ref: ConnRef, opts?: { confirm?: boolean }): Promise<void> => {
    const id = await connOf(ref, vscode.l10n.t('Connection to remove'));
    const conn = id ? store.get(id) : undefined;
    if (!conn) return;
    if (opts?.confirm !== false) {
      const remove = vscode.l10n.t('Remove');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Remove the connection to {0}? Its stored password is deleted too.', conn.label ?? hostOf(conn.url)), { modal: true }, remove);
      if (answer !== remove) return;
    }
    if (conn.fromSettings) {
      void vscode.window.showInformationMessage(vscode.l10n.t('{0} is declared in the vsphereLab.connections setting: remove it there.', conn.label ?? hostOf(conn.url)));
      await vscode.commands.executeCommand('workbench.action.openSettingsJson');
      return;
    }
    await sessions.forget(conn.id);
    await store.remove(conn.id);
  };

  const powerAction = (kind: 'powerOn' | 'powerOff' | 'reset' | 'shutdownGuest') => async (n?: Node, opts?: { confirm?: boolean }): Promise<void> => {
    const node = n ?? view.selection[0];
    const it = node ? provider.item(node) : undefined;
    if (!node || !it || it.kind !== 'vm') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Select a virtual machine in the vSphere Lab inventory first.'));
      return;
    }
    const vm = it as Extract<InventoryItem, { kind: 'vm' }>;
    if ((kind === 'powerOff' || kind === 'reset') && opts?.confirm !== false) {
      const go = kind === 'powerOff' ? vscode.l10n.t('Power Off') : vscode.l10n.t('Reset');
      const answer = await vscode.window.showWarningMessage(
        kind === 'powerOff'
          ? vscode.l10n.t('Power off {0}? This is like pulling the plug: the guest is not shut down cleanly.', vm.name)
          : vscode.l10n.t('Reset {0}? The guest restarts at once without shutting down.', vm.name),
        { modal: true }, go);
      if (answer !== go) return;
    }
    const labels = {
      powerOn: vscode.l10n.t('Powering on…'), powerOff: vscode.l10n.t('Powering off…'),
      reset: vscode.l10n.t('Resetting…'), shutdownGuest: vscode.l10n.t('Shutting down guest…'),
    };
    provider.setBusy(node, labels[kind]);
    let cancelled = false;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${vm.name}: ${labels[kind]}`, cancellable: true }, async (progress, token) => {
        // Cancel stops waiting (the request is aborted); a task the server already started runs on.
        const abort = new AbortController();
        const onCancel = token.onCancellationRequested(() => { cancelled = true; abort.abort(); });
        const signal = abort.signal;
        let shown = 0;
        const onProgress = (p: { progress?: number }): void => {
          if (p.progress === undefined || p.progress <= shown) return;
          progress.report({ increment: p.progress - shown, message: `${p.progress}%` });
          shown = p.progress;
        };
        try {
          const m = await api();
          const client = await sessions.client(node.conn);
          if (kind === 'shutdownGuest') {
            await m.shutdownGuest(client, vm.ref, { signal });
            // The request is accepted at once; wait (up to 3 minutes) for the guest to power off.
            const until = Date.now() + 180_000;
            while (Date.now() < until && !signal.aborted) {
              await new Promise((r) => setTimeout(r, 1500));
              if ((await m.retrieveProperty(client, vm.ref, 'runtime.powerState', { signal })) === 'poweredOff') break;
            }
          } else {
            await m[kind](client, vm.ref, { signal, onProgress });
          }
        } finally {
          onCancel.dispose();
        }
      });
      log().info(`${kind} ${vm.name}: done`);
    } catch (e) {
      if (cancelled) {
        log().info(`${kind} ${vm.name}: the user stopped waiting`);
        void vscode.window.showInformationMessage(vscode.l10n.t('{0}: stopped waiting. A task the server had already started goes on; the tree shows its state after the refresh.', vm.name));
      } else {
        log().warn(`${kind} ${vm.name} failed: ${(e as Error).message}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('{0}: {1}', vm.name, (e as Error).message));
      }
    } finally {
      provider.setBusy(node, undefined);
      await sessions.load(node.conn, true).catch(() => undefined);
      provider.refresh(provider.connectionNode(node.conn));
    }
  };

  const goToVm = async (): Promise<void> => {
    type Item = vscode.QuickPickItem & { conn: string; key: string };
    const items: Item[] = [];
    for (const c of store.list()) {
      if (sessions.state(c.id).status !== 'connected') continue;
      const snap = sessions.snapshot(c.id) ?? await sessions.load(c.id).catch(() => undefined);
      if (!snap) continue;
      const hostName = new Map(snap.inventory.hosts.map((h) => [h.ref.value, h.name]));
      for (const vm of snap.inventory.vms) {
        const key = snap.tree.vmKey(vm.ref);
        if (!key) continue;
        items.push({
          label: `$(${vm.powerState === 'poweredOn' ? 'vm-running' : 'vm-outline'}) ${vm.name}`,
          description: [vm.host ? hostName.get(vm.host.value) : undefined, vm.guestFullName].filter(Boolean).join(' · '),
          detail: c.label ?? hostOf(c.url), conn: c.id, key,
        });
      }
    }
    if (!items.length) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No connected inventory to search. Connect first.'));
      return;
    }
    const pick = await vscode.window.showQuickPick(items, { placeHolder: vscode.l10n.t('Go to VM (type to filter {0} VMs)', String(items.length)), matchOnDescription: true });
    if (pick) await view.reveal(provider.itemNode(pick.conn, pick.key), { select: true, focus: true, expand: false });
  };

  const openVmx = async (n?: Node): Promise<void> => {
    const node = n ?? view.selection[0];
    const it = node ? provider.item(node) : undefined;
    if (!node || it?.kind !== 'vm' || !it.info.vmPathName) return;
    const snap = sessions.snapshot(node.conn);
    if (!snap) return;
    const uri = datastoreUri(node.conn, snap.inventory, it.ref, it.info.vmPathName);
    if (!uri) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Cannot tell which datacenter holds {0}.', it.name));
      return;
    }
    await vscode.window.showTextDocument(uri, { preview: false });
  };

  const browseDatastore = async (n?: Node): Promise<void> => {
    const node = n ?? view.selection[0];
    const it = node ? provider.item(node) : undefined;
    if (!node || it?.kind !== 'vm' || !it.info.vmPathName) return;
    const snap = sessions.snapshot(node.conn);
    const folderUri = snap && datastoreUri(node.conn, snap.inventory, it.ref, it.info.vmPathName.replace(/\/[^/]*$/, ''));
    if (!folderUri) return;
    const entries = await vscode.window.withProgress({ location: { viewId: 'vsphereLab.inventory' }, title: vscode.l10n.t('Listing the VM folder…') },
      () => vscode.workspace.fs.readDirectory(folderUri));
    const pick = await vscode.window.showQuickPick(
      entries.filter(([, t]) => t === vscode.FileType.File).map(([name]) => ({ label: name })).sort((a, b) => a.label.localeCompare(b.label)),
      { placeHolder: vscode.l10n.t('Files of {0} — pick one to open', it.name) });
    if (pick) await vscode.window.showTextDocument(vscode.Uri.joinPath(folderUri, pick.label), { preview: false });
  };

  const reg = (id: string, fn: (...a: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...a: unknown[]) => unknown));
  reg('vsphereLab.addConnection', addConnection);
  reg('vsphereLab.editConnection', editConnection);
  reg('vsphereLab.removeConnection', removeConnection);
  reg('vsphereLab.connect', async (ref: ConnRef) => { const id = await connOf(ref, vscode.l10n.t('Connection')); if (id) return connectAndLoad(id, true); return false; });
  reg('vsphereLab.retryConnection', async (ref: ConnRef) => {
    const id = await connOf(ref, vscode.l10n.t('Connection'));
    if (!id) return false;
    await sessions.reset(id);
    return connectAndLoad(id, true);
  });
  reg('vsphereLab.disconnect', async (ref: ConnRef) => { const id = await connOf(ref, vscode.l10n.t('Connection')); if (id) await sessions.disconnect(id); });
  reg('vsphereLab.enterPassword', async (ref: ConnRef, password?: string) => {
    const id = await connOf(ref, vscode.l10n.t('Connection'));
    const conn = id ? store.get(id) : undefined;
    if (!conn) return false;
    const pw = password ?? await askPassword(conn.username, hostOf(conn.url));
    if (pw === undefined) return false;
    await store.setPassword(conn.id, pw);
    await sessions.reset(conn.id);
    return connectAndLoad(conn.id, password === undefined);
  });
  reg('vsphereLab.trustCertificate', async (ref: ConnRef | { conn: string; thumbprint?: string }) => {
    const id = await connOf(ref as ConnRef, vscode.l10n.t('Connection'));
    if (!id) return false;
    const thumbprint = ref && typeof ref === 'object' && 'thumbprint' in ref ? ref.thumbprint : undefined;
    return trustCertificate(id, thumbprint);
  });
  reg('vsphereLab.refresh', async () => {
    for (const c of store.list()) {
      const st = sessions.state(c.id).status;
      if (st === 'error') await sessions.reset(c.id);
      else sessions.invalidate(c.id);
    }
    provider.refresh();
  });
  reg('vsphereLab.goToVm', goToVm);
  reg('vsphereLab.powerOn', powerAction('powerOn'));
  reg('vsphereLab.powerOff', powerAction('powerOff'));
  reg('vsphereLab.reset', powerAction('reset'));
  reg('vsphereLab.shutdownGuest', powerAction('shutdownGuest'));
  reg('vsphereLab.openVmx', openVmx);
  reg('vsphereLab.browseDatastore', browseDatastore);
}

function normaliseThumb(t: string): string {
  return t.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

function normaliseThumbDisplay(t: string): string {
  return normaliseThumb(t).replace(/(..)(?!$)/g, '$1:');
}

function describeCertificate(c: CertificateDescription): string {
  const lines = [
    `${vscode.l10n.t('Subject')}: ${c.subject}`,
    `${vscode.l10n.t('Issuer')}: ${c.issuer}${c.selfSigned ? ` (${vscode.l10n.t('self-signed')})` : ''}`,
    `${vscode.l10n.t('Key')}: ${c.keyType} ${c.keyBits || '?'} bits`,
    `${vscode.l10n.t('Signature')}: ${c.signatureAlgorithm}`,
    `${vscode.l10n.t('Valid')}: ${c.validFrom} → ${c.validTo}`,
    `SHA-256: ${c.sha256}`,
    `SHA-1: ${c.sha1}`,
  ];
  if (c.warnings.length) lines.push('', ...c.warnings.map((w) => `⚠ ${w}`));
  return lines.join('\n');
}
