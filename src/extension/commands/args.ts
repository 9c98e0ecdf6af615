/**
 * The one argument resolver of the command kit (pure: no `vscode` at run time, so it is unit-tested).
 *
 * A command receives, depending on where it was started:
 * - a tree menu or inline button: `(node, selectedNodes?)` — a {@link Node} of the inventory;
 * - an editor or explorer menu: `(uri, selectedUris?)`;
 * - a link or a problem's fix-it: `({ conn })` or `'<connection id>'`;
 * - a script, a test or `executeCommand`: `(options)` or `(uri | node, options)`, a plain object.
 * {@link resolveArgs} turns any of these into one {@link CommandArgs}. Options from scripts are not
 * checked here: a handler validates the fields it reads.
 */
import type { Node } from '../inventory/provider';

/** What a command was started on, whatever the caller. */
export interface CommandArgs<U, O extends object = Record<string, unknown>> {
  /** The inventory tree node (menus, inline buttons). */
  readonly node?: Node;
  /** The connection id: the node's, a `{ conn }` object's, or a bare string. */
  readonly conn?: string;
  /** A file: an argument that is a URI, or `options.uri` (a URI, a URI string or a file path). */
  readonly uri?: U;
  /** The first plain object that is not a tree node (script options; `{ conn, … }` counts). */
  readonly options?: Partial<O>;
}

/** How URIs look in the host (vscode.Uri in the extension; a stand-in in unit tests). */
export interface UriKind<U> {
  is(x: unknown): x is U;
  /** `file:///…`, `vsphere-ds://…` are parsed; anything else (`/a/b.vmx`, `C:\\x.vmx`) is a file path. */
  parse(text: string): U;
  file(path: string): U;
}

const NODE_TYPES: ReadonlySet<string> = new Set(['connection', 'item', 'message', 'child']);

/** True for a node of the inventory tree (the handles `InventoryProvider` hands out). */
export function isTreeNode(x: unknown): x is Node {
  if (!x || typeof x !== 'object') return false;
  const o = x as { type?: unknown; conn?: unknown };
  return typeof o.type === 'string' && NODE_TYPES.has(o.type) && typeof o.conn === 'string';
}

/** True for a string that names a URI scheme (`file:`, `vsphere-ds:`) rather than a path (`C:\…`). */
export function looksLikeUri(text: string): boolean {
  return /^[a-z][\w+.-]+:/i.test(text) && !/^[a-z]:[\\/]/i.test(text);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Resolves the arguments a command handler received (see the module comment). */
export function resolveArgs<U, O extends object = Record<string, unknown>>(args: readonly unknown[], uris: UriKind<U>): CommandArgs<U, O> {
  let node: Node | undefined;
  let conn: string | undefined;
  let uri: U | undefined;
  let options: Record<string, unknown> | undefined;
  for (const [i, a] of args.entries()) {
    if (isTreeNode(a)) {
      node ??= a;
      conn ??= a.conn;
    } else if (uris.is(a)) {
      uri ??= a;
    } else if (typeof a === 'string' && i === 0) {
      conn = a;
    } else if (isPlainObject(a) && !options) {
      options = a;
      if (typeof a.conn === 'string') conn ??= a.conn;
    }
  }
  const u = options?.uri;
  if (uri === undefined && u !== undefined) {
    if (uris.is(u)) uri = u;
    else if (typeof u === 'string' && u) uri = looksLikeUri(u) ? uris.parse(u) : uris.file(u);
  }
  return { node, conn, uri, options: options as Partial<O> | undefined };
}
