/**
 * Namespace-aware XML for the vSphere SOAP client.
 *
 * Two readers produce the same {@link XNode} tree:
 * - {@link parseXml}: fast-xml-parser (preserveOrder) plus our own namespace resolution; used for
 *   every ordinary response.
 * - {@link parseXmlFast}: a specialised single-pass scanner used for the large
 *   RetrievePropertiesEx results (thousands of objects), where fast-xml-parser is the bottleneck.
 *
 * Both resolve prefixes against in-scope `xmlns` declarations, so a type attribute is recognised by
 * its namespace (XML Schema instance), whatever its prefix: `xsi:type` (vCenter) and
 * `XMLSchema-instance:type` (vcsim) are the same thing.
 */
import { XMLParser } from 'fast-xml-parser';

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
const ROOT_SCOPE: Scope = Object.freeze(Object.assign(Object.create(null) as Scope, { xml: XML_NS, '': '' })) as Scope;

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

/**
 * A single-pass, allocation-light XML scanner producing the same tree as {@link parseXml}.
 * It handles what SOAP responses contain (elements, attributes, text, entities, CDATA, comments,
 * processing instructions) and rejects DOCTYPE.
 */
export function parseXmlFast(xml: string): XNode {
  const len = xml.length;
  const nodes: XNode[] = [];
  const scopes: Scope[] = [];
  const texts: string[] = [];
  let root: XNode | undefined;
  let i = 0;
  let scope = ROOT_SCOPE;
  let top: XNode | undefined;
  let text = '';
  while (i < len) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break; // trailing text after the root (or an unterminated element, reported below)
    if (top && lt > i) text += decodeEntities(xml.slice(i, lt));
    const c = xml.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt < 0 || !top) throw new XmlError(`unexpected end tag at ${lt}`);
      const closing = xml.slice(lt + 2, gt).trimEnd();
      const expect = closing.indexOf(':') < 0 ? closing : closing.slice(closing.indexOf(':') + 1);
      if (expect !== top.name) throw new XmlError(`mismatched end tag </${closing}> for <${top.name}> at ${lt}`);
      if (top.children.length === 0) top.text = text;
      nodes.pop();
      top = nodes.length ? nodes[nodes.length - 1] : undefined;
      scope = scopes.pop() as Scope;
      text = texts.pop() as string;
      i = gt + 1;
      continue;
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
        if (top) text += xml.slice(lt + 9, end);
        i = end + 3;
        continue;
      }
      throw new XmlError('DOCTYPE and other declarations are not accepted');
    }
    // start tag
    let j = lt + 1;
    while (j < len) {
      const d = xml.charCodeAt(j);
      if (isSpace(d) || d === 62 /* > */ || d === 47 /* / */) break;
      j++;
    }
    const qname = xml.slice(lt + 1, j);
    if (!qname) throw new XmlError(`empty tag name at ${lt}`);
    let raw: Array<[string, string]> | undefined;
    let selfClose = false;
    for (;;) {
      while (j < len && isSpace(xml.charCodeAt(j))) j++;
      if (j >= len) throw new XmlError('unterminated start tag');
      const d = xml.charCodeAt(j);
      if (d === 62) { j++; break; }
      if (d === 47) {
        if (xml.charCodeAt(j + 1) !== 62) throw new XmlError(`bad '/' in tag at ${j}`);
        selfClose = true;
        j += 2;
        break;
      }
      const eq = xml.indexOf('=', j);
      if (eq < 0) throw new XmlError('attribute without value');
      const an = xml.slice(j, eq).trim();
      let q = eq + 1;
      while (isSpace(xml.charCodeAt(q))) q++;
      const quote = xml.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlError(`unquoted attribute value at ${q}`);
      const qe = xml.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (qe < 0) throw new XmlError('unterminated attribute value');
      (raw ??= []).push([an, decodeEntities(xml.slice(q + 1, qe))]);
      j = qe + 1;
    }
    const node: XNode = { name: '', ns: '', children: [], text: '' };
    const childScope = applyAttributes(node, qname, raw, scope);
    if (top) top.children.push(node);
    else if (!root) root = node;
    else throw new XmlError('more than one root element');
    if (!selfClose) {
      nodes.push(node);
      scopes.push(scope);
      texts.push(text);
      top = node;
      scope = childScope;
      text = '';
    }
    i = j;
  }
  if (nodes.length) throw new XmlError(`unterminated element <${nodes[nodes.length - 1].name}>`);
  if (!root) throw new XmlError('no root element');
  return root;
}

/** First child with the given local name (and namespace, when given). */
export function child(node: XNode, name: string, ns?: string): XNode | undefined {
  for (const c of node.children) if (c.name === name && (ns === undefined || c.ns === ns)) return c;
  return undefined;
}
