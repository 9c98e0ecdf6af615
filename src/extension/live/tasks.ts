/**
 * The "Tasks" view: the recent and running tasks of each connected connection — what, on which
 * object, who, progress, result, error — followed live (core/vsphere/events.ts RecentTasks: a
 * property feed over the TaskManager's recentTask) while the view is visible. Hidden, the feeds
 * stop; a connection that disconnects drops its feed.
 */
import * as vscode from 'vscode';
import type { TaskRecord } from '../../core/vsphere/events';
import { lazy } from '../../core/lazy';
import type { InventoryServices } from '../inventory/services';
import { hostOf } from '../inventory/connections';
import { log } from '../log';

const api = lazy(() => require('../inventory/vsphereApi') as typeof import('../inventory/vsphereApi'));

export type TaskNode =
  | { readonly type: 'conn'; readonly conn: string }
  | { readonly type: 'task'; readonly conn: string; readonly task: TaskRecord }
  | { readonly type: 'empty'; readonly conn: string; readonly text: string };

/** `VirtualMachine.powerOff` → "Power off"; `PowerOffVM_Task` → "Power off VM". */
export function taskTitle(what: string): string {
  const last = what.split('.').pop() ?? what;
  const words = last.replace(/_Task$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1).toLowerCase().replace(/\bvm\b/g, 'VM') : what;
}

interface Feed {
  tasks: TaskRecord[];
  stop?: () => Promise<void>;
  error?: string;
}

export class TasksProvider implements vscode.TreeDataProvider<TaskNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TaskNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly feeds = new Map<string, Feed>();
  private readonly connNodes = new Map<string, TaskNode>();
  private readonly disposables: vscode.Disposable[] = [];
  private visible = false;

  constructor(private readonly inventory: InventoryServices) {
    this.disposables.push(inventory.sessions.onDidChange((id) => this.sync(id)));
  }

  /** The view's visibility: feeds run only while it shows. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const c of this.inventory.store.list()) this.sync(c.id);
    this.changed.fire(undefined);
  }

  /** Tasks known now for a connection (tests read them). */
  tasks(conn: string): readonly TaskRecord[] {
    return this.feeds.get(conn)?.tasks ?? [];
  }

  private sync(conn: string): void {
    const connected = this.inventory.sessions.state(conn).status === 'connected';
    const feed = this.feeds.get(conn);
    if (connected && this.visible && !feed) void this.start(conn);
    else if ((!connected || !this.visible) && feed) {
      this.feeds.delete(conn);
      void feed.stop?.();
      this.changed.fire(undefined);
    }
  }

  private async start(conn: string): Promise<void> {
    const feed: Feed = { tasks: [] };
    this.feeds.set(conn, feed);
    this.changed.fire(undefined);
    try {
      const client = await this.inventory.sessions.client(conn);
      const m = api();
      const watch = await m.RecentTasks.start(client, {
        log: (msg) => log().debug(msg),
        onError: (e) => log().warn(`recent tasks of ${conn}: ${e.message}`),
        onChange: (tasks) => {
          feed.tasks = tasks;
          if (this.feeds.get(conn) === feed) this.changed.fire(this.connNode(conn));
        },
      });
      feed.tasks = watch.list();
      feed.stop = () => watch.stop();
      if (this.feeds.get(conn) !== feed) await watch.stop();
    } catch (e) {
      feed.error = (e as Error).message;
      log().warn(`recent tasks of ${conn}: ${feed.error}`);
    }
    if (this.feeds.get(conn) === feed) this.changed.fire(this.connNode(conn));
  }

  private connNode(conn: string): TaskNode {
    let n = this.connNodes.get(conn);
    if (!n) this.connNodes.set(conn, (n = { type: 'conn', conn }));
    return n;
  }

  getChildren(n?: TaskNode): TaskNode[] {
    if (!n) return [...this.feeds.keys()].map((c) => this.connNode(c));
    if (n.type !== 'conn') return [];
    const feed = this.feeds.get(n.conn);
    if (feed?.error) return [{ type: 'empty', conn: n.conn, text: vscode.l10n.t('Recent tasks unavailable: {0}', feed.error) }];
    const tasks = feed?.tasks ?? [];
    if (!tasks.length) return [{ type: 'empty', conn: n.conn, text: vscode.l10n.t('No recent tasks') }];
    return tasks.map((task) => ({ type: 'task', conn: n.conn, task }));
  }

  /** An object's name: the task's, else the inventory's (vcsim names entities by moref). */
  private objectName(conn: string, t: TaskRecord): string | undefined {
    if (!t.object) return undefined;
    if (t.object.name !== t.object.ref.value) return t.object.name;
    const inv = this.inventory.sessions.snapshot(conn)?.inventory;
    const v = t.object.ref.value;
    const hit = inv && [inv.vms, inv.hosts, inv.folders, inv.datacenters, inv.computeResources]
      .map((list: ReadonlyArray<{ ref: { value: string }; name: string }>) => list.find((e) => e.ref.value === v)).find(Boolean);
    return hit?.name ?? t.object.name;
  }

  getTreeItem(n: TaskNode): vscode.TreeItem {
    if (n.type === 'conn') {
      const c = this.inventory.store.get(n.conn);
      const t = new vscode.TreeItem(c?.label ?? hostOf(c?.url ?? n.conn), vscode.TreeItemCollapsibleState.Expanded);
      t.id = `tasks/${n.conn}`;
      t.iconPath = new vscode.ThemeIcon('server-environment');
      const running = this.tasks(n.conn).filter((x) => x.state === 'running' || x.state === 'queued').length;
      t.description = running ? vscode.l10n.t('{0} running', String(running)) : undefined;
      t.contextValue = 'tasksConnection';
      return t;
    }
    if (n.type === 'empty') {
      const t = new vscode.TreeItem(n.text);
      t.id = `tasks/${n.conn}#empty`;
      t.iconPath = new vscode.ThemeIcon('info');
      return t;
    }
    return this.taskItem(n.conn, n.task);
  }

  private taskItem(conn: string, task: TaskRecord): vscode.TreeItem {
    const t = new vscode.TreeItem(taskTitle(task.what));
    t.id = `tasks/${conn}/${task.id}`;
    const object = this.objectName(conn, task);
    const result = task.state === 'running' ? (task.progress !== undefined ? `${task.progress}%` : vscode.l10n.t('running'))
      : task.state === 'queued' ? vscode.l10n.t('queued')
        : task.state === 'success' ? vscode.l10n.t('completed') : vscode.l10n.t('failed');
    t.description = [object, task.who, result].filter(Boolean).join(' · ');
    t.iconPath = task.state === 'running' ? new vscode.ThemeIcon('loading~spin')
      : task.state === 'queued' ? new vscode.ThemeIcon('clock')
        : task.state === 'success' ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
          : new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    t.contextValue = `task;${task.state}`;
    const md = new vscode.MarkdownString();
    md.appendText(`${taskTitle(task.what)} (${task.what})\n\n`);
    if (object) md.appendText(`${vscode.l10n.t('Object')}: ${object}\n\n`);
    if (task.who) md.appendText(`${vscode.l10n.t('Started by')}: ${task.who}\n\n`);
    md.appendText(`${vscode.l10n.t('Result')}: ${result}\n\n`);
    if (task.queued) md.appendText(`${vscode.l10n.t('Queued')}: ${new Date(task.queued).toLocaleString()}\n\n`);
    if (task.completed) md.appendText(`${vscode.l10n.t('Completed')}: ${new Date(task.completed).toLocaleString()}\n\n`);
    if (task.error) md.appendText(`${vscode.l10n.t('Error')}: ${task.error}`);
    t.tooltip = md;
    return t;
  }

  dispose(): void {
    for (const f of this.feeds.values()) void f.stop?.();
    this.feeds.clear();
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** The Tasks view (at activation: the view may show before any feature is loaded). */
export function registerTasksView(context: vscode.ExtensionContext, inventory: InventoryServices): TasksProvider {
  const tasks = new TasksProvider(inventory);
  const view = vscode.window.createTreeView('vsphereLab.tasks', { treeDataProvider: tasks });
  tasks.setVisible(view.visible);
  context.subscriptions.push(tasks, view, view.onDidChangeVisibility((e) => tasks.setVisible(e.visible)));
  return tasks;
}
