import * as vscode from 'vscode';
import { describeVm, InventoryItem, InventoryTree, powerStateOf } from '../../core/inventory/tree';
import type { LiveChange } from '../../core/vsphere/live';
import { InventoryChildren, type ChildNode } from './children';
import { ConnectionStore, hostOf } from './connections';
import { ConnectionProblem, Problem, SessionManager } from './sessions';
import { generationLine } from './generation';

/** Tree elements are small handles; getTreeItem renders them from the current state. */
export type Node =
  | { readonly type: 'connection'; readonly conn: string }
  | { readonly type: 'item'; readonly conn: string; readonly key: string }
  | { readonly type: 'message'; readonly conn: string; readonly parentKey: string; readonly problem?: Problem; readonly text: string; readonly icon: string }
  /** A feature's node under an inventory node (a VM's snapshots): ./children.ts. */
  | ChildNode;

const ICON_BY_KIND: Record<InventoryItem['kind'], string> = {
  datacenter: 'organization', folder: 'folder', vmRoot: 'folder-library', cluster: 'layers', host: 'server', vm: 'vm',
};

/** Live changes of these properties move nodes (or change counts): the connection is redrawn. */
const STRUCTURAL: ReadonlySet<string> = new Set(['name', 'parent', 'runtime.host', 'host', 'childType', 'config.template']);

/** "1 host" / "N hosts" (and VMs): counts in node descriptions. */
function hostsText(n: number): string {
  return n === 1 ? vscode.l10n.t('1 host') : vscode.l10n.t('{0} hosts', String(n));
}
function vmsText(n: number): string {
  return n === 1 ? vscode.l10n.t('1 VM') : vscode.l10n.t('{0} VMs', String(n));
}

export class InventoryProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, Node>();
  /** Nodes with work in flight (power operations): node id → transient description. */
  private readonly busy = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];
  /**
   * Connections whose children VS Code is fetching right now. A change event fired in that window
   * makes VS Code fetch the same children twice and reject the duplicate ids ("Element with id …
   * is already registered"), so every change — state, refresh, spinner — waits until the fetch is over.
   */
  private readonly fetching = new Map<string, number>();
  private readonly deferred = new Map<string, Node>();
  /** Datacenters shown before a connection's full inventory has arrived (same keys as the tree's). */
  private readonly early = new Map<string, Map<string, InventoryItem>>();
  private deferredAll = false;
  /**
   * Item nodes whose children VS Code asked for while their connection showed its early first level:
   * the connection's refresh when the full inventory lands can leave such a row expanded and empty
   * (VS Code drops the answer of a child fetch that overlaps its parent's refresh), so they are
   * refreshed once more after it.
   */
  private readonly expandedEarly = new Map<string, Set<Node>>();
  /** Features' nodes under inventory nodes (./children.ts); features reach it as `inventory.children`. */
  readonly children = new InventoryChildren();

  constructor(private readonly store: ConnectionStore, private readonly sessions: SessionManager) {
    this.disposables.push(
      store.onDidChange(() => this.fire(undefined)),
      sessions.decorations.onDidChange((conn) => this.fire(conn === undefined ? undefined : this.connectionNode(conn))),
      sessions.onDidChange((id) => {
        const status = sessions.state(id).status;
        if (status === 'disconnected' || status === 'error') this.early.delete(id);
        this.fire(this.connectionNode(id));
      }),
      sessions.onDidChangeLive((e) => this.onLive(e.conn, e.changes, e.reset, e.before?.tree)),
    );
  }

  /**
   * A live update: a change that moves nodes (name, parent, host, objects entered or left) redraws
   * the connection; any other change redraws just the nodes of the objects concerned.
   */
  private onLive(conn: string, changes: readonly LiveChange[], reset: boolean, before: InventoryTree | undefined): void {
    const tree = this.sessions.snapshot(conn)?.tree;
    if (!tree) return;
    if (reset || changes.some((c) => c.kind !== 'changed' || STRUCTURAL.has(c.property ?? ''))) {
      this.fire(this.connectionNode(conn));
      return;
    }
    const keys = new Set<string>();
    for (const c of changes) {
      const t = c.object.type;
      if (t === 'VirtualMachine') {
        for (const place of ['host', 'folder']) {
          const k = `vm:${c.object.value}@${place}`;
          if (tree.get(k) || before?.get(k)) keys.add(k);
        }
      } else if (t === 'HostSystem') keys.add(`host:${c.object.value}`);
      else if (t === 'ClusterComputeResource') keys.add(`cluster:${c.object.value}`);
      else if (t === 'Datacenter') keys.add(`dc:${c.object.value}`);
    }
    for (const k of keys) this.fire(this.itemNode(conn, k));
  }

  /** The one way change events leave this provider. */
  private fire(n: Node | undefined): void {
    if (n === undefined) {
      if (this.fetching.size) this.deferredAll = true;
      else this.changed.fire(undefined);
    } else if (this.fetching.has(n.conn) || this.deferredAll) {
      this.deferred.set(InventoryProvider.idOf(n), n);
    } else {
      this.changed.fire(n);
    }
  }

  private flush(): void {
    if (this.fetching.size === 0 && this.deferredAll) {
      this.deferredAll = false;
      this.deferred.clear();
      this.changed.fire(undefined);
      return;
    }
    for (const [id, n] of this.deferred) {
      if (this.fetching.has(n.conn) || this.deferredAll) continue;
      this.deferred.delete(id);
      this.changed.fire(n);
    }
  }

  connectionNode(conn: string): Node {
    return this.intern(`${conn}`, () => ({ type: 'connection', conn }));
  }

  itemNode(conn: string, key: string): Node {
    return this.intern(`${conn}/${key}`, () => ({ type: 'item', conn, key }));
  }

  private intern(id: string, make: () => Node): Node {
    let n = this.nodes.get(id);
    if (!n) this.nodes.set(id, (n = make()));
    return n;
  }

  static idOf(n: Node): string {
    switch (n.type) {
      case 'connection': return n.conn;
      case 'item': return `${n.conn}/${n.key}`;
      case 'message': return `${n.conn}/${n.parentKey}#message`;
      case 'child': return InventoryChildren.idOf(n);
    }
  }

  /** The inventory item a node stands for, from the current snapshot. */
  item(n: Node): InventoryItem | undefined {
    if (n.type !== 'item') return undefined;
    return this.sessions.snapshot(n.conn)?.tree.get(n.key) ?? this.early.get(n.conn)?.get(n.key);
  }

  setBusy(n: Node, text: string | undefined): void {
    const id = InventoryProvider.idOf(n);
    if (text === undefined) this.busy.delete(id);
    else this.busy.set(id, text);
    this.fire(n);
  }

  refresh(n?: Node): void {
    this.fire(n);
  }

  getTreeItem(n: Node): vscode.TreeItem {
    switch (n.type) {
      case 'connection': return this.connectionItem(n.conn);
      case 'message': return this.messageItem(n);
      case 'child': return this.children.treeItem(n);
      case 'item': {
        const it = this.item(n);
        if (!it) {
          const gone = new vscode.TreeItem(vscode.l10n.t('(no longer in the inventory)'));
          gone.id = InventoryProvider.idOf(n);
          return gone;
        }
        return this.inventoryItem(n, it);
      }
    }
  }

  private connectionItem(id: string): vscode.TreeItem {
    const conn = this.store.get(id);
    const t = new vscode.TreeItem(conn?.label ?? hostOf(conn?.url ?? id), vscode.TreeItemCollapsibleState.Collapsed);
    t.id = id;
    const state = this.sessions.state(id);
    const snap = this.sessions.snapshot(id);
    let status: string;
    switch (state.status) {
      case 'connecting':
        t.iconPath = new vscode.ThemeIcon('loading~spin');
        t.description = vscode.l10n.t('connecting…');
        status = 'connecting';
        break;
      case 'connected':
        t.iconPath = new vscode.ThemeIcon('server-environment', new vscode.ThemeColor('testing.iconPassed'));
        t.description = snap
          ? `${hostsText(snap.tree.counts().hosts)} · ${vmsText(snap.tree.counts().vms)}`
          : state.product;
        status = 'connected';
        break;
      case 'error':
        t.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        t.description = problemTitle(state.problem);
        status = 'error';
        break;
      default:
        t.iconPath = new vscode.ThemeIcon('debug-disconnect');
        t.description = vscode.l10n.t('not connected');
        status = 'disconnected';
    }
    t.contextValue = `connection;${status}`;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${escapeMd(conn?.label ?? hostOf(conn?.url ?? ''))}**\n\n`);
    md.appendMarkdown(`${escapeMd(conn?.url ?? '')} · ${escapeMd(conn?.username ?? '')}\n\n`);
    if (state.status === 'connected') md.appendMarkdown(`${escapeMd(state.product)}\n\n`);
    if (state.status === 'connected' && state.generation) md.appendMarkdown(`${escapeMd(generationLine(state.generation))}\n\n`);
    if (state.status === 'error') md.appendMarkdown(`$(error) ${escapeMd(state.problem.message)}\n\n`);
    if (conn?.thumbprintSha256) md.appendMarkdown(`${vscode.l10n.t('Pinned certificate (SHA-256)')}: \`${conn.thumbprintSha256}\``);
    md.supportThemeIcons = true;
    t.tooltip = md;
    return t;
  }

  private messageItem(n: Extract<Node, { type: 'message' }>): vscode.TreeItem {
    const t = new vscode.TreeItem(n.text);
    t.id = InventoryProvider.idOf(n);
    t.iconPath = new vscode.ThemeIcon(n.icon, n.problem ? new vscode.ThemeColor('problemsErrorIcon.foreground') : undefined);
    if (n.problem) {
      const fix = fixFor(n.problem, n.conn);
      t.command = fix;
      t.tooltip = `${n.problem.message}\n\n${fix.tooltip ?? ''}`;
      t.contextValue = `problem;${n.problem.kind}`;
    } else {
      t.contextValue = 'message';
    }
    return t;
  }

  private inventoryItem(n: Node & { type: 'item' }, it: InventoryItem): vscode.TreeItem {
    const id = InventoryProvider.idOf(n);
    const collapsible = it.kind === 'vm' && !this.children.has(n.conn, it) ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed;
    const t = new vscode.TreeItem(it.name, collapsible);
    t.id = id;
    t.iconPath = new vscode.ThemeIcon(ICON_BY_KIND[it.kind]);
    t.contextValue = it.kind;
    switch (it.kind) {
      case 'cluster':
        t.description = hostsText(it.hostCount);
        break;
      case 'host': {
        const h = it.info;
        const ok = h.connectionState === undefined || h.connectionState === 'connected';
        t.iconPath = new vscode.ThemeIcon('server', ok ? undefined : new vscode.ThemeColor('problemsWarningIcon.foreground'));
        const mem = h.memoryBytes ? `${Math.round(h.memoryBytes / 2 ** 30)} GB` : '';
        t.description = [vmsText(it.vmCount), mem, ok ? '' : h.connectionState].filter(Boolean).join(' · ');
        t.contextValue = `host;${h.connectionState ?? 'connected'}${it.standalone ? ';standalone' : ''}`;
        t.tooltip = new vscode.MarkdownString([
          `**${escapeMd(h.name)}**`, '',
          `${vscode.l10n.t('State')}: ${h.connectionState ?? '?'} / ${h.powerState ?? '?'}`,
          h.cpuModel ? `${vscode.l10n.t('CPU')}: ${escapeMd(h.cpuModel)} (${h.cpuCores ?? '?'} cores, ${h.cpuThreads ?? '?'} threads)` : '',
          mem ? `${vscode.l10n.t('Memory')}: ${mem}` : '',
          h.vendor ? `${escapeMd(h.vendor)} ${escapeMd(h.model ?? '')}` : '',
        ].filter((l) => l !== undefined).join('\n\n'));
        break;
      }
      case 'vm': {
        const vm = it.info;
        const power = powerStateOf(vm);
        const busy = this.busy.get(id);
        if (busy) t.iconPath = new vscode.ThemeIcon('loading~spin');
        else if (power === 'poweredOn') t.iconPath = new vscode.ThemeIcon('vm-running', new vscode.ThemeColor('testing.iconPassed'));
        else if (power === 'suspended') t.iconPath = new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        else t.iconPath = new vscode.ThemeIcon('vm-outline');
        t.description = busy ?? describeVm(vm);
        t.contextValue = `vm;${vm.template ? 'template' : power}${vm.vmPathName ? ';vmx' : ''}`;
        t.tooltip = new vscode.MarkdownString([
          `**${escapeMd(vm.name)}**${vm.template ? ` (${vscode.l10n.t('template')})` : ''}`, '',
          `${vscode.l10n.t('Power')}: ${power}`,
          vm.guestFullName || vm.guestId ? `${vscode.l10n.t('Guest OS')}: ${escapeMd(vm.guestFullName ?? vm.guestId ?? '')}` : '',
          `${vscode.l10n.t('vCPUs')}: ${vm.numCpu ?? '?'} · ${vscode.l10n.t('Memory')}: ${vm.memoryMB ?? '?'} MB`,
          vm.hwVersion ? `${vscode.l10n.t('Hardware version')}: ${vm.hwVersion}` : '',
          vm.vmPathName ? `\`${escapeMd(vm.vmPathName)}\`` : '',
        ].filter(Boolean).join('\n\n'));
        break;
      }
      default:
        break;
    }
    // What features add (memory warnings, …: ./decorations); a node with work in flight keeps its spinner.
    if (!this.busy.has(id)) this.sessions.decorations.apply(t, n.conn, it);
    return t;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (!n) return this.store.list().map((c) => this.connectionNode(c.id));
    if (n.type === 'message') return [];
    if (n.type === 'child') return this.children.childrenOfChild(n);
    this.fetching.set(n.conn, (this.fetching.get(n.conn) ?? 0) + 1);
    try {
      return await this.fetchChildren(n);
    } finally {
      const left = (this.fetching.get(n.conn) ?? 1) - 1;
      if (left > 0) this.fetching.set(n.conn, left);
      else {
        this.fetching.delete(n.conn);
        setTimeout(() => this.flush(), 0);
      }
    }
  }

  private async fetchChildren(n: Exclude<Node, { type: 'message' } | ChildNode>): Promise<Node[]> {
    const key = n.type === 'connection' ? InventoryTree.ROOT : n.key;
    let tree: InventoryTree;
    if (n.type === 'item' && this.early.has(n.conn)) {
      let set = this.expandedEarly.get(n.conn);
      if (!set) this.expandedEarly.set(n.conn, (set = new Set()));
      set.add(n);
    }
    try {
      if (n.type === 'connection' && !this.sessions.snapshot(n.conn)) {
        const early = await this.firstLevel(n.conn);
        if (early) return early;
      }
      tree = (await this.sessions.load(n.conn)).tree;
    } catch (e) {
      const problem: Problem = e instanceof ConnectionProblem ? e.problem : { kind: 'other', message: String((e as Error)?.message ?? e) };
      return [{ type: 'message', conn: n.conn, parentKey: key, problem, text: problemTitle(problem), icon: 'error' }];
    }
    const children = tree.childrenOf(key);
    const item = n.type === 'item' ? tree.get(n.key) : undefined;
    const extra: Node[] = item ? await this.children.childrenOf(n.conn, item) : [];
    if (extra.length) return [...extra, ...children.map((c) => this.itemNode(n.conn, c.key))];
    if (!children.length) {
      return [{ type: 'message', conn: n.conn, parentKey: key, text: emptyText(n.type === 'item' ? tree.get(n.key) : undefined), icon: 'info' }];
    }
    return children.map((c) => this.itemNode(n.conn, c.key));
  }

  /**
   * A connection's first level without waiting for its whole inventory: whichever comes first, the
   * full snapshot (then undefined: the caller uses it) or the datacenters alone, shown at once while
   * the rest keeps loading; the connection node refreshes when it has arrived.
   */
  private async firstLevel(conn: string): Promise<Node[] | undefined> {
    const full = this.sessions.load(conn);
    const landed = (): void => {
      if (!this.early.delete(conn)) return;
      this.fire(this.connectionNode(conn));
      this.refireExpandedEarly(conn);
    };
    void full.then(landed, landed);
    const winner = await Promise.race([
      full.then(() => undefined),
      this.sessions.datacenters(conn).catch((e: unknown) => full.then(() => undefined, () => { throw e; })),
    ]);
    if (!winner || this.sessions.snapshot(conn)) return undefined;
    const items = new Map<string, InventoryItem>();
    const sorted = [...winner].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' }));
    for (const dc of sorted) items.set(`dc:${dc.ref.value}`, { kind: 'datacenter', key: `dc:${dc.ref.value}`, name: dc.name, ref: dc.ref });
    this.early.set(conn, items);
    if (!items.size) return undefined;
    return [...items.keys()].map((k) => this.itemNode(conn, k));
  }

  /** After the connection's refresh has gone out, the rows expanded during the early phase once more. */
  private refireExpandedEarly(conn: string): void {
    const nodes = this.expandedEarly.get(conn);
    this.expandedEarly.delete(conn);
    if (!nodes?.size) return;
    setTimeout(() => { for (const n of nodes) this.fire(n); }, 400);
  }

  getParent(n: Node): Node | undefined {
    if (n.type === 'connection') return undefined;
    if (n.type === 'message') return n.parentKey === InventoryTree.ROOT ? this.connectionNode(n.conn) : this.itemNode(n.conn, n.parentKey);
    if (n.type === 'child') return this.children.parentOf(n) ?? this.itemNode(n.conn, n.parentKey);
    const parent = this.sessions.snapshot(n.conn)?.tree.parentOf(n.key) ?? (this.early.get(n.conn)?.has(n.key) ? InventoryTree.ROOT : undefined);
    if (parent === undefined) return undefined;
    return parent === InventoryTree.ROOT ? this.connectionNode(n.conn) : this.itemNode(n.conn, parent);
  }

  dispose(): void {
    this.children.dispose();
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function emptyText(parent: InventoryItem | undefined): string {
  switch (parent?.kind) {
    case 'host': return vscode.l10n.t('No VMs on this host');
    case 'cluster': return vscode.l10n.t('No hosts in this cluster');
    case 'folder': case 'vmRoot': return vscode.l10n.t('Empty folder');
    case 'datacenter': return vscode.l10n.t('No hosts or clusters');
    default: return vscode.l10n.t('No datacenters');
  }
}

export function problemTitle(p: Problem): string {
  switch (p.kind) {
    case 'untrusted': return vscode.l10n.t('Certificate not trusted — review it');
    case 'certificateChanged': return vscode.l10n.t('Certificate changed — connection stopped');
    case 'login': return vscode.l10n.t('Login refused — enter the password');
    case 'noPassword': return vscode.l10n.t('No password stored — enter it');
    case 'permission': return vscode.l10n.t('Permission denied');
    case 'network': return vscode.l10n.t('Cannot reach the server — retry');
    default: return vscode.l10n.t('Connection failed — retry');
  }
}

/** The command a problem node runs when clicked. */
function fixFor(p: Problem, conn: string): vscode.Command {
  switch (p.kind) {
    case 'untrusted':
    case 'certificateChanged':
      return { command: 'vsphereLab.trustCertificate', title: vscode.l10n.t('Review Certificate…'), arguments: [{ conn }], tooltip: vscode.l10n.t('Click to review the certificate and decide whether to trust it.') };
    case 'login':
    case 'noPassword':
      return { command: 'vsphereLab.enterPassword', title: vscode.l10n.t('Enter Password…'), arguments: [{ conn }], tooltip: vscode.l10n.t('Click to enter the password again.') };
    case 'permission':
      return { command: 'vsphereLab.editConnection', title: vscode.l10n.t('Edit Connection…'), arguments: [{ conn }], tooltip: vscode.l10n.t('Click to use another user.') };
    default:
      return { command: 'vsphereLab.retryConnection', title: vscode.l10n.t('Retry'), arguments: [{ conn }], tooltip: vscode.l10n.t('Click to connect again.') };
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
