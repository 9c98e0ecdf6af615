/**
 * `normaliseMessage`: the grouping key of an error message with no code (numbers, hex and datastore
 * paths made alike). The definition is `normaliseMessageRegex`, five regex passes; `normaliseMessage`
 * gives the same string in one pass (a test compares them on generated messages). It runs once per
 * distinct message, and a bad night has many (a VixDiskLib warning names a disk and an error number).
 */

/** The definition: `[…]` for a bracketed datastore path (and its .vmdk), `#` for numbers and hex, one space for blanks. */
export function normaliseMessageRegex(msg: string): string {
  return msg
    .replace(/\[[^\]]*\][^,\s]*(?:\s[^,\s]*\.vmdk)?/g, '[…]')
    .replace(/0x[0-9a-f]+/gi, '#')
    .replace(/\d+/g, '#')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
}

/** A regex `\s`: WhiteSpace or LineTerminator (what trim() removes too). */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029
    || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** `[^,\s]`. */
const isWordish = (c: number): boolean => c !== 44 && !isSpace(c);
const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** End of `\[[^\]]*\][^,\s]*(?:\s[^,\s]*\.vmdk)?` matched at m[i] === '[', or -1 (no `]` after it). */
function bracketEnd(m: string, i: number): number {
  const close = m.indexOf(']', i + 1);
  if (close < 0) return -1;
  let k = close + 1;
  while (k < m.length && isWordish(m.charCodeAt(k))) k++;
  if (k < m.length && isSpace(m.charCodeAt(k))) {
    let e = k + 1;
    while (e < m.length && isWordish(m.charCodeAt(e))) e++;
    // the greedy [^,\s]* gives back up to the last `.vmdk` inside it
    const q = e - 5 >= k + 1 ? m.lastIndexOf('.vmdk', e - 5) : -1;
    if (q >= k + 1) return q + 5;
  }
  return k;
}

/** m[a, b) (no bracket match inside) with hex `0x…` and digit runs as `#` and blank runs as one space. */
function plain(m: string, a: number, b: number): string {
  let out = '';
  let lit = a;
  let inDigits = false;
  let i = a;
  while (i < b) {
    const c = m.charCodeAt(i);
    let rep: string | undefined;
    let next = i + 1;
    if (c === 48 && i + 2 < b && (m.charCodeAt(i + 1) | 32) === 120 && isHex(m.charCodeAt(i + 2))) {
      next = i + 3;
      while (next < b && isHex(m.charCodeAt(next))) next++;
      rep = '#';
      inDigits = false;
    } else if (isDigit(c)) {
      rep = inDigits ? '' : '#';
      inDigits = true;
    } else if (isSpace(c)) {
      while (next < b && isSpace(m.charCodeAt(next))) next++;
      rep = ' ';
      inDigits = false;
    } else {
      inDigits = false;
    }
    if (rep !== undefined) {
      out += m.slice(lit, i) + rep;
      lit = next;
    }
    i = next;
  }
  return out + m.slice(lit, b);
}

/** Lowercases nothing; replaces numbers and hex with `#` and trims, so similar messages group together. */
export function normaliseMessage(msg: string): string {
  let out = '';
  let from = 0;
  let at = msg.indexOf('[');
  while (at >= 0) {
    const end = bracketEnd(msg, at);
    if (end < 0) break; // no `]` after this `[`, so none after a later one either
    out += plain(msg, from, at) + '[…]';
    from = end;
    at = msg.indexOf('[', end);
  }
  return (out + plain(msg, from, msg.length)).trim().slice(0, 120);
}
