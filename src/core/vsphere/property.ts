/**
 * PropertyCollector: RetrievePropertiesEx with paging (token + ContinueRetrievePropertiesEx), through
 * a ContainerView for inventory-wide queries. Large results are read with the specialised scanner.
 */
import type { VimClient, CallOptions } from './client';
import { decodeNode, type MoRef, type VimObject, type VimValue } from './decode';
import { NotAuthenticatedError, PagingError, VsphereError } from './errors';
import type { SoapObject, SoapValue, TextSink } from './soap';
import { decodeEntities, detach, NS_SOAP_ENV, TagMemo, XmlEvent, XmlPull, type PullContext, type XNode } from './xml';

export interface MissingProperty {
  path: string;
  faultType: string;
  message: string;
}

export interface ObjectContent {
  obj: MoRef;
  props: Record<string, VimValue>;
  missing: MissingProperty[];
}

export interface PropertySpec {
  type: string;
  paths?: readonly string[];
  all?: boolean;
}

export interface RetrieveOptions extends CallOptions {
  /** Page size hint (RetrieveOptions.maxObjects); the server may page anyway. */
  maxObjects?: number;
  /** Called after each page with the number of objects so far. */
  onPage?: (count: number) => void;
  /** Cap on continuation pages of one retrieve (default {@link MAX_PAGES}). */
  maxPages?: number;
  /** Cap on objects of one retrieve, all pages together (default {@link MAX_RETRIEVED_OBJECTS}). */
  maxTotalObjects?: number;
  /** Readers of their own for some property paths' values (see {@link ValueReader}). */
  readers?: ValueReaders;
}

/**
 * Reads one property's value itself, from the pull scanner positioned just after the Start of its
 * `<val>`, through that element's End. For large values of which the caller needs only a part
 * (e.g. a sweep's `config.hardware.device`): it builds only that part and `skipRaw()`s the rest.
 * It must give the same values as the generic decoder for what it keeps. A reader is used only by
 * the streaming extractor; the generic fallback (faults, unexpected shapes) decodes values whole.
 */
export type ValueReader = (p: XmlPull) => VimValue;
export type ValueReaders = Readonly<Record<string, ValueReader>>;

/** Pages of one RetrievePropertiesEx: 10 000 pages of the server's default 100 objects is a million. */
export const MAX_PAGES = 10_000;
/** Objects of one RetrievePropertiesEx, all pages together: far above any real inventory. */
export const MAX_RETRIEVED_OBJECTS = 2_000_000;

function missingFromNode(f: XNode): MissingProperty {
  let path = '';
  let faultType = '';
  let message = '';
  for (const p of f.children) {
    if (p.name === 'path') path = p.text;
    else if (p.name === 'fault') {
      const lf = decodeNode(p, 'LocalizedMethodFault') as VimObject;
      const fault = lf.fault as VimObject | undefined;
      faultType = (fault && typeof fault === 'object' ? fault._type : undefined) ?? '';
      message = typeof lf.localizedMessage === 'string' ? lf.localizedMessage : '';
    }
  }
  return { path, faultType, message };
}

/** Reads a RetrieveResult element into object contents and the continuation token. */
export function readRetrieveResult(returnval: XNode | undefined): { token?: string; objects: ObjectContent[] } {
  const objects: ObjectContent[] = [];
  let token: string | undefined;
  if (!returnval) return { objects };
  for (const c of returnval.children) {
    if (c.name === 'token') { token = c.text; continue; }
    if (c.name !== 'objects') continue;
    let obj: MoRef | undefined;
    const props: Record<string, VimValue> = {};
    const missing: MissingProperty[] = [];
    for (const f of c.children) {
      if (f.name === 'obj') {
        obj = { type: f.attrs?.type ?? '', value: f.text };
      } else if (f.name === 'propSet') {
        let name = '';
        let val: XNode | undefined;
        for (const p of f.children) {
          if (p.name === 'name') name = p.text;
          else if (p.name === 'val') val = p;
        }
        if (val) props[name] = decodeNode(val, 'anyType');
      } else if (f.name === 'missingSet') {
        missing.push(missingFromNode(f));
      }
    }
    if (obj) objects.push({ obj, props, missing });
  }
  return { token, objects };
}

type Page = { token?: string; objects: ObjectContent[] };

const EMPTY_CHILDREN: XNode[] = [];
// local copies: imported enum members are getter calls under per-file transpilers
const START = XmlEvent.Start;
const END = XmlEvent.End;

function readMissing(p: XmlPull): MissingProperty {
  return missingFromNode(p.buildNode());
}

/** After Start of `<val>`: decodes the value; leaves are decoded without building nodes. */
function readVal(p: XmlPull, scratch: XNode): VimValue {
  const name = p.name;
  const ns = p.ns;
  const type = p.type;
  const typeNs = p.typeNs;
  const attrs = p.attrs;
  const ev = p.next();
  if (ev === END) {
    scratch.name = name;
    scratch.ns = ns;
    scratch.type = type;
    scratch.typeNs = typeNs;
    scratch.attrs = attrs;
    scratch.text = detach(p.text);
    return decodeNode(scratch, 'anyType');
  }
  if (ev !== START) throw new Error('unexpected end of document in <val>');
  const node: XNode = { name, ns, children: [p.buildNode()], text: '' };
  if (type !== undefined) { node.type = type; node.typeNs = typeNs; }
  if (attrs !== undefined) node.attrs = attrs;
  p.fillChildren(node);
  return decodeNode(node, 'anyType');
}

/** Property names kept as keys: past this many distinct names, names are used as they come. */
const MAX_NAMES = 256;

/**
 * What the reads of the documents of one response (the runs of a streamed page) share: the start
 * tags already read ({@link TagMemo}) and the property names already seen, kept as the strings
 * objects are keyed by (a name sliced from the text would be looked up in V8's string table on
 * every `props[name] =`).
 */
export class RetrieveMemo {
  readonly tags: TagMemo | false;
  /** A node reused to decode leaf values. */
  readonly scratch: XNode = { name: '', ns: '', children: EMPTY_CHILDREN, text: '' };
  private readonly names: string[] = [];
  private next = 0;

  /** `remember` false: every tag read in full (the general path, for comparison). */
  constructor(remember = true) {
    this.tags = remember ? new TagMemo() : false;
  }

  /** `name`, or the equal string already used as a key. */
  key(name: string): string {
    const names = this.names;
    const n = names.length;
    // names come in the same order object after object: look where the last one was found first
    for (let k = 0, i = this.next; k < n; k++, i = i + 1 === n ? 0 : i + 1) {
      if (names[i] === name) {
        this.next = i + 1 === n ? 0 : i + 1;
        return names[i];
      }
    }
    if (n >= MAX_NAMES) return name;
    const keyed = Object.keys({ [name]: 0 })[0];
    names.push(keyed);
    return keyed;
  }
}

/**
 * Specialised streaming extractor for RetrievePropertiesEx / ContinueRetrievePropertiesEx
 * responses: walks the envelope with the pull scanner (namespace-correct: Envelope and Body must be
 * in the SOAP namespace, xsi:type recognised by namespace) and builds ObjectContent directly,
 * without an intermediate tree for leaf values. Returns undefined for anything else (a Fault, an
 * unexpected shape), so the caller falls back to the generic reader.
 */
export function extractRetrieveResult(xml: string, readers?: ValueReaders, memo = new RetrieveMemo()): { token?: string; objects: ObjectContent[] } | undefined {
  const p = new XmlPull(xml, memo.tags);
  // (a function, so TypeScript does not narrow p.name across next() calls)
  const at = (local: string, ns?: string): boolean => p.name === local && (ns === undefined || p.ns === ns);
  if (p.next() !== START || !at('Envelope', NS_SOAP_ENV)) return undefined;
  for (;;) {
    if (p.next() !== START) return undefined;
    if (at('Body', NS_SOAP_ENV)) break;
    p.skip();
  }
  if (p.next() !== START || at('Fault') || !p.name.endsWith('RetrievePropertiesExResponse')) return undefined;
  const out: Page = { token: undefined, objects: [] };
  for (;;) {
    const ev = p.next();
    if (ev === END) break;
    if (ev !== START) return undefined;
    if (!at('returnval')) { p.skip(); continue; }
    if (!readReturnval(p, out, readers, memo, false)) return undefined;
  }
  return out;
}

/**
 * Reads a returnval's children (token, objects) into `out` through the returnval's End, or, for a
 * `fragment` (a run of its children read with the scanner inside its scope), to the end of the
 * text. False: not the expected shape.
 */
function readReturnval(p: XmlPull, out: Page, readers: ValueReaders | undefined, memo: RetrieveMemo, fragment: boolean): boolean {
  for (;;) {
    const ev = p.next();
    if (ev === END) return !fragment;
    if (ev !== START) return fragment;
    const name = p.name;
    if (name === 'token') { out.token = p.leafText(); continue; }
    if (name !== 'objects') { p.skip(); continue; }
    const o = readObjectContent(p, readers, memo);
    if (o === false) return false;
    if (o !== undefined) out.objects.push(o);
  }
}

/** After Start of `<objects>`: the ObjectContent through its End (undefined without `<obj>`; false: not the expected shape). */
function readObjectContent(p: XmlPull, readers: ValueReaders | undefined, memo: RetrieveMemo): ObjectContent | undefined | false {
  let obj: MoRef | undefined;
  const props: Record<string, VimValue> = {};
  const missing: MissingProperty[] = [];
  for (;;) {
    const e3 = p.next();
    if (e3 === END) break;
    if (e3 !== START) return false;
    const tag = p.name;
    if (tag === 'obj') {
      const t = p.attrs?.type ?? '';
      obj = { type: t, value: detach(p.leafText()) };
    } else if (tag === 'propSet') {
      let name = '';
      let val: VimValue | undefined;
      for (;;) {
        const e4 = p.next();
        if (e4 === END) break;
        if (e4 !== START) return false;
        const inner = p.name;
        if (inner === 'name') name = memo.key(p.leafText());
        else if (inner === 'val') {
          const own = readers !== undefined && Object.hasOwn(readers, name) ? readers[name] : undefined;
          val = own ? own(p) : readVal(p, memo.scratch);
        }
        else p.skip();
      }
      if (val !== undefined) props[name] = val;
    } else if (tag === 'missingSet') {
      missing.push(readMissing(p));
    } else {
      p.skip();
    }
  }
  return obj ? { obj, props, missing } : undefined;
}

/**
 * Reads a run of returnval's children (complete elements, e.g. `<objects>…</objects>` several
 * times) in the namespace scope `context` of a returnval. Undefined when the run is not such a
 * sequence (an element cut, an end tag of its own).
 */
export function extractReturnvalRun(run: string, context: PullContext, readers?: ValueReaders, memo = new RetrieveMemo()): Page | undefined {
  const p = new XmlPull(run, memo.tags, context);
  const out: Page = { objects: [] };
  return readReturnval(p, out, readers, memo, true) ? out : undefined;
}

const OBJECTS_END = '</objects>';

/**
 * Parses a RetrievePropertiesEx response while it streams: once the envelope's head up to
 * `<returnval>` has arrived, every run of complete `<objects>` elements is read as it comes, in
 * returnval's namespace scope ({@link extractReturnvalRun}, where the run lies in the decoded piece:
 * no copy of it), so most of the parsing happens while the server is still sending. The runs of a
 * page share a {@link RetrieveMemo} (tags already read, property names as keys). The outcome is
 * exactly `extractRetrieveResult(whole)`: a run that is not a sequence of whole `returnval`
 * children (a nested `</objects>` in a value, a prefixed tag, a comment cut) fails, and the whole
 * text is then read at the end as before.
 */
export class RetrieveStream implements TextSink<{ token?: string; objects: ObjectContent[] }> {
  private pending = '';
  private head?: string;
  private closers = '';
  private readonly objects: ObjectContent[] = [];
  private token?: string;
  private failed = false;
  private tokenLooked = false;
  private readonly memo = new RetrieveMemo();
  /** Namespace bindings inside returnval (for runs read apart). */
  private context?: PullContext;

  /**
   * `onToken` hears the continuation token as soon as it has arrived (it comes before the objects:
   * RetrieveResult is `token?, objects*`), so the next page can be asked for while this one is read.
   */
  constructor(private readonly readers?: ValueReaders, private readonly onToken?: (token: string) => void) {}

  push(piece: string): void {
    if (this.failed) return;
    if (this.head !== undefined && this.tokenLooked) {
      this.takeRun(piece);
      return;
    }
    this.pending += piece;
    if (this.head === undefined && !this.readHead()) return;
    if (!this.tokenLooked) this.lookForToken();
    const end = this.pending.lastIndexOf(OBJECTS_END);
    if (end < 0) return;
    const run = this.pending.slice(0, end + OBJECTS_END.length);
    this.pending = this.pending.slice(end + OBJECTS_END.length);
    this.take(this.head + run + this.closers);
  }

  /**
   * Reads the objects complete in the text kept + `piece` without joining the two first (the kept
   * text has no `</objects>` of its own): the document read is the only copy made of the text.
   */
  private takeRun(piece: string): void {
    const kept = this.pending;
    let cut = piece.lastIndexOf(OBJECTS_END);
    if (cut >= 0) {
      cut += OBJECTS_END.length;
    } else {
      // an `</objects>` across the joint
      const n = OBJECTS_END.length - 1;
      const left = kept.slice(Math.max(0, kept.length - n));
      const at = (left + piece.slice(0, n)).lastIndexOf(OBJECTS_END);
      if (at < 0) {
        this.pending = kept + piece;
        return;
      }
      cut = at + OBJECTS_END.length - left.length;
    }
    this.pending = piece.slice(cut);
    const part = piece.slice(0, cut);
    if (kept === '') {
      this.takeRunOf(part);
      return;
    }
    // the object cut between the kept text and the piece is joined apart (a small copy), the
    // objects after it are read where they lie
    const n = OBJECTS_END.length - 1;
    const left = kept.slice(Math.max(0, kept.length - n));
    const across = (left + part.slice(0, n)).indexOf(OBJECTS_END);
    const first = across >= 0 ? across + OBJECTS_END.length - left.length : part.indexOf(OBJECTS_END) + OBJECTS_END.length;
    this.takeRunOf(kept + part.slice(0, first));
    if (first < part.length) this.takeRunOf(part.slice(first));
  }

  /** Reads a run of returnval's children in its scope (see {@link extractReturnvalRun}). */
  private takeRunOf(run: string): void {
    if (this.failed || this.context === undefined) return;
    let r: Page | undefined;
    try {
      r = extractReturnvalRun(run, this.context, this.readers, this.memo);
    } catch {
      r = undefined;
    }
    this.add(r);
  }

  result(whole: () => string): { token?: string; objects: ObjectContent[] } | undefined {
    if (this.failed || this.head === undefined) return extractRetrieveResult(whole(), this.readers);
    // the rest: the last objects, a token, the real end tags
    this.take(this.head + this.pending);
    if (this.failed) return extractRetrieveResult(whole(), this.readers);
    return { token: this.token, objects: this.objects };
  }

  private take(doc: string): void {
    let r: { token?: string; objects: ObjectContent[] } | undefined;
    try {
      r = extractRetrieveResult(doc, this.readers, this.memo);
    } catch {
      r = undefined;
    }
    this.add(r);
  }

  private add(r: Page | undefined): void {
    if (!r) {
      this.failed = true;
      return;
    }
    for (const o of r.objects) this.objects.push(o);
    if (r.token !== undefined) this.token = r.token;
  }

  /** An unprefixed `<token>…</token>` first in returnval goes to `onToken` (anything else: no early token). */
  private lookForToken(): void {
    const open = '<token>';
    const p = this.pending;
    if (p.length < open.length && open.startsWith(p)) return;
    if (!p.startsWith(open)) { this.tokenLooked = true; return; }
    const close = p.indexOf('</token>', open.length);
    if (close < 0) {
      if (p.length > 4096) this.tokenLooked = true;
      return;
    }
    this.tokenLooked = true;
    const text = p.slice(open.length, close);
    if (text !== '' && text.indexOf('<') < 0) this.onToken?.(decodeEntities(text));
  }

  /** Finds Envelope > Body > …RetrievePropertiesExResponse > returnval's start; false while incomplete. */
  private readHead(): boolean {
    const at = this.pending.indexOf('<returnval');
    const gt = at < 0 ? -1 : this.pending.indexOf('>', at);
    if (gt < 0) {
      if (this.pending.length > 65536) this.failed = true;
      return false;
    }
    const head = this.pending.slice(0, gt + 1);
    const qnames: string[] = [];
    try {
      const p = new XmlPull(head, this.memo.tags);
      const want: Array<(q: XmlPull) => boolean> = [
        (q) => q.name === 'Envelope' && q.ns === NS_SOAP_ENV,
        (q) => q.name === 'Body' && q.ns === NS_SOAP_ENV,
        (q) => q.name.endsWith('RetrievePropertiesExResponse'),
        (q) => q.name === 'returnval' && !head.endsWith('/>'),
      ];
      for (const ok of want) {
        if (p.next() !== START || !ok(p)) throw new Error('not a RetrievePropertiesEx head');
        qnames.push(p.qname);
      }
      this.context = p.context();
    } catch {
      this.failed = true;
      return false;
    }
    this.head = head;
    this.closers = qnames.reverse().map((q) => `</${q}>`).join('');
    this.pending = this.pending.slice(gt + 1);
    return true;
  }
}

function firstReturnval(response: XNode): XNode | undefined {
  for (const c of response.children) if (c.name === 'returnval') return c;
  return undefined;
}

function throwIfNotAuthenticated(objects: ObjectContent[], what: string): void {
  for (const o of objects) {
    for (const m of o.missing) {
      if (m.faultType === 'NotAuthenticated') {
        throw new NotAuthenticatedError(what, m.message, { _type: 'NotAuthenticated', object: o.obj });
      }
    }
  }
}

async function retrievePage(client: VimClient, method: string, args: ReadonlyArray<readonly [string, SoapValue]>, call: CallOptions, readers?: ValueReaders, onToken?: (token: string) => void): Promise<Page> {
  const pc = client.serviceContent.propertyCollector;
  const fast = await client.invokeText(method, pc, args, call, (xml) => extractRetrieveResult(xml, readers), () => new RetrieveStream(readers, onToken));
  if (fast.extracted) return fast.extracted;
  return readRetrieveResult(firstReturnval(fast.response));
}

/**
 * ContinueRetrievePropertiesEx one page ahead: as soon as a page's token has arrived (before its
 * objects are read), the next page is asked for, so the server makes page n+1 while page n is
 * parsed. Each token is asked for at most once; nothing new is asked for after `stop()`, and pages
 * that arrive after it have their own tokens cancelled.
 */
class PageAhead {
  private readonly asked = new Map<string, Promise<Page>>();
  private stopped = false;

  constructor(private readonly client: VimClient, private readonly call: CallOptions, private readonly readers: ValueReaders | undefined, private readonly mayAsk: (token: string) => boolean) {}

  readonly early = (token: string): void => {
    if (!this.stopped && !this.asked.has(token) && this.mayAsk(token)) void this.ask(token).catch(() => undefined);
  };

  /** The page after `token` (asked for now unless already asked for early). */
  ask(token: string): Promise<Page> {
    let p = this.asked.get(token);
    if (!p) {
      p = retrievePage(this.client, 'ContinueRetrievePropertiesEx', [['token', token]], this.call, this.readers, this.early);
      this.asked.set(token, p);
    }
    return p;
  }

  take(token: string): Promise<Page> {
    const p = this.ask(token);
    this.asked.delete(token);
    return p;
  }

  /** No more asking; pages still on their way release their tokens when they come. */
  stop(cancel: (token: string) => Promise<unknown>): void {
    this.stopped = true;
    for (const p of this.asked.values()) p.then((pg) => (pg.token ? cancel(pg.token) : undefined)).catch(() => undefined);
    this.asked.clear();
  }
}

/** Page size asked for when the caller gives none: the server pages anyway, and pages let parsing overlap. */
export const DEFAULT_MAX_OBJECTS = 1000;

/**
 * RetrievePropertiesEx with all pages, one page asked for ahead ({@link PageAhead}). On failure or
 * cancellation in the middle, outstanding tokens are released with CancelRetrievePropertiesEx.
 * Does not re-login by itself (callers wrap the whole operation in `withRelogin`, since views and
 * tokens belong to the session).
 */
export async function retrievePropertiesEx(client: VimClient, specSet: SoapObject[], opts: RetrieveOptions = {}): Promise<ObjectContent[]> {
  const pc = client.serviceContent.propertyCollector;
  const call: CallOptions = { signal: opts.signal, timeoutMs: opts.timeoutMs, noRelogin: true };
  const options: SoapObject = { maxObjects: opts.maxObjects ?? DEFAULT_MAX_OBJECTS };
  const maxPages = opts.maxPages ?? MAX_PAGES;
  const maxTotal = opts.maxTotalObjects ?? MAX_RETRIEVED_OBJECTS;
  // A server repeating its token (or paging forever) would otherwise fill memory; each token is
  // asked for once, and the pages and objects of one retrieve are capped.
  const seen = new Set<string>();
  const ahead = new PageAhead(client, call, opts.readers, (t) => !seen.has(t) && seen.size < maxPages);
  const cancel = (t: string): Promise<unknown> => client.invokeRaw('CancelRetrievePropertiesEx', pc, [['token', t]], { noRelogin: true, timeoutMs: 5000 }).catch(() => undefined);
  let token: string | undefined;
  const all: ObjectContent[] = [];
  const stop = (detail: string): PagingError => new PagingError(client.endpoint.display, 'RetrievePropertiesEx', detail);
  try {
    let page = await retrievePage(client, 'RetrievePropertiesEx', [['specSet', specSet], ['options', options]], call, opts.readers, ahead.early);
    throwIfNotAuthenticated(page.objects, 'RetrievePropertiesEx');
    for (const o of page.objects) all.push(o);
    opts.onPage?.(all.length);
    token = page.token;
    while (token) {
      if (seen.has(token)) throw stop(`the continuation token "${token.slice(0, 40)}" came back a second time`);
      if (seen.size >= maxPages) throw stop(`more than ${maxPages} pages`);
      seen.add(token);
      page = await ahead.take(token);
      throwIfNotAuthenticated(page.objects, 'ContinueRetrievePropertiesEx');
      if (all.length + page.objects.length > maxTotal) throw stop(`more than ${maxTotal} objects`);
      for (const o of page.objects) all.push(o);
      opts.onPage?.(all.length);
      token = page.token;
    }
  } catch (e) {
    ahead.stop(cancel);
    if (token) await cancel(token);
    throw e;
  }
  return all;
}

function propSpec(s: PropertySpec): SoapObject {
  return { type: s.type, all: s.all ?? (s.paths === undefined ? true : undefined), pathSet: s.paths ? [...s.paths] : undefined };
}

export async function createContainerView(client: VimClient, types: readonly string[], root?: MoRef, recursive = true, opts: CallOptions = {}): Promise<MoRef> {
  const vm = client.serviceContent.viewManager;
  if (!vm) throw new VsphereError('noViewManager', `${client.endpoint.display} has no ViewManager (ESXi before 4.0?); inventory views are not available.`);
  const v = await client.invoke('CreateContainerView', vm, [
    ['container', root ?? client.serviceContent.rootFolder], ['type', [...types]], ['recursive', recursive],
  ], 'ManagedObjectReference', { ...opts, noRelogin: true });
  return v as MoRef;
}

export async function destroyView(client: VimClient, view: MoRef): Promise<void> {
  await client.invoke('DestroyView', view, [], undefined, { noRelogin: true, timeoutMs: 10000 });
}

/**
 * Retrieves properties of every object of the given types under `root` (default: the root folder)
 * through a ContainerView, then destroys the view. Re-logs in once if the session expired.
 */
export async function retrieveMany(client: VimClient, specs: readonly PropertySpec[], root?: MoRef, opts: RetrieveOptions = {}): Promise<ObjectContent[]> {
  return client.withRelogin(async () => {
    const view = await createContainerView(client, specs.map((s) => s.type), root, true, opts);
    try {
      const specSet: SoapObject = {
        propSet: specs.map(propSpec),
        objectSet: {
          obj: view,
          skip: true,
          selectSet: { _type: 'TraversalSpec', name: 'view', type: 'ContainerView', path: 'view', skip: false },
        },
      };
      return await retrievePropertiesEx(client, [specSet], opts);
    } finally {
      await destroyView(client, view).catch(() => undefined);
    }
  });
}

/** `retrieve('VirtualMachine', ['name', 'runtime.powerState'])` under the root folder or `root`. */
export function retrieve(client: VimClient, type: string, paths: readonly string[], root?: MoRef, opts: RetrieveOptions = {}): Promise<ObjectContent[]> {
  return retrieveMany(client, [{ type, paths }], root, opts);
}

/** Properties of one object (no traversal). Missing properties are absent from `props`. */
export async function retrieveObject(client: VimClient, obj: MoRef, paths: readonly string[], opts: RetrieveOptions = {}): Promise<ObjectContent> {
  const res = await client.withRelogin(() => retrievePropertiesEx(client, [{
    propSet: { type: obj.type, pathSet: [...paths] },
    objectSet: { obj, skip: false },
  }], opts));
  const found = res.find((o) => o.obj.value === obj.value) ?? res[0];
  if (!found) throw new VsphereError('objectNotFound', `${obj.type}:${obj.value} was not found on ${client.endpoint.display}. Refresh the inventory.`);
  return found;
}

/** One property of one object. */
export async function retrieveProperty(client: VimClient, obj: MoRef, path: string, opts: RetrieveOptions = {}): Promise<VimValue | undefined> {
  return (await retrieveObject(client, obj, [path], opts)).props[path];
}

