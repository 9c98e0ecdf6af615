/**
 * Text from elsewhere (a server's fault string, a file's content, a certificate's subject) made safe
 * to print on a terminal: control characters (C0 but tab and line feed, DEL, C1) and the Unicode
 * bidirectional overrides are written as `\uXXXX` escapes, so a hostile peer cannot move the cursor,
 * retitle the window, hide text or reorder a line. Inside a JSON string the same escape stands for
 * the same character, so JSON stays valid and keeps its values.
 */

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The text with every terminal control character escaped (tab, line feed and CRLF kept). */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Like {@link printable}, on one line: line feeds are escaped too. */
export function printableLine(text: string): string {
  return printable(text).replace(/\r?\n/g, escape);
}
