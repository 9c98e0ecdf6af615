/**
 * Namespace-aware XML for the vSphere SOAP client.
 *
 * Two readers produce the same {@link XNode} tree:
 * - {@link parseXml}: fast-xml-parser (preserveOrder) plus our own namespace resolution; used for
 *   every ordinary response.
 * - {@link parseXmlFast}: a specialised single-pass scanner used for the large
 *   RetrievePropertiesEx results (thousands of objects), where fast-xml-parser is the bottleneck.
 *   A start tag it has read once in the same namespace scope costs one string comparison the next
 *   time ({@link TagMemo}): responses repeat a few tags thousands of times.
 *
 * Both resolve prefixes against in-scope `xmlns` declarations, so a type attribute is recognised by
 * its namespace (XML Schema instance), whatever its prefix: `xsi:type` (vCenter) and
 * `XMLSchema-instance:type` (vcsim) are the same thing.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const NS_SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const NS_XSD = 'http://www.w3.org/2001/XMLSchema';
export const NS_VIM25 = 'urn:vim25';

export interface XNode {
  /** Local name (prefix removed). */
  name: string;
  /** Namespace URI of the element ('' when none). */
  ns: string;
  /** Local part of the xsi:type value, when present (e.g. 'int', 'ArrayOfString', 'VirtualDisk'). */
  type?: string;
  /** Namespace the xsi:type value's prefix resolves to ('' when unprefixed and no default namespace). */
  typeNs?: string;
  /** Attributes without a namespace (e.g. `type` on a ManagedObjectReference). */
  attrs?: Record<string, string>;
  children: XNode[];
  /** Text content (entity-decoded); '' for elements with child elements. */
  text: string;
}

export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
type Scope = Record<string, string>;
const ROOT_SCOPE: Scope = Object.assign(Object.create(null) as Scope, { xml: XML_NS, '': '' });

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five XML entities and numeric character references. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ent: string) => {
    if (ent.charCodeAt(0) === 35 /* # */) {
      const code = ent.charCodeAt(1) === 120 /* x */ ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ent] ?? whole;
  });
}

/**
 * `s`, not keeping alive the text it was cut from. V8 makes a slice of 13 characters or more a view
 * into the whole string: one such value kept in a result keeps a whole response in memory (and
 * every young-generation collection copies it while it is young). Short strings are copies already.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[<>&"'\r\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => {
    switch (c) {
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '&': return '&amp;';
      case '"': return '&quot;';
      case "'": return '&apos;';
      case '\r': return '&#13;';
      default: return ''; // characters not allowed in XML 1.0 are dropped
    }
  });
}

function splitQName(q: string): [string, string] {
  const i = q.indexOf(':');
  return i < 0 ? ['', q] : [q.slice(0, i), q.slice(i + 1)];
}

function resolve(scope: Scope, prefix: string, what: string): string {
  const ns = scope[prefix];
  if (ns === undefined) throw new XmlError(`undeclared namespace prefix '${prefix}' on ${what}`);
  return ns;
}

/** Applies an element's attributes to a node: namespace declarations first, then the rest. */
function applyAttributes(node: XNode, qname: string, raw: Array<[string, string]> | undefined, parent: Scope): Scope {
  let scope = parent;
  if (raw) {
    for (const [k, v] of raw) {
      if (k === 'xmlns') {
        if (scope === parent) scope = Object.create(parent) as Scope;
        scope[''] = v;
      } else if (k.startsWith('xmlns:')) {
        if (scope === parent) scope = Object.create(parent) as Scope;
        scope[k.slice(6)] = v;
      }
    }
  }
  const [prefix, local] = splitQName(qname);
  node.name = local;
  node.ns = resolve(scope, prefix, `element <${qname}>`);
  if (raw) {
    for (const [k, v] of raw) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      const c = k.indexOf(':');
      if (c < 0) {
        (node.attrs ??= {})[k] = v;
        continue;
      }
      const ans = resolve(scope, k.slice(0, c), `attribute ${k}`);
      if (ans === NS_XSI && k.slice(c + 1) === 'type') {
        const [tp, tl] = splitQName(v);
        node.type = tl;
        node.typeNs = scope[tp] ?? '';
      }
    }
  }
  return scope;
}

// ---------------------------------------------------------------------------------------------
// fast-xml-parser based reader

const fxp = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: false,
  commentPropName: false,
  cdataPropName: '#cdata',
});

type FxpItem = Record<string, unknown>;

function convertFxp(item: FxpItem, parentScope: Scope): XNode | undefined {
  let qname: string | undefined;
  for (const k of Object.keys(item)) {
    if (k !== ':@') { qname = k; break; }
  }
  if (qname === undefined || qname === '#text' || qname === '#cdata') return undefined;
  const attrsObj = item[':@'] as Record<string, string> | undefined;
  const raw = attrsObj ? Object.entries(attrsObj).map(([k, v]) => [k, decodeEntities(String(v))] as [string, string]) : undefined;
  const node: XNode = { name: '', ns: '', children: [], text: '' };
  const scope = applyAttributes(node, qname, raw, parentScope);
  let text = '';
  for (const child of (item[qname] as FxpItem[]) ?? []) {
    if ('#text' in child) text += decodeEntities(String(child['#text']));
    else if ('#cdata' in child) {
      for (const c of child['#cdata'] as FxpItem[]) text += String(c['#text'] ?? '');
    } else {
      const n = convertFxp(child, scope);
      if (n) node.children.push(n);
    }
  }
  node.text = node.children.length ? '' : text;
  return node;
}

/** Parses a document with fast-xml-parser and returns its root element, namespaces resolved. */
export function parseXml(xml: string): XNode {
  let parsed: FxpItem[];
  // fast-xml-parser tolerates mismatched end tags; validate first (responses on this path are small)
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new XmlError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  try {
    parsed = fxp.parse(xml) as FxpItem[];
  } catch (e) {
    throw new XmlError(`malformed XML: ${(e as Error).message}`);
  }
  for (const item of parsed) {
    const n = convertFxp(item, ROOT_SCOPE);
    if (n) return n;
  }
  throw new XmlError('no root element');
}

// ---------------------------------------------------------------------------------------------
// specialised scanner

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

export enum XmlEvent {
  Eof = 0,
  Start = 1,
  End = 2,
}

const EMPTY: XNode[] = [];

/** One start tag as read once: everything the scanner sets from it, valid for the same text in the same scope. */
interface MemoTag {
  /** The tag's text, `<` through `>` (with no other `>` in it). */
  raw: string;
  /** Namespace scope the tag was read in, and the one it opens for its content. */
  scope: number;
  childScope: number;
  qname: string;
  name: string;
  ns: string;
  type: string | undefined;
  typeNs: string | undefined;
  /** Frozen: shared by every element read from this entry. */
  attrs: Readonly<Record<string, string>> | undefined;
  declPrefixes: string[];
  declUris: string[];
  selfClose: boolean;
}

/** Sets of {@link MEMO_WAYS} entries (several tags of one shape, e.g. `<val>` of each type, live side by side). */
const MEMO_SETS = 64;
const MEMO_WAYS = 4;
/** Start tags longer than this are always read in full (the memo stays small). */
const MEMO_MAX_TAG = 512;

/**
 * Start tags already read, so a repeated tag (a response repeats the same few thousands of times:
 * `<propSet>`, `<val xmlns:… …:type="xsd:string">`) costs one string comparison instead of a read
 * of its name, attributes and namespace declarations. An entry is used only for the identical text
 * in the identical namespace scope: scopes are numbered, and a tag declaring namespaces opens a new
 * number (kept in its entry), so equal numbers mean equal prefix bindings. Fixed size (256 entries
 * of tags ≤ 512 characters); share one between the documents of one response (the runs of a
 * streamed page) so they need not learn the tags again.
 */
export class TagMemo {
  readonly slots: Array<MemoTag | undefined> = new Array<MemoTag | undefined>(MEMO_SETS * MEMO_WAYS).fill(undefined);
  private lastScope = 0;
  private hits = 0;
  private misses = 0;
  /** Set once the memo keeps missing (a document of tags all different): it then costs nothing more. */
  off = false;

  newScope(): number {
    return ++this.lastScope;
  }

  hit(): void {
    this.hits++;
  }

  /** A tag read in full and kept: past 512 of them, more than 4 for every tag found stops the memo. */
  missed(): void {
    if (++this.misses > 512 && this.misses > 4 * this.hits) this.off = true;
  }
}

/** The first memo slot of the set of the tag xml[lt, gt]: from its length and a few of its characters. */
function memoSet(xml: string, lt: number, gt: number): number {
  return (((gt - lt) * 31 + xml.charCodeAt(lt + 1) * 7 + xml.charCodeAt(gt - 1) * 3 + xml.charCodeAt(gt - 2)) & (MEMO_SETS - 1)) * MEMO_WAYS;
}

/** Namespace bindings in scope at some point of a document (and their memo scope number). */
export interface PullContext {
  readonly prefixes: readonly string[];
  readonly uris: readonly string[];
  readonly scope: number;
  readonly memo: TagMemo | undefined;
}

/**
 * A pull scanner over a whole document string: `next()` returns Start / End / Eof. After Start the
 * current tag's local name, namespace, xsi:type (resolved by namespace, any prefix) and plain
 * attributes are in the fields; after End, `text` holds the text since the previous event
 * (entity-decoded). Namespace declarations live on a flat prefix/URI stack. Handles comments,
 * processing instructions and CDATA; rejects DOCTYPE.
 */
export class XmlPull {
  name = '';
  ns = '';
  qname = '';
  type: string | undefined;
  typeNs: string | undefined;
  attrs: Record<string, string> | undefined;
  text = '';
  depth = 0;
  private pos = 0;
  private readonly len: number;
  private pendingEnd = false;
  private readonly prefixes: string[] = ['xml', ''];
  private readonly uris: string[] = [XML_NS, ''];
  private readonly declCounts: number[] = [];
  private readonly qnames: string[] = [];
  private readonly attrPos: number[] = [];
  private lastPrefix = '';
  /** Namespace scope number of the content being read (see {@link TagMemo}), and of the open elements' parents. */
  private scope = 0;
  private readonly scopes: number[] = [];
  private readonly memo: TagMemo | undefined;

  /**
   * `memo`: start tags read before, shared with other documents (default: this document's own);
   * false: every tag read in full. `context`: read `xml` as content of an element with those
   * namespace bindings (see {@link context}): a run of elements cut from a larger document.
   */
  constructor(private readonly xml: string, memo?: TagMemo | false, context?: PullContext) {
    this.len = xml.length;
    this.memo = memo === false ? undefined : memo ?? new TagMemo();
    if (context) {
      for (let k = 2; k < context.prefixes.length; k++) {
        this.prefixes.push(context.prefixes[k]);
        this.uris.push(context.uris[k]);
      }
      // a scope number means something only to the memo that gave it
      this.scope = this.memo === undefined ? 0 : context.memo === this.memo ? context.scope : this.memo.newScope();
    }
  }

  /** The namespace bindings in the current element (after its Start), for reading runs of its content apart. */
  context(): PullContext {
    return { prefixes: this.prefixes.slice(), uris: this.uris.slice(), scope: this.scope, memo: this.memo };
  }

  private pop(): void {
    let decls = this.declCounts.pop() as number;
    while (decls-- > 0) { this.prefixes.pop(); this.uris.pop(); }
    this.qnames.pop();
    this.scope = this.scopes.pop() as number;
    this.depth--;
  }

  next(): XmlEvent {
    const xml = this.xml;
    if (this.pendingEnd) {
      this.pendingEnd = false;
      this.text = '';
      this.pop();
      return XmlEvent.End;
    }
    let text = '';
    let i = this.pos;
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) {
        if (this.depth > 0) throw new XmlError(`unterminated element <${this.qnames[this.qnames.length - 1]}>`);
        this.pos = this.len;
        return XmlEvent.Eof;
      }
      if (lt > i && this.depth > 0) {
        const t = xml.slice(i, lt);
        text = text === '' ? (t.indexOf('&') < 0 ? t : decodeEntities(t)) : text + decodeEntities(t);
      }
      const c = xml.charCodeAt(lt + 1);
      if (c === 47 /* / */) {
        if (this.depth === 0) throw new XmlError(`unexpected end tag at ${lt}`);
        // `</qname>` most of the time: no search for the `>`
        const guess = lt + 2 + this.qnames[this.qnames.length - 1].length;
        const gt = xml.charCodeAt(guess) === 62 ? guess : xml.indexOf('>', lt + 2);
        if (gt < 0) throw new XmlError(`unexpected end tag at ${lt}`);
        this.checkEndTag(lt, gt);
        this.text = text;
        this.pop();
        this.pos = gt + 1;
        return XmlEvent.End;
      }
      if (c === 63 /* ? */) {
        const end = xml.indexOf('?>', lt + 2);
        if (end < 0) throw new XmlError('unterminated processing instruction');
        i = end + 2;
        continue;
      }
      if (c === 33 /* ! */) {
        if (xml.startsWith('<!--', lt)) {
          const end = xml.indexOf('-->', lt + 4);
          if (end < 0) throw new XmlError('unterminated comment');
          i = end + 3;
          continue;
        }
        if (xml.startsWith('<![CDATA[', lt)) {
          const end = xml.indexOf(']]>', lt + 9);
          if (end < 0) throw new XmlError('unterminated CDATA');
          text += xml.slice(lt + 9, end);
          i = end + 3;
          continue;
        }
        throw new XmlError('DOCTYPE and other declarations are not accepted');
      }
      this.startTag(lt);
      return XmlEvent.Start;
    }
  }

  /** The end tag xml[lt, gt] closes the innermost open element (its qname, then only blanks). */
  private checkEndTag(lt: number, gt: number): void {
    const xml = this.xml;
    const qn = this.qnames[this.qnames.length - 1];
    const s = lt + 2;
    // (a slice compared is several times cheaper than startsWith)
    const ok = gt - s === qn.length ? xml.slice(s, gt) === qn
      : gt - s > qn.length && xml.slice(s, s + qn.length) === qn && xml.slice(s + qn.length, gt).trim() === '';
    if (!ok) {
      throw new XmlError(`mismatched end tag </${xml.slice(lt + 2, gt)}> for <${qn}> at ${lt}`);
    }
  }

  /** Namespace of the prefix xml[start, end) without allocating. */
  private lookupAt(start: number, end: number): string {
    const p = this.prefixes;
    const n = end - start;
    for (let k = p.length - 1; k >= 0; k--) {
      const pk = p[k];
      if (pk.length === n && this.xml.startsWith(pk, start)) return this.uris[k];
    }
    throw new XmlError(`undeclared namespace prefix '${this.xml.slice(start, end)}'`);
  }

  private startTag(lt: number): void {
    const xml = this.xml;
    const gt = xml.indexOf('>', lt + 2);
    const memo = this.memo;
    if (memo !== undefined && !memo.off && gt > 0 && gt - lt < MEMO_MAX_TAG) {
      const slots = memo.slots;
      const set = memoSet(xml, lt, gt);
      const n = gt - lt + 1;
      for (let w = set; w < set + MEMO_WAYS; w++) {
        const m = slots[w];
        if (m === undefined) break;
        if (m.scope === this.scope && m.raw.length === n && xml.slice(lt, gt + 1) === m.raw) {
          memo.hit();
          this.useMemo(m, gt + 1);
          return;
        }
      }
    }
    this.readStartTag(lt, gt);
  }

  private useMemo(m: MemoTag, end: number): void {
    const decls = m.declPrefixes.length;
    for (let k = 0; k < decls; k++) {
      this.prefixes.push(m.declPrefixes[k]);
      this.uris.push(m.declUris[k]);
    }
    this.qname = m.qname;
    this.name = m.name;
    this.ns = m.ns;
    this.type = m.type;
    this.typeNs = m.typeNs;
    this.attrs = m.attrs;
    this.qnames.push(m.qname);
    this.declCounts.push(decls);
    this.scopes.push(this.scope);
    this.scope = m.childScope;
    this.depth++;
    this.pendingEnd = m.selfClose;
    this.pos = end;
  }

  /** Keeps the start tag just read (xml[lt, end), its first `>` its last character) for the next time. */
  private remember(memo: TagMemo, lt: number, end: number, decls: number, selfClose: boolean): void {
    const xml = this.xml;
    const n = this.prefixes.length;
    let attrs: Record<string, string> | undefined;
    if (this.attrs !== undefined) {
      attrs = {};
      for (const [k, v] of Object.entries(this.attrs)) attrs[detach(k)] = detach(v);
      this.attrs = Object.freeze(attrs);
    }
    if (this.type !== undefined) this.type = detach(this.type);
    this.qname = detach(this.qname);
    this.name = detach(this.name);
    const parent = this.scopes[this.scopes.length - 1];
    const slots = memo.slots;
    const set = memoSet(xml, lt, end - 1);
    // the newest first; the oldest of the set is dropped
    for (let w = set + MEMO_WAYS - 1; w > set; w--) slots[w] = slots[w - 1];
    slots[set] = {
      raw: detach(xml.slice(lt, end)), scope: parent, childScope: decls > 0 ? this.scope : parent,
      qname: this.qname, name: this.name, ns: this.ns, type: this.type, typeNs: this.typeNs, attrs,
      declPrefixes: this.prefixes.slice(n - decls).map(detach), declUris: this.uris.slice(n - decls).map(detach), selfClose,
    };
  }

  /** Reads the start tag at `lt` in full; `firstGt`: the first `>` after it (-1: none). */
  private readStartTag(lt: number, firstGt: number): void {
    const xml = this.xml;
    const len = this.len;
    let j = lt + 1;
    let colon = -1;
    for (; j < len; j++) {
      const d = xml.charCodeAt(j);
      if (d === 62 || d === 47 || d === 32 || d === 10 || d === 9 || d === 13) break;
      if (d === 58 && colon < 0) colon = j;
    }
    if (j === lt + 1) throw new XmlError(`empty tag name at ${lt}`);
    const qname = xml.slice(lt + 1, j);
    const attrPos = this.attrPos;
    let nAttr = 0;
    let selfClose = false;
    let decls = 0;
    for (;;) {
      let d = xml.charCodeAt(j);
      while (d === 32 || d === 10 || d === 9 || d === 13) d = xml.charCodeAt(++j);
      if (j >= len) throw new XmlError('unterminated start tag');
      if (d === 62) { j++; break; }
      if (d === 47) {
        if (xml.charCodeAt(j + 1) !== 62) throw new XmlError(`bad '/' in tag at ${j}`);
        selfClose = true;
        j += 2;
        break;
      }
      const eq = xml.indexOf('=', j);
      if (eq < 0) throw new XmlError('attribute without value');
      let ne = eq;
      while (ne > j && isSpace(xml.charCodeAt(ne - 1))) ne--;
      let q = eq + 1;
      while (isSpace(xml.charCodeAt(q))) q++;
      const quote = xml.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlError(`unquoted attribute value at ${q}`);
      const qe = xml.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (qe < 0) throw new XmlError('unterminated attribute value');
      if (xml.startsWith('xmlns', j) && (ne === j + 5 || xml.charCodeAt(j + 5) === 58)) {
        // reuse the previous prefix / well-known URIs instead of allocating (vcsim redeclares the
        // xsi prefix on every typed value)
        const ps = ne === j + 5 ? ne : j + 6;
        const last = this.lastPrefix;
        const prefix = last.length === ne - ps && xml.startsWith(last, ps) ? last : (this.lastPrefix = xml.slice(ps, ne));
        const vlen = qe - q - 1;
        const uri = vlen === NS_XSI.length && xml.startsWith(NS_XSI, q + 1) ? NS_XSI
          : vlen === NS_VIM25.length && xml.startsWith(NS_VIM25, q + 1) ? NS_VIM25
            : decodeEntities(xml.slice(q + 1, qe));
        this.prefixes.push(prefix);
        this.uris.push(uri);
        decls++;
      } else {
        attrPos[nAttr++] = j;
        attrPos[nAttr++] = ne;
        attrPos[nAttr++] = q + 1;
        attrPos[nAttr++] = qe;
      }
      j = qe + 1;
    }
    this.qname = qname;
    if (colon < 0) {
      this.name = qname;
      this.ns = this.lookupAt(0, 0);
    } else {
      this.name = qname.slice(colon - lt);
      this.ns = this.lookupAt(lt + 1, colon);
    }
    this.type = undefined;
    this.typeNs = undefined;
    this.attrs = undefined;
    for (let k = 0; k < nAttr; k += 4) {
      const as = attrPos[k];
      const ae = attrPos[k + 1];
      const vs = attrPos[k + 2];
      const ve = attrPos[k + 3];
      let ac = -1;
      for (let m = as; m < ae; m++) if (xml.charCodeAt(m) === 58) { ac = m; break; }
      if (ac < 0) {
        (this.attrs ??= {})[xml.slice(as, ae)] = decodeEntities(xml.slice(vs, ve));
        continue;
      }
      const ans = this.lookupAt(as, ac);
      if (ans !== NS_XSI || ae - ac !== 5 || !xml.startsWith(':type', ac)) continue;
      let vc = -1;
      for (let m = vs; m < ve; m++) if (xml.charCodeAt(m) === 58) { vc = m; break; }
      const ts = vc < 0 ? vs : vc + 1;
      this.type = decodeEntities(xml.slice(ts, ve));
      this.typeNs = vc < 0 ? this.lookupAt(0, 0) : this.lookupOr(vs, vc);
    }
    this.qnames.push(qname);
    this.declCounts.push(decls);
    this.scopes.push(this.scope);
    if (decls > 0 && this.memo !== undefined) this.scope = this.memo.newScope();
    this.depth++;
    this.pendingEnd = selfClose;
    this.pos = j;
    const memo = this.memo;
    if (memo !== undefined && !memo.off && j - 1 === firstGt && j - lt <= MEMO_MAX_TAG) {
      memo.missed();
      this.remember(memo, lt, j, decls, selfClose);
    }
  }

  private lookupOr(start: number, end: number): string {
    try {
      return this.lookupAt(start, end);
    } catch {
      return '';
    }
  }

  /** After Start: builds the current element and its subtree (consumes through its End). */
  buildNode(): XNode {
    const node: XNode = { name: this.name, ns: this.ns, children: EMPTY, text: '' };
    if (this.type !== undefined) { node.type = this.type; node.typeNs = this.typeNs; }
    if (this.attrs !== undefined) node.attrs = this.attrs;
    this.fillChildren(node);
    return node;
  }

  /** Reads children of `node` (whose Start was the last event) through its End. */
  fillChildren(node: XNode): void {
    for (;;) {
      const ev = this.next();
      if (ev === XmlEvent.Start) {
        if (node.children === EMPTY) node.children = [];
        node.children.push(this.buildNode());
      } else if (ev === XmlEvent.End) {
        if (node.children === EMPTY) node.children = [];
        else return;
        node.text = detach(this.text);
        return;
      } else {
        throw new XmlError(`unterminated element <${node.name}>`);
      }
    }
  }

  /** After Start: skips the current element's subtree. */
  skip(): void {
    const d = this.depth;
    while (this.depth >= d) {
      if (this.next() === XmlEvent.Eof) throw new XmlError('unexpected end of document');
    }
  }

  /**
   * After Start: skips the current element's subtree without naming or building anything inside it:
   * tags are counted (quoted attribute values, comments, CDATA and processing instructions
   * honoured), no string is made. For large subtrees a reader does not want; unlike `skip()`, end
   * tags inside are not matched to their start tags (the element's own end tag is).
   */
  skipRaw(): void {
    if (this.pendingEnd) { this.next(); return; }
    const xml = this.xml;
    const len = this.len;
    let depth = 1;
    let i = this.pos;
    for (;;) {
      const lt = xml.indexOf('<', i);
      if (lt < 0) throw new XmlError(`unterminated element <${this.qnames[this.qnames.length - 1]}>`);
      const c = xml.charCodeAt(lt + 1);
      if (c === 47 /* / */) {
        const gt = xml.indexOf('>', lt + 2);
        if (gt < 0) throw new XmlError('unterminated end tag');
        i = gt + 1;
        if (--depth === 0) {
          this.checkEndTag(lt, gt);
          break;
        }
        continue;
      }
      if (c === 33 /* ! */ || c === 63 /* ? */) {
        const close = c === 63 ? '?>' : xml.startsWith('<!--', lt) ? '-->' : xml.startsWith('<![CDATA[', lt) ? ']]>' : undefined;
        if (close === undefined) throw new XmlError('DOCTYPE and other declarations are not accepted');
        const end = xml.indexOf(close, lt + 2);
        if (end < 0) throw new XmlError('unterminated comment, CDATA or processing instruction');
        i = end + close.length;
        continue;
      }
      let j = lt + 1;
      let quote = 0;
      for (; j < len; j++) {
        const d = xml.charCodeAt(j);
        if (quote !== 0) { if (d === quote) quote = 0; } else if (d === 34 || d === 39) quote = d; else if (d === 62) break;
      }
      if (j >= len) throw new XmlError('unterminated start tag');
      if (xml.charCodeAt(j - 1) !== 47) depth++;
      i = j + 1;
    }
    this.text = '';
    this.pop();
    this.pos = i;
  }

  /** After Start: the text of a leaf element (child elements are skipped). */
  leafText(): string {
    for (;;) {
      const ev = this.next();
      if (ev === XmlEvent.End) return this.text;
      if (ev === XmlEvent.Start) { this.skip(); continue; }
      throw new XmlError('unexpected end of document');
    }
  }
}

/**
 * Parses a whole document with the pull scanner into the same tree as {@link parseXml}; several
 * times faster on large responses.
 */
export function parseXmlFast(xml: string): XNode {
  const p = new XmlPull(xml);
  let root: XNode | undefined;
  for (;;) {
    const ev = p.next();
    if (ev === XmlEvent.Eof) break;
    if (ev === XmlEvent.Start) {
      if (root) throw new XmlError('more than one root element');
      root = p.buildNode();
    }
  }
  if (!root) throw new XmlError('no root element');
  return root;
}

/** First child with the given local name (and namespace, when given). */
export function child(node: XNode, name: string, ns?: string): XNode | undefined {
  for (const c of node.children) if (c.name === name && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}
